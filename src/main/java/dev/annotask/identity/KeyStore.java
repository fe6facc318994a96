package dev.annotask.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Keys in the database, found by their secret (through its hash) or by their fingerprint.
 * Thread-safe.
 */
public final class KeyStore {
    private final KeyHasher hasher;

    public KeyStore(KeyHasher hasher) {
        this.hasher = hasher;
    }

    /** The hash a new key with this secret is stored under. */
    public String hashOf(String secret) {
        return hasher.hash(secret);
    }

    /**
     * The key whose secret this is, under its current hash or, for a row of an older version,
     * under the bare SHA-256 it was stored with ({@link #isLegacy}; {@link #upgrade} rewrites it).
     */
    public Optional<ApiKey> findBySecret(Handle handle, String secret) {
        Optional<ApiKey> current = findByHash(handle, hasher.hash(secret));
        if (current.isPresent()) {
            return current;
        }
        return handle.createQuery("SELECT * FROM api_keys WHERE token_hash = :hash AND hash_scheme = :scheme")
                .bind("hash", KeyHasher.legacyHash(secret))
                .bind("scheme", KeyHasher.LEGACY_SCHEME)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    /** True when the key was found under the hash of an older version (see {@link #upgrade}). */
    public boolean isLegacy(ApiKey key, String secret) {
        return key.tokenHash().equals(KeyHasher.legacyHash(secret));
    }

    /**
     * Rewrites a legacy row's hash to the current one, so each old key is upgraded on its first
     * use and costs one more lookup only until then (and for secrets that match nothing).
     */
    public ApiKey upgrade(Handle handle, ApiKey legacy, String secret) {
        String hash = hasher.hash(secret);
        handle.createUpdate("UPDATE api_keys SET token_hash = :hash, hash_scheme = :scheme WHERE token_hash = :old")
                .bind("hash", hash)
                .bind("scheme", KeyHasher.SCHEME)
                .bind("old", legacy.tokenHash())
                .execute();
        return legacy.withTokenHash(hash);
    }

    private Optional<ApiKey> findByHash(Handle handle, String tokenHash) {
        return handle.createQuery("SELECT * FROM api_keys WHERE token_hash = :hash")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    public Optional<ApiKey> findByFingerprint(Handle handle, String fingerprint) {
        return handle.createQuery("SELECT * FROM api_keys WHERE fingerprint = :fp")
                .bind("fp", fingerprint)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    /** A user's keys, oldest first. */
    public List<ApiKey> listByUser(Handle handle, String userId, int offset, int limit) {
        return handle.createQuery("""
                        SELECT * FROM api_keys WHERE user_id = :user
                        ORDER BY created_at, fingerprint LIMIT :limit OFFSET :offset""")
                .bind("user", userId)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    /** The app keys bound to one app, oldest first. */
    public List<ApiKey> listByApp(Handle handle, String appUid, int offset, int limit) {
        return handle.createQuery("""
                        SELECT * FROM api_keys WHERE app_uid = :app
                        ORDER BY created_at, fingerprint LIMIT :limit OFFSET :offset""")
                .bind("app", appUid)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    public void insertAll(Handle handle, List<ApiKey> keys) {
        keys.forEach(key -> insert(handle, key));
    }

    static void insert(Handle handle, ApiKey key) {
        handle.createUpdate("""
                        INSERT INTO api_keys (token_hash, hash_scheme, fingerprint, user_id, type, app_uid,
                                              description, scopes, created_at, expires_at)
                        VALUES (:hash, :scheme, :fp, :user, :type, :app, :description, :scopes, :createdAt,
                                :expiresAt)""")
                .bind("hash", key.tokenHash())
                .bind("scheme", KeyHasher.SCHEME)
                .bind("fp", key.fingerprint())
                .bind("user", key.userId())
                .bind("type", key.type().wireName())
                .bind("app", key.appUid())
                .bind("description", key.description())
                .bind("scopes", Scopes.format(key.scopes()))
                .bind("createdAt", key.createdAt())
                .bind("expiresAt", key.expiresAt() == 0 ? null : key.expiresAt())
                .execute();
    }

    /** Deletes every personal access token of the user; returns how many there were. */
    static int deletePersonalTokens(Handle handle, String userId) {
        return handle.createUpdate("DELETE FROM api_keys WHERE user_id = :user AND type = :type")
                .bind("user", userId)
                .bind("type", KeyType.PERSONAL_ACCESS_TOKEN.wireName())
                .execute();
    }

    public boolean delete(Handle handle, String tokenHash) {
        return handle.createUpdate("DELETE FROM api_keys WHERE token_hash = :hash")
                .bind("hash", tokenHash)
                .execute() > 0;
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString("token_hash"), rs.getString("fingerprint"), rs.getString("user_id"),
                KeyType.fromWire(rs.getString("type")).orElseThrow(), rs.getString("app_uid"),
                rs.getString("description"), Scopes.parse(rs.getString("scopes")), rs.getLong("created_at"),
                rs.getLong("expires_at"));
    }
}
