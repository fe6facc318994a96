package dev.annotask.media;

import java.security.SecureRandom;
import java.util.Base64;
import org.jdbi.v3.core.Jdbi;

/**
 * The key that signs media URLs, kept in table {@code server_secrets} so that all nodes on one
 * database share it. The first node to start creates it; the others, racing or later, read the
 * one that won ({@code ON CONFLICT DO NOTHING} works on SQLite and PostgreSQL alike). The
 * secret is never logged or returned by any API. Thread-safe.
 */
public final class SigningKeyStore {
    static final String MEDIA_URL_KEY = "media-url";
    private static final int KEY_BYTES = 32;

    private final Jdbi jdbi;
    private final SecureRandom random = new SecureRandom();

    public SigningKeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The media URL key: the stored one, or a new random one stored now. */
    public byte[] mediaUrlKey() {
        byte[] fresh = new byte[KEY_BYTES];
        random.nextBytes(fresh);
        String stored = jdbi.inTransaction(handle -> {
            handle.createUpdate("INSERT INTO server_secrets (name, secret) VALUES (:name, :secret) "
                            + "ON CONFLICT (name) DO NOTHING")
                    .bind("name", MEDIA_URL_KEY).bind("secret", Base64.getEncoder().encodeToString(fresh)).execute();
            return handle.createQuery("SELECT secret FROM server_secrets WHERE name = :name")
                    .bind("name", MEDIA_URL_KEY).mapTo(String.class).one();
        });
        return Base64.getDecoder().decode(stored);
    }
}
