package dev.annotask.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Keys in the database, found by the hash of their secret or by their fingerprint. Thread-safe. */
public final class KeyStore {
    private final Jdbi jdbi;

    public KeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<ApiKey> findByHash(String tokenHash) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM api_keys WHERE token_hash = :hash")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    public Optional<ApiKey> findByFingerprint(String fingerprint) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM api_keys WHERE fingerprint = :fp")
                .bind("fp", fingerprint)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    /** A user's keys, oldest first. */
    public List<ApiKey> listByUser(String userId, int offset, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT * FROM api_keys WHERE user_id = :user
                        ORDER BY created_at, fingerprint LIMIT :limit OFFSET :offset""")
                .bind("user", userId)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> map(rs))
                .list());
    }

    /** The app keys bound to one app, oldest first. */
    public List<ApiKey> listByApp(String appUid, int offset, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT * FROM api_keys WHERE app_uid = :app
                        ORDER BY created_at, fingerprint LIMIT :limit OFFSET :offset""")
                .bind("app", appUid)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> map(rs))
                .list());
    }

    public void insertAll(List<ApiKey> keys) {
        jdbi.useTransaction(handle -> keys.forEach(key -> insert(handle, key)));
    }

    static void insert(Handle handle, ApiKey key) {
        handle.createUpdate("""
                        INSERT INTO api_keys (token_hash, fingerprint, user_id, type, app_uid, description,
                                              scopes, created_at, expires_at)
                        VALUES (:hash, :fp, :user, :type, :app, :description, :scopes, :createdAt, :expiresAt)""")
                .bind("hash", key.tokenHash())
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

    public boolean delete(String tokenHash) {
        return jdbi.inTransaction(handle -> handle.createUpdate("DELETE FROM api_keys WHERE token_hash = :hash")
                .bind("hash", tokenHash)
                .execute() > 0);
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString("token_hash"), rs.getString("fingerprint"), rs.getString("user_id"),
                KeyType.fromWire(rs.getString("type")).orElseThrow(), rs.getString("app_uid"),
                rs.getString("description"), Scopes.parse(rs.getString("scopes")), rs.getLong("created_at"),
                rs.getLong("expires_at"));
    }
}
