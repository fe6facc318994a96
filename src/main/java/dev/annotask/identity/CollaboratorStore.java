package dev.annotask.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * Collaborations in the database. Removal is soft ({@code deleted_at}), so Clarifai's
 * {@code list_all_collaborators} can still show former collaborators; at most one active row
 * exists per app and user (a partial unique index). Thread-safe.
 */
public final class CollaboratorStore {


    public Optional<Collaborator> findActive(Handle handle, String appUid, String userId) {
        return handle.createQuery("""
                        SELECT * FROM collaborators WHERE app_uid = :app AND user_id = :user AND deleted_at IS NULL""")
                .bind("app", appUid)
                .bind("user", userId)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    /** The active collaboration with this collaborator id on the app, if any. */
    public Optional<Collaborator> findActiveById(Handle handle, String appUid, String id) {
        return handle.createQuery("""
                        SELECT * FROM collaborators WHERE app_uid = :app AND id = :id AND deleted_at IS NULL""")
                .bind("app", appUid)
                .bind("id", id)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    public List<Collaborator> listByApp(Handle handle, String appUid, boolean includeDeleted, int offset, int limit) {
        String filter = includeDeleted ? "" : " AND deleted_at IS NULL";
        return handle.createQuery("SELECT * FROM collaborators WHERE app_uid = :app" + filter
                        + " ORDER BY created_at, id LIMIT :limit OFFSET :offset")
                .bind("app", appUid)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    /** The users who actively collaborate on the app. */
    public Set<String> activeUserIds(Handle handle, String appUid) {
        return handle.createQuery(
                        "SELECT user_id FROM collaborators WHERE app_uid = :app AND deleted_at IS NULL")
                .bind("app", appUid).mapTo(String.class).set();
    }

    /** The user's active collaborations, oldest first. */
    public List<Collaborator> listActiveByUser(Handle handle, String userId, int offset, int limit) {
        return handle.createQuery("""
                        SELECT * FROM collaborators WHERE user_id = :user AND deleted_at IS NULL
                        ORDER BY created_at, id LIMIT :limit OFFSET :offset""")
                .bind("user", userId)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    /** Inserts every collaborator, or none when a user already collaborates; returns those users. */
    public List<String> insertAll(Handle handle, List<Collaborator> collaborators) {
        List<String> existing = collaborators.stream()
                .filter(c -> handle.createQuery("""
                                SELECT COUNT(*) AS n FROM collaborators
                                WHERE app_uid = :app AND user_id = :user AND deleted_at IS NULL""")
                        .bind("app", c.appUid())
                        .bind("user", c.userId())
                        .mapTo(Long.class).one() > 0)
                .map(Collaborator::userId)
                .toList();
        if (!existing.isEmpty()) {
            return existing;
        }
        for (Collaborator c : collaborators) {
            handle.createUpdate("""
                            INSERT INTO collaborators (id, app_uid, user_id, scopes, created_at, modified_at)
                            VALUES (:id, :app, :user, :scopes, :createdAt, :modifiedAt)""")
                    .bind("id", c.id())
                    .bind("app", c.appUid())
                    .bind("user", c.userId())
                    .bind("scopes", Scopes.format(c.scopes()))
                    .bind("createdAt", c.createdAt())
                    .bind("modifiedAt", c.modifiedAt())
                    .execute();
        }
        return List.of();
    }

    /**
     * Ends the active collaborations named by collaborator id or user id; returns the users
     * whose collaboration ended. Rows are ended in user-id order, the
     * order {@link #lockActive} takes them in, so the two never wait on each other in a cycle.
     */
    public Set<String> removeActive(Handle handle, String appUid, List<String> collaboratorOrUserIds, long now) {
        List<Collaborator> named = handle.createQuery("""
                        SELECT * FROM collaborators
                        WHERE app_uid = :app AND deleted_at IS NULL AND (id IN (<ids>) OR user_id IN (<ids>))
                        ORDER BY user_id""")
                .bind("app", appUid)
                .bindList("ids", List.copyOf(new LinkedHashSet<>(collaboratorOrUserIds)))
                .map((rs, ctx) -> map(rs))
                .list();
        Set<String> removed = new TreeSet<>();
        for (Collaborator collaborator : named) {
            int ended = handle.createUpdate("""
                            UPDATE collaborators SET deleted_at = :now, modified_at = :now
                            WHERE id = :id AND deleted_at IS NULL""")
                    .bind("now", now)
                    .bind("id", collaborator.id())
                    .execute();
            if (ended == 1) {
                removed.add(collaborator.userId());
            }
        }
        return Collections.unmodifiableSet(removed);
    }

    /**
     * Replaces the scopes of these active collaborations (each keeps its id), in user-id order,
     * the order {@link #lockActive} and {@link #removeActive} take the rows in. Returns the users
     * whose collaboration had ended meanwhile (a removal committed first), whose rows are left
     * as they are.
     */
    public Set<String> replaceScopes(Handle handle, List<Collaborator> changed, long now) {
        Set<String> ended = new TreeSet<>();
        for (Collaborator c : changed.stream().sorted(Comparator.comparing(Collaborator::userId)).toList()) {
            int updated = handle.createUpdate("""
                            UPDATE collaborators SET scopes = :scopes, modified_at = :now
                            WHERE id = :id AND deleted_at IS NULL""")
                    .bind("scopes", Scopes.format(c.scopes()))
                    .bind("now", now)
                    .bind("id", c.id())
                    .execute();
            if (updated == 0) {
                ended.add(c.userId());
            }
        }
        return ended;
    }

    /**
     * Locks the active collaborations of these users on the app until the caller's transaction
     * ends, and returns the users who do not actively collaborate on it. A task naming workers
     * and reviewers is written under these locks, so it cannot name someone whose removal
     * commits meanwhile: the removal waits for the task, then takes them out of it, or the
     * task's write sees them gone. Locks in user-id order (see {@link #removeActive}).
     */
    public Set<String> lockActive(Handle handle, String appUid, Collection<String> userIds) {
        Set<String> inactive = new TreeSet<>();
        for (String userId : new TreeSet<>(userIds)) {
            int locked = handle.createUpdate("""
                            UPDATE collaborators SET modified_at = modified_at
                            WHERE app_uid = :app AND user_id = :user AND deleted_at IS NULL""")
                    .bind("app", appUid)
                    .bind("user", userId)
                    .execute();
            if (locked == 0) {
                inactive.add(userId);
            }
        }
        return inactive;
    }

    private static Collaborator map(ResultSet rs) throws SQLException {
        return new Collaborator(rs.getString("id"), rs.getString("app_uid"), rs.getString("user_id"),
                Scopes.parse(rs.getString("scopes")), rs.getLong("created_at"), rs.getLong("modified_at"),
                rs.getLong("deleted_at"));
    }
}
