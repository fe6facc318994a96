package dev.annotask.input;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Inputs, their bytes and their dataset memberships in the database. Listing order is
 * arrival order ({@code seq}). Thread-safe.
 */
public final class InputStore {
    private final Jdbi jdbi;
    private volatile Boolean postgres;

    public InputStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** An input to insert, with its uploaded bytes (or null) and the datasets it joins. */
    public record NewInput(Input input, byte[] bytes, List<String> datasetIds) {
    }

    public Optional<Input> find(String appUid, String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM inputs WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne());
    }

    /** The inputs of the app among these ids, by id (one query, for responses listing many). */
    public Map<String, Input> findAll(String appUid, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM inputs WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).map((rs, ctx) -> map(rs)).list())
                .stream().collect(java.util.stream.Collectors.toMap(Input::id, input -> input));
    }

    /** The bytes uploaded with the input, if it was posted with bytes (not a URL). */
    public Optional<byte[]> bytes(String appUid, String inputId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT content FROM input_bytes WHERE app_uid = :app AND input_id = :id")
                .bind("app", appUid).bind("id", inputId).mapTo(byte[].class).findOne());
    }

    /** Which of these ids are inputs of the app. */
    public Set<String> existing(String appUid, Collection<String> ids) {
        return jdbi.withHandle(handle -> existing(handle, appUid, ids));
    }

    static Set<String> existing(Handle handle, String appUid, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return handle.createQuery("SELECT id FROM inputs WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).mapTo(String.class).set();
    }

    public List<Input> list(String appUid, List<String> ids, int status, int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM inputs WHERE app_uid = :app");
        if (!ids.isEmpty()) {
            sql.append(" AND id IN (<ids>)");
        }
        if (status != 0) {
            sql.append(" AND status = :status");
        }
        sql.append(" ORDER BY seq LIMIT :limit OFFSET :offset");
        return jdbi.withHandle(handle -> {
            var query = handle.createQuery(sql.toString()).bind("app", appUid).bind("status", status)
                    .bind("limit", limit).bind("offset", offset);
            if (!ids.isEmpty()) {
                query.bindList("ids", ids);
            }
            return query.map((rs, ctx) -> map(rs)).list();
        });
    }

    /** How many inputs the app has (a counter kept with every insert and delete). */
    public long count(String appUid) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT input_count FROM apps WHERE uid = :app")
                .bind("app", appUid).mapTo(Long.class).one());
    }

    /**
     * Inserts the inputs in one transaction, after {@code resolveIds} has chosen their final ids
     * against those already taken (it sees the taken ones and may throw to refuse).
     */
    public List<NewInput> insertAll(String appUid, List<NewInput> inputs,
                                    java.util.function.BiFunction<List<NewInput>, Set<String>, List<NewInput>> resolveIds) {
        List<NewInput> resolved = resolveIds.apply(inputs, Set.of());
        return jdbi.withHandle(handle -> {
            if (canCommitAlone(handle, resolved)) {
                try (InputRows rows = InputRows.bindCommittingAlone(handle, appUid, resolved)) {
                    if (rows.insertCommitting()) {
                        return resolved;
                    }
                } // an id was taken: nothing was written, and the transaction below settles it
            }
            // Prepared and bound before the transaction: on SQLite a write transaction waits for
            // the one writer and holds it, and on PostgreSQL it holds the app's lock (below);
            // binding 128 rows is CPU work neither needs to wait for.
            try (InputRows rows = InputRows.bind(handle, appUid, resolved)) {
                return handle.inTransaction(transaction -> {
                    // One app's inputs get their seq and commit one transaction at a time (its row
                    // is locked before any seq is drawn). Tasks scan their source by seq, so an
                    // input whose lower seq committed after a higher one (two nodes posting at once
                    // on PostgreSQL) would sit behind a labeler's scan position for good. SQLite's
                    // one writer orders them anyway. The lock is the counter's update.
                    addToCount(transaction, appUid, resolved.size());
                    Set<String> inserted = rows.insert();
                    List<NewInput> stored = inserted.size() < resolved.size()
                            ? settleTakenIds(transaction, appUid, inputs, resolved, inserted, resolveIds) : resolved;
                    storeBytesAndJoin(transaction, appUid, stored);
                    return stored;
                });
            }
        });
    }

    /**
     * Whether the upload can be one statement committing on its own ({@link InputRows#bindCommittingAlone}):
     * on PostgreSQL, where the app's lock is what serialises uploads, when it has neither bytes
     * nor datasets to join (those are statements of their own). SQLite's uploads wait for its
     * one writer whatever they do, and its CTEs take no UPDATE.
     */
    private boolean canCommitAlone(Handle handle, List<NewInput> rows) {
        if (rows.isEmpty() || !isPostgres(handle)) {
            return false;
        }
        return rows.stream().allMatch(n -> n.bytes() == null && n.datasetIds().isEmpty());
    }

    private boolean isPostgres(Handle handle) {
        Boolean known = postgres;
        if (known == null) {
            try {
                known = handle.getConnection().getMetaData().getDatabaseProductName().equals("PostgreSQL");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("the database does not say what it is", e);
            }
            postgres = known;
        }
        return known;
    }

    /**
     * Some ids were taken already: undoes the rows inserted, settles the ids as the request
     * asks ({@code resolveIds} sees the taken ones) and inserts again. Rare, so not hurried.
     */
    private static List<NewInput> settleTakenIds(Handle handle, String appUid, List<NewInput> inputs,
                                                 List<NewInput> first, Set<String> inserted,
                                                 java.util.function.BiFunction<List<NewInput>, Set<String>, List<NewInput>> resolveIds) {
        if (!inserted.isEmpty()) {
            handle.createUpdate("DELETE FROM inputs WHERE app_uid = :app AND id IN (<ids>)")
                    .bind("app", appUid).bindList("ids", List.copyOf(inserted)).execute();
        }
        Set<String> taken = existing(handle, appUid, inputs.stream().map(n -> n.input().id()).toList());
        List<NewInput> resolved = resolveIds.apply(inputs, taken);
        Set<String> stored;
        try (InputRows rows = InputRows.bind(handle, appUid, resolved)) {
            stored = rows.insert();
        }
        resolved.stream().filter(n -> !stored.contains(n.input().id())).findFirst().ifPresent(n -> {
            throw new dev.annotask.api.ApiException(dev.annotask.proto.api.status.StatusCode.DATABASE_DUPLICATE_KEY,
                    "input id '" + n.input().id() + "' already exists");
        });
        addToCount(handle, appUid, resolved.size() - first.size());
        return resolved;
    }

    private static void addToCount(Handle handle, String appUid, int delta) {
        handle.createUpdate("UPDATE apps SET input_count = input_count + :n WHERE uid = :app")
                .bind("n", delta).bind("app", appUid).execute();
    }

    /**
     * The bytes of the rows just inserted (one batch), and their dataset joins (one statement
     * per dataset): a fixed number of statements per upload, each a round trip under the lock.
     */
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
    public List<String> updateData(String appUid, Map<String, String> dataJsonById, long now) {
        return jdbi.inTransaction(handle -> {
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
        });
    }

    /** Deletes the inputs, or none when one is missing; returns the missing ids. */
    public List<String> deleteAll(String appUid, List<String> ids) {
        return jdbi.inTransaction(handle -> {
            Set<String> found = existing(handle, appUid, ids);
            List<String> missing = ids.stream().filter(id -> !found.contains(id)).distinct().toList();
            if (!missing.isEmpty()) {
                return missing;
            }
            DatasetMembers.forgetInputs(handle, appUid, ids);
            int deleted = handle.createUpdate("DELETE FROM inputs WHERE app_uid = :app AND id IN (<ids>)")
                    .bind("app", appUid).bindList("ids", ids).execute();
            addToCount(handle, appUid, -deleted);
            return List.of();
        });
    }

    private static Input map(ResultSet rs) throws SQLException {
        return new Input(rs.getString("app_uid"), rs.getString("id"), rs.getString("data"), rs.getLong("byte_size"),
                rs.getInt("status"), rs.getLong("created_at"), rs.getLong("modified_at"));
    }
}
