package dev.annotask.webhook;

import dev.annotask.store.ServerSecrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook secrets at rest: sealed with AES-256-GCM under the server key {@code webhook-secrets}
 * ({@link ServerSecrets}, shared by every node on the database), bound to their subscription's
 * uid. A copy of the {@code webhooks} table alone reveals no secret; whoever also has
 * {@code server_secrets} (the whole database) can open them, which the threat model accepts
 * (docs/SECURITY.md). A secret cannot be hashed instead: signing needs it. Thread-safe.
 */
final class SecretBox {
    static final String KEY_NAME = "webhook-secrets";
    private static final String FORMAT = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    static SecretBox of(ServerSecrets secrets) {
        return new SecretBox(secrets.getOrCreate(KEY_NAME, 32));
    }

    String seal(String webhookUid, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, webhookUid, nonce);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] stored = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, stored, NONCE_BYTES, sealed.length);
            return FORMAT + Base64.getEncoder().encodeToString(stored);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The secret's bytes, the HMAC key of the signature. */
    byte[] open(String webhookUid, String sealed) {
        if (!sealed.startsWith(FORMAT)) {
            throw new IllegalStateException("unknown sealed secret format");
        }
        byte[] stored = Base64.getDecoder().decode(sealed.substring(FORMAT.length()));
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, webhookUid, Arrays.copyOf(stored, NONCE_BYTES));
            return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a webhook secret cannot be opened (another server key?)", e);
        }
    }

    private Cipher cipher(int mode, String webhookUid, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(webhookUid.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
