package dev.annotask.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Apps in the database; deleting one cascades to everything that belongs to it. Thread-safe. */
public final class AppStore {
    public Optional<App> find(Handle handle, String ownerId, String appId) {
        return handle.createQuery("SELECT * FROM apps WHERE user_id = :owner AND id = :id")
                .bind("owner", ownerId)
                .bind("id", appId)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    public Optional<App> findByUid(Handle handle, String uid) {
        return handle.createQuery("SELECT * FROM apps WHERE uid = :uid")
                .bind("uid", uid)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    public List<App> listOwnedBy(Handle handle, String ownerId, int offset, int limit) {
        return handle.createQuery("""
                        SELECT * FROM apps WHERE user_id = :owner ORDER BY created_at, id LIMIT :limit OFFSET :offset""")
                .bind("owner", ownerId)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    /** Inserts every app, or none when any id is taken for its owner; returns the taken ids. */
    public List<String> insertAll(Handle handle, List<App> apps) {
        List<String> taken = apps.stream()
                .filter(app -> handle.createQuery("SELECT COUNT(*) AS n FROM apps WHERE user_id = :owner AND id = :id")
                        .bind("owner", app.ownerId())
                        .bind("id", app.id())
                        .mapTo(Long.class).one() > 0)
                .map(App::id)
                .toList();
        if (!taken.isEmpty()) {
            return taken;
        }
        for (App app : apps) {
            handle.createUpdate("""
                            INSERT INTO apps (uid, user_id, id, name, description, default_language, notes,
                                              metadata, created_at, modified_at)
                            VALUES (:uid, :ownerId, :id, :name, :description, :defaultLanguage, :notes,
                                    :metadataJson, :createdAt, :modifiedAt)""")
                    .bindMethods(app)
                    .execute();
        }
        return List.of();
    }

    public boolean delete(Handle handle, String uid) {
        return handle.createUpdate("DELETE FROM apps WHERE uid = :uid").bind("uid", uid).execute() > 0;
    }

    private static App map(ResultSet rs) throws SQLException {
        return new App(rs.getString("uid"), rs.getString("user_id"), rs.getString("id"), rs.getString("name"),
                rs.getString("description"), rs.getString("default_language"), rs.getString("notes"),
                rs.getString("metadata"), rs.getLong("created_at"), rs.getLong("modified_at"));
    }
}
