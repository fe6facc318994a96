package dev.annotask.input;

import dev.annotask.store.SqlBatch;
import dev.annotask.store.StoreFailures;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Inputs, their bytes and their dataset memberships in the database. Listing order is
 * arrival order ({@code seq}). Thread-safe.
 */
public final class InputStore {


    /** An input to insert, with its uploaded bytes (or null) and the datasets it joins. */
    public record NewInput(Input input, byte[] bytes, List<String> datasetIds) {
    }

    public Optional<Input> find(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM inputs WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** The inputs of the app among these ids, by id (one query, for responses listing many). */
    public Map<String, Input> findAll(Handle handle, String appUid, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return handle.createQuery("SELECT * FROM inputs WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).map((rs, ctx) -> map(rs)).list()
                .stream().collect(java.util.stream.Collectors.toMap(Input::id, input -> input));
    }

    /** The bytes uploaded with the input, if it was posted with bytes (not a URL). */
    public Optional<byte[]> bytes(Handle handle, String appUid, String inputId) {
        return handle.createQuery(
                        "SELECT content FROM input_bytes WHERE app_uid = :app AND input_id = :id")
                .bind("app", appUid).bind("id", inputId).mapTo(byte[].class).findOne();
    }

    /** Which of these ids are inputs of the app. */
    public static Set<String> existing(Handle handle, String appUid, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return handle.createQuery("SELECT id FROM inputs WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).mapTo(String.class).set();
    }

    public List<Input> list(Handle handle, String appUid, List<String> ids, int status, int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM inputs WHERE app_uid = :app");
        if (!ids.isEmpty()) {
            sql.append(" AND id IN (<ids>)");
        }
        if (status != 0) {
            sql.append(" AND status = :status");
        }
        sql.append(" ORDER BY seq LIMIT :limit OFFSET :offset");
        var query = handle.createQuery(sql.toString()).bind("app", appUid).bind("status", status)
                .bind("limit", limit).bind("offset", offset);
        if (!ids.isEmpty()) {
            query.bindList("ids", ids);
        }
        return query.map((rs, ctx) -> map(rs)).list();
    }

    /** How many inputs the app has (a counter kept with every insert and delete). */
    public long count(Handle handle, String appUid) {
        return handle.createQuery("SELECT input_count FROM apps WHERE uid = :app")
                .bind("app", appUid).mapTo(Long.class).one();
    }

    /**
     * Stores an upload in the caller's transaction by running its statements
     * ({@link InputRows#statements}), and answers true. When a constraint stops them (an id
     * taken already, a dataset that does not exist) it rolls back to the savepoint they begin
     * with, so nothing of them is left and the app's lock is let go, and answers false: the
     * caller then finds out why ({@link #lockAndFindTaken}) and runs the statements of what it
     * settled on, which fail the request if they fail again.
     *
     * <p>One app's inputs get their seq and commit one transaction at a time: the app's row is
     * locked (its counter's update) before any seq is drawn, and held to the commit. Tasks scan
     * their source by seq, so an input whose lower seq committed after a higher one (two nodes
     * posting at once on PostgreSQL) would sit behind a labeler's scan position for good.
     * SQLite's one writer orders them anyway.
     */
    public boolean upload(Handle handle, SqlBatch statements) {
        try {
            statements.run(handle);
            return true;
        } catch (RuntimeException e) {
            if (!StoreFailures.isConstraintViolation(e)) {
                throw e;
            }
            handle.execute("ROLLBACK TO SAVEPOINT " + InputRows.SAVEPOINT);
            return false;
        }
    }

    /**
     * For an upload settling its ids: takes the app's lock (so no other upload takes an id
     * before this one's statements run) and answers which of the ids the app has already.
     */
    public Set<String> lockAndFindTaken(Handle handle, String appUid, Collection<String> ids) {
        handle.createUpdate("UPDATE apps SET input_count = input_count WHERE uid = :app").bind("app", appUid).execute();
        return existing(handle, appUid, ids);
    }

    /** Replaces the stored data of each input; all or none (returns the missing ids, changing nothing then). */
    public List<String> updateData(Handle handle, String appUid, Map<String, String> dataJsonById, long now) {
        Set<String> found = existing(handle, appUid, dataJsonById.keySet());
        List<String> missing = dataJsonById.keySet().stream().filter(id -> !found.contains(id)).toList();
        if (!missing.isEmpty()) {
            return missing;
        }
        for (Map.Entry<String, String> entry : dataJsonById.entrySet()) {
            handle.createUpdate("UPDATE inputs SET data = :data, modified_at = :now WHERE app_uid = :app AND id = :id")
                    .bind("data", entry.getValue()).bind("now", now).bind("app", appUid).bind("id", entry.getKey())
                    .execute();
        }
        return List.of();
    }

    /** Deletes the inputs, or none when one is missing; returns the missing ids. */
    public List<String> deleteAll(Handle handle, String appUid, List<String> ids) {
        Set<String> found = existing(handle, appUid, ids);
        List<String> missing = ids.stream().filter(id -> !found.contains(id)).distinct().toList();
        if (!missing.isEmpty()) {
            return missing;
        }
        DatasetMembers.forgetInputs(handle, appUid, ids);
        int deleted = handle.createUpdate("DELETE FROM inputs WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", ids).execute();
        handle.createUpdate("UPDATE apps SET input_count = input_count - :n WHERE uid = :app")
                .bind("n", deleted).bind("app", appUid).execute();
        return List.of();
    }

    /**
     * The stored {@code image_format}: the format read, '' for bytes that are no image read
     * (so the backfill passes them over), NULL without bytes (schema V12).
     */
    static String headerFormat(ImageSize image, boolean hasBytes) {
        return image != null ? image.format() : hasBytes ? "" : null;
    }

    static Input map(ResultSet rs) throws SQLException {
        String format = rs.getString("image_format");
        int width = rs.getInt("image_width");
        int height = rs.getInt("image_height");
        ImageSize image = format == null || format.isEmpty() || width <= 0 || height <= 0 ? null
                : new ImageSize(width, height, format);
        return new Input(rs.getString("app_uid"), rs.getString("id"), rs.getString("data"), rs.getLong("byte_size"),
                rs.getInt("status"), rs.getLong("created_at"), rs.getLong("modified_at"), image,
                rs.getString("status_details"), rs.getString("media_info"));
    }
}
