package dev.annotask.identity;

import dev.annotask.store.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Key secrets: how they are made, hashed and named in public.
 *
 * <p>A secret is 128 random bits as 32 hex characters, like Clarifai's keys. Only its SHA-256
 * is stored: a fast hash is right here (unlike for passwords) because the secret is random and
 * long, so it cannot be guessed from its hash, and the hash must be found per request. The
 * fingerprint is a prefix of the hash: safe to show, enough to name a key in listings.
 * Stateless.
 */
public final class Secrets {
    private static final int FINGERPRINT_LENGTH = 16;

    private Secrets() {
    }

    public static String newSecret() {
        return Ids.newId();
    }

    public static String hash(String secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static String fingerprintOfHash(String tokenHash) {
        return tokenHash.substring(0, FINGERPRINT_LENGTH);
    }
}
