package dev.annotask.identity;

import dev.annotask.store.Ids;

/**
 * Key secrets and the public names of keys: how they are made.
 *
 * <p>A secret is 128 random bits as 32 hex characters, like Clarifai's keys; it is stored only
 * as its hash ({@link KeyHasher}). The fingerprint names a key in listings: 64 random bits as
 * 16 hex characters, drawn independently of the secret, so showing it tells nothing about the
 * secret (an earlier fingerprint was a prefix of the secret's hash, which lets anyone test
 * guesses of a chosen secret offline). Stateless.
 */
public final class Secrets {
    private static final int FINGERPRINT_LENGTH = 16;

    private Secrets() {
    }

    public static String newSecret() {
        return Ids.newId();
    }

    public static String newFingerprint() {
        return Ids.newId().substring(0, FINGERPRINT_LENGTH);
    }
}
