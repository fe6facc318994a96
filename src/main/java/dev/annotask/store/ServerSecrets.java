package dev.annotask.store;

import java.security.SecureRandom;
import java.util.Base64;
import org.jdbi.v3.core.Jdbi;

/**
 * Server-wide random keys, by name, in table {@code server_secrets}: the media URL signing key
 * and the key that key secrets are hashed under. Kept in the database (not made per start) so
 * that every node sharing one database uses the same ones, and they survive restarts and
 * {@code migrate-db} (which copies the table with the rest). The first node to ask creates a
 * key; the others, racing or later, read the one that won ({@code ON CONFLICT DO NOTHING} works
 * on SQLite and PostgreSQL alike). The values are never logged or returned by any API.
 * Thread-safe.
 */
public final class ServerSecrets {
    private final Jdbi jdbi;
    private final SecureRandom random = new SecureRandom();

    public ServerSecrets(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The key of that name: the stored one, or {@code bytes} new random bytes stored now. */
    public byte[] getOrCreate(String name, int bytes) {
        byte[] fresh = new byte[bytes];
        random.nextBytes(fresh);
        String stored = jdbi.inTransaction(handle -> {
            handle.createUpdate("INSERT INTO server_secrets (name, secret) VALUES (:name, :secret) "
                            + "ON CONFLICT (name) DO NOTHING")
                    .bind("name", name).bind("secret", Base64.getEncoder().encodeToString(fresh)).execute();
            return handle.createQuery("SELECT secret FROM server_secrets WHERE name = :name")
                    .bind("name", name).mapTo(String.class).one();
        });
        return Base64.getDecoder().decode(stored);
    }
}
