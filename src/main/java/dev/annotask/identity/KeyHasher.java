package dev.annotask.identity;

import dev.annotask.store.ServerSecrets;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;

/**
 * How a key's secret is stored: HMAC-SHA256 under a server-side key (a "pepper", kept in
 * {@link ServerSecrets} as {@code key-hashing}), as 64 hex characters.
 *
 * <p>Why a keyed hash and not a slow password hash: every request finds its key by the stored
 * hash, so the hash must be deterministic (an index lookup, no per-row salt) and fast. Secrets
 * the server makes are 128 random bits, which no hash of any speed lets anyone guess; the one
 * secret a person may choose, the admin token, must be at least 20 characters
 * ({@code SecretSettings}). The HMAC key adds that a copy of the {@code api_keys} table alone
 * (an export, a log of rows) is useless for testing guesses, and that no precomputed SHA-256
 * table applies. Rows from before were a bare SHA-256 ({@link #LEGACY_SCHEME}); they are found
 * by that and rewritten on their next use ({@link KeyStore#findBySecret}). Thread-safe.
 */
public final class KeyHasher {
    static final String SCHEME = "hmac-sha256";
    static final String LEGACY_SCHEME = "sha256";
    private static final String SECRET_NAME = "key-hashing";
    private static final int KEY_BYTES = 32;

    private final SecretKeySpec key;

    public KeyHasher(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** The hasher under this database's key, created on first use. */
    public static KeyHasher forDatabase(Jdbi jdbi) {
        return new KeyHasher(new ServerSecrets(jdbi).getOrCreate(SECRET_NAME, KEY_BYTES));
    }

    public String hash(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    /** The bare SHA-256 that rows written before HMAC hashing hold. */
    static String legacyHash(String secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
