package dev.annotask.input;

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
     * Inserts the inputs in the caller's transaction, after {@code resolveIds} has chosen their final ids
     * against those already taken (it sees the taken ones and may throw to refuse).
     */
    public List<NewInput> insertAll(Handle handle, String appUid, List<NewInput> inputs,
                                    java.util.function.BiFunction<List<NewInput>, Set<String>, List<NewInput>> resolveIds) {
        // One app's inputs get their seq and commit one transaction at a time (its row is
        // locked before any seq is drawn). Tasks scan their source by seq, so an input whose
        // lower seq committed after a higher one (two nodes posting at once on PostgreSQL)
        // would sit behind a labeler's scan position for good. SQLite's one writer orders
        // them anyway.
        handle.createUpdate("UPDATE apps SET input_count = input_count WHERE uid = :app").bind("app", appUid).execute();
        // Ids taken already are found by the insert itself (its conflicts, settled by the
        // unique index), not by a query first: a query over a list of ids is a plan the
        // planner chooses, and on freshly loaded tables it chose to read every row of the
        // app, under this lock (docs/BENCHMARKS.md, "Ingest"). Only when some are taken
        // are the rows undone and the ids settled as the request asks.
        List<NewInput> resolved = resolveIds.apply(inputs, Set.of());
        Set<String> inserted = insertInputs(handle, appUid, resolved);
        if (inserted.size() < resolved.size()) {
            if (!inserted.isEmpty()) {
                handle.createUpdate("DELETE FROM inputs WHERE app_uid = :app AND id IN (<ids>)")
                        .bind("app", appUid).bindList("ids", List.copyOf(inserted)).execute();
            }
            Set<String> taken = existing(handle, appUid, inputs.stream().map(n -> n.input().id()).toList());
            resolved = resolveIds.apply(inputs, taken);
            Set<String> stored = insertInputs(handle, appUid, resolved);
            resolved.stream().filter(n -> !stored.contains(n.input().id())).findFirst().ifPresent(n -> {
                throw new dev.annotask.api.ApiException(dev.annotask.proto.api.status.StatusCode.DATABASE_DUPLICATE_KEY,
                        "input id '" + n.input().id() + "' already exists");
            });
        }
        storeBytesAndJoin(handle, appUid, resolved);
        handle.createUpdate("UPDATE apps SET input_count = input_count + :n WHERE uid = :app")
                .bind("n", resolved.size()).bind("app", appUid).execute();
        return resolved;
    }

    /** Rows per multi-row INSERT: 10 parameters each stays far below both databases' limits. */
    private static final int ROWS_PER_INSERT = 256;

    /**
     * Inserts the rows in request order with one multi-row statement per chunk (their seqs
     * rise in that order) and returns the ids inserted: not those taken already. With
     * {@link #storeBytesAndJoin} a fixed number of statements per upload instead of a few per
     * input, each of which is a round trip (and on PostgreSQL a plan) under the app's lock.
     */
    private static Set<String> insertInputs(Handle handle, String appUid, List<NewInput> rows) {
        Set<String> inserted = new java.util.HashSet<>();
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<NewInput> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            StringBuilder sql = new StringBuilder(
                    "INSERT INTO inputs (app_uid, id, data, byte_size, status, created_at, modified_at, image_width,"
                            + " image_height, image_format) VALUES ");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("(:app, :id").append(i).append(", :data").append(i)
                        .append(", :size").append(i).append(", :status").append(i).append(", :created").append(i)
                        .append(", :modified").append(i).append(", :width").append(i).append(", :height").append(i)
                        .append(", :format").append(i).append(')');
            }
            sql.append(" ON CONFLICT (app_uid, id) DO NOTHING RETURNING id");
            var insert = handle.createQuery(sql.toString()).bind("app", appUid);
            for (int i = 0; i < chunk.size(); i++) {
                Input input = chunk.get(i).input();
                ImageSize image = input.image();
                insert.bind("id" + i, input.id()).bind("data" + i, input.dataJson()).bind("size" + i, input.byteSize())
                        .bind("status" + i, input.status()).bind("created" + i, input.createdAt())
                        .bind("modified" + i, input.modifiedAt())
                        .bind("width" + i, image == null ? null : image.width())
                        .bind("height" + i, image == null ? null : image.height())
                        .bind("format" + i, headerFormat(image, chunk.get(i).bytes() != null));
            }
            inserted.addAll(insert.mapTo(String.class).list());
        }
        return inserted;
    }

    /** The bytes of the rows just inserted, and their dataset joins (see {@link #insertInputs}). */
    private static void storeBytesAndJoin(Handle handle, String appUid, List<NewInput> rows) {
        List<NewInput> withBytes = rows.stream().filter(n -> n.bytes() != null).toList();
        if (!withBytes.isEmpty()) {
            var batch = handle.prepareBatch("INSERT INTO input_bytes (app_uid, input_id, content) VALUES (:app, :id, :content)");
            for (NewInput next : withBytes) {
                batch.bind("app", appUid).bind("id", next.input().id()).bind("content", next.bytes()).add();
            }
            batch.execute();
        }
        Map<String, List<String>> joining = new java.util.TreeMap<>(); // one order of dataset locks for every upload
        for (NewInput next : rows) {
            next.datasetIds().forEach(d -> joining.computeIfAbsent(d, k -> new java.util.ArrayList<>()).add(next.input().id()));
        }
        long now = rows.isEmpty() ? 0 : rows.get(0).input().createdAt();
        joining.forEach((datasetId, inputIds) -> DatasetMembers.addNew(handle, appUid, datasetId, inputIds, now));
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
                rs.getString("status_details"));
    }
}
