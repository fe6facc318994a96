package dev.annotask.search;

import dev.annotask.proto.api.Search;
import dev.annotask.store.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Saved searches, and the inputs of the tracked ones ({@code search_inputs}), in the database.
 * Stateless and thread-safe.
 */
public final class SearchStore {
    /** The inputs of the app that are not yet members of the search {@code :search}, and (what follows) the condition. */
    private static final String NEW_MATCHES = " FROM inputs i WHERE i.app_uid = :app AND NOT EXISTS (SELECT 1"
            + " FROM search_inputs s WHERE s.app_uid = i.app_uid AND s.search_id = :search AND s.input_id = i.id) AND ";

    /** Inserts the search; false when the app has one with that id already. */
    public boolean insert(Handle handle, SavedSearch search) {
        return handle.createUpdate("""
                        INSERT INTO searches (app_uid, id, kind, spec, created_at, modified_at)
                        VALUES (:app, :id, :kind, :spec, :created, :modified) ON CONFLICT (app_uid, id) DO NOTHING""")
                .bind("app", search.appUid()).bind("id", search.id()).bind("kind", search.kind().stored())
                .bind("spec", Json.write(search.spec())).bind("created", search.createdAt())
                .bind("modified", search.modifiedAt()).execute() == 1;
    }

    public Optional<SavedSearch> find(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM searches WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** The app's saved searches, oldest first. */
    public List<SavedSearch> list(Handle handle, String appUid, int offset, int limit) {
        return handle.createQuery("SELECT * FROM searches WHERE app_uid = :app ORDER BY seq LIMIT :limit OFFSET :offset")
                .bind("app", appUid).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    /** The app's tracked searches: one lookup in a partial index, empty for apps without any. */
    List<SavedSearch> tracked(Handle handle, String appUid) {
        return handle.createQuery("SELECT * FROM searches WHERE app_uid = :app AND tracked ORDER BY id")
                .bind("app", appUid).map((rs, ctx) -> map(rs)).list();
    }

    public boolean delete(Handle handle, String appUid, String id) {
        return handle.createUpdate("DELETE FROM searches WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).execute() == 1;
    }

    /** The ids of the app's tasks that take their inputs from the search. */
    public List<String> tasksUsing(Handle handle, String appUid, String searchId) {
        return handle.createQuery("""
                        SELECT id FROM tasks WHERE app_uid = :app AND input_source_type = :type AND input_source_id = :id
                        ORDER BY id""")
                .bind("app", appUid).bind("id", searchId)
                .bind("type", dev.annotask.proto.api.TaskInputSource.TaskInputSourceType.SAVED_SEARCH_VALUE)
                .mapTo(String.class).list();
    }

    /**
     * Locks the search's row until the transaction ends, and marks it tracked: inputs join one
     * search one transaction at a time, so their places ({@code input_seq}) are given in commit
     * order, as datasets give theirs. Answers whether it was tracked before.
     */
    boolean lockAndTrack(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT tracked FROM searches WHERE app_uid = :app AND id = :id <forUpdate>")
                .bind("app", appUid).bind("id", id).mapTo(Boolean.class).findOne()
                .map(before -> {
                    if (!before) {
                        handle.createUpdate("UPDATE searches SET tracked = TRUE WHERE app_uid = :app AND id = :id")
                                .bind("app", appUid).bind("id", id).execute();
                    }
                    return before;
                }).orElse(false);
    }

    /**
     * Adds the inputs that meet the condition (over {@code inputs i}) and are no members yet,
     * after every member so far, in arrival order; answers how many joined. The caller holds
     * the search's lock ({@link #lockAndTrack}).
     */
    int addMatching(Handle handle, String appUid, String searchId, String condition, Map<String, Object> params,
                    long now) {
        return handle.createUpdate("""
                        INSERT INTO search_inputs (app_uid, search_id, input_id, input_seq, created_at)
                        SELECT :app, :search, m.id, last.n + ROW_NUMBER() OVER (ORDER BY m.seq), :now
                        FROM (SELECT i.id, i.seq""" + NEW_MATCHES + condition + """
                             ) m,
                             (SELECT COALESCE(MAX(input_seq), 0) AS n FROM search_inputs
                              WHERE app_uid = :app AND search_id = :search) last""")
                .bindMap(params).bind("app", appUid).bind("search", searchId).bind("now", now).execute();
    }

    /** Whether an input meets the condition and is no member yet: read first, so that only a join takes the lock. */
    boolean hasNewMatches(Handle handle, String appUid, String searchId, String condition, Map<String, Object> params) {
        return handle.createQuery("SELECT COUNT(*)" + NEW_MATCHES + condition)
                .bindMap(params).bind("app", appUid).bind("search", searchId).mapTo(Long.class).one() > 0;
    }

    private static SavedSearch map(ResultSet rs) throws SQLException {
        return new SavedSearch(rs.getString("app_uid"), rs.getString("id"), SearchKind.ofStored(rs.getString("kind")),
                Json.read(rs.getString("spec"), Search.newBuilder()).build(), rs.getBoolean("tracked"),
                rs.getLong("created_at"), rs.getLong("modified_at"));
    }
}
