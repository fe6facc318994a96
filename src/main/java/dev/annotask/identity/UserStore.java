package dev.annotask.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** Users in the database, in the caller's transaction. Stateless; thread-safe. */
public final class UserStore {
    public Optional<User> find(Handle handle, String id) {
        return handle.createQuery("SELECT * FROM users WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    /** The users with these ids that exist, by id: one statement for a page of a listing. */
    public Map<String, User> findAll(Handle handle, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return handle.createQuery("SELECT * FROM users WHERE id IN (<ids>)")
                .bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> map(rs))
                .collect(Collectors.toMap(User::id, Function.identity()));
    }

    /** Every user, oldest first (id breaks ties). */
    public List<User> list(Handle handle, int offset, int limit) {
        return handle.createQuery("SELECT * FROM users ORDER BY created_at, id LIMIT :limit OFFSET :offset")
                .bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    /**
     * Sets when the user was disabled (0: enabled again); an already disabled user keeps the
     * time they were first disabled. False when no such user exists.
     */
    public boolean setDisabledAt(Handle handle, String id, long disabledAt) {
        return handle.createUpdate("""
                        UPDATE users SET disabled_at = CASE WHEN :at = 0 THEN NULL ELSE COALESCE(disabled_at, :at) END
                        WHERE id = :id""")
                .bind("at", disabledAt)
                .bind("id", id)
                .execute() == 1;
    }

    public boolean isEmpty(Handle handle) {
        return handle.createQuery("SELECT COUNT(*) AS n FROM users").mapTo(Long.class).one() == 0;
    }

    /** Inserts every user, or none when any id is taken; returns the ids already taken. */
    public List<String> insertAll(Handle handle, List<User> users) {
        List<String> taken = users.stream().map(User::id).filter(id -> find(handle, id).isPresent()).toList();
        if (!taken.isEmpty()) {
            return taken;
        }
        for (User user : users) {
            insert(handle, user);
        }
        return List.of();
    }

    static void insert(Handle handle, User user) {
        handle.createUpdate("""
                        INSERT INTO users (id, first_name, last_name, company_name, is_admin, created_at)
                        VALUES (:id, :firstName, :lastName, :companyName, :admin, :createdAt)""")
                .bindMethods(user)
                .execute();
    }

    /**
     * Inserts the user unless the id is taken; false when it was. Where another transaction
     * inserts the same id at the same moment, PostgreSQL waits for it and then does nothing,
     * instead of failing on the unique key.
     */
    static boolean insertIfAbsent(Handle handle, User user) {
        return handle.createUpdate("""
                        INSERT INTO users (id, first_name, last_name, company_name, is_admin, created_at)
                        VALUES (:id, :firstName, :lastName, :companyName, :admin, :createdAt)
                        ON CONFLICT (id) DO NOTHING""")
                .bindMethods(user)
                .execute() == 1;
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getString("first_name"), rs.getString("last_name"),
                rs.getString("company_name"), rs.getBoolean("is_admin"), rs.getLong("created_at"),
                rs.getLong("disabled_at"));
    }
}
