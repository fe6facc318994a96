package dev.annotask.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Server-generated identifiers: 32 lowercase hex characters, the shape of Clarifai's own ids
 * (task, input, annotation, request ids). Drawn from {@link SecureRandom}, so the same call
 * also makes unguessable secrets. Thread-safe.
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
