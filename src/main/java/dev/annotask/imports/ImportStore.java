package dev.annotask.imports;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.annotask.proto.imports.Import;
import dev.annotask.proto.imports.ImportError;
import dev.annotask.proto.imports.ImportProgress;
import dev.annotask.store.Json;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Imports in the database: what was asked (the spec), by whom with which scopes, and how far it
 * got (state, progress, the report of bad entries); and the lease of the node running it.
 * Stateless; every method runs in the caller's transaction.
 */
final class ImportStore {
    private static final Gson GSON = new Gson();

    /** An import's row. */
    record Stored(long seq, String appUid, String id, String userId, List<String> scopes, Import spec, int state,
                  ImportProgress progress, List<ImportError> errors, int errorCount, String failure, long createdAt,
                  long modifiedAt) {
    }

    private ImportStore() {
    }

    static void insert(Handle handle, String appUid, Import spec, String userId, List<String> scopes, long now) {
        handle.createUpdate("""
                        INSERT INTO imports (app_uid, id, user_id, scopes, spec, state, progress, created_at, modified_at)
                        VALUES (:app, :id, :user, :scopes, :spec, :state, :progress, :now, :now)""")
                .bind("app", appUid).bind("id", spec.getId()).bind("user", userId).bind("scopes", GSON.toJson(scopes))
                .bind("spec", Json.write(spec)).bind("state", Import.State.QUEUED_VALUE)
                .bind("progress", Json.write(ImportProgress.getDefaultInstance())).bind("now", now).execute();
    }

    static List<String> existingIds(Handle handle, String appUid, List<String> ids) {
        return handle.createQuery("SELECT id FROM imports WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", ids).mapTo(String.class).list();
    }

    static Optional<Stored> find(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM imports WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    static List<Stored> list(Handle handle, String appUid, int offset, int limit) {
        return handle.createQuery("SELECT * FROM imports WHERE app_uid = :app ORDER BY seq DESC LIMIT :limit OFFSET :offset")
                .bind("app", appUid).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * Claims the oldest unfinished import whose lease lapsed (none taken yet, or its node died)
     * for this node until {@code until}: a conditional update, so two nodes never run one import.
     */
    static Optional<Stored> claim(Handle handle, String node, long now, long until) {
        List<Long> candidates = handle.createQuery("""
                        SELECT seq FROM imports WHERE state IN (1, 2, 3) AND lease_until < :now ORDER BY seq LIMIT 5""")
                .bind("now", now).mapTo(Long.class).list();
        for (long seq : candidates) {
            int taken = handle.createUpdate("""
                            UPDATE imports SET lease_owner = :node, lease_until = :until
                            WHERE seq = :seq AND state IN (1, 2, 3) AND lease_until < :now""")
                    .bind("node", node).bind("until", until).bind("seq", seq).bind("now", now).execute();
            if (taken == 1) {
                return handle.createQuery("SELECT * FROM imports WHERE seq = :seq").bind("seq", seq)
                        .map((rs, ctx) -> map(rs)).findOne();
            }
        }
        return Optional.empty();
    }

    /**
     * Records progress and renews this node's lease, in the transaction of the batch it counts
     * (so the count is never ahead of what is written); false when the lease was lost.
     */
    static boolean progress(Handle handle, long seq, String node, int state, ImportProgress progress, long now,
                            long until) {
        return handle.createUpdate("""
                        UPDATE imports SET state = :state, progress = :progress, modified_at = :now, lease_until = :until
                        WHERE seq = :seq AND lease_owner = :node""")
                .bind("state", state).bind("progress", Json.write(progress)).bind("now", now).bind("until", until)
                .bind("seq", seq).bind("node", node).execute() == 1;
    }

    /** Ends an import: DONE, or FAILED with its report or the reason. */
    static void finish(Handle handle, long seq, int state, ImportProgress progress, List<ImportError> errors,
                       int errorCount, String failure, long now) {
        handle.createUpdate("""
                        UPDATE imports SET state = :state, progress = :progress, errors = :errors,
                                           error_count = :count, failure = :failure, modified_at = :now,
                                           lease_owner = '', lease_until = 0
                        WHERE seq = :seq""")
                .bind("state", state).bind("progress", Json.write(progress))
                .bind("errors", errors.isEmpty() ? null : GSON.toJson(errors.stream()
                        .map(e -> List.of(e.getEntry(), e.getMessage())).toList()))
                .bind("count", errorCount).bind("failure", failure).bind("now", now).bind("seq", seq).execute();
    }

    /** Which of these inputs are members of the dataset already. */
    static java.util.Set<String> members(Handle handle, String appUid, String datasetId, List<String> inputIds) {
        return handle.createQuery("""
                        SELECT input_id FROM dataset_inputs
                        WHERE app_uid = :app AND dataset_id = :dataset AND input_id IN (<ids>)""")
                .bind("app", appUid).bind("dataset", datasetId).bindList("ids", inputIds).mapTo(String.class).set();
    }

    private static Stored map(java.sql.ResultSet rs) throws java.sql.SQLException {
        List<String> scopes = GSON.fromJson(rs.getString("scopes"), new TypeToken<List<String>>() { }.getType());
        String errors = rs.getString("errors");
        List<ImportError> report = errors == null ? List.of()
                : GSON.<List<List<String>>>fromJson(errors, new TypeToken<List<List<String>>>() { }.getType()).stream()
                        .map(e -> ImportError.newBuilder().setEntry(e.get(0)).setMessage(e.get(1)).build()).toList();
        return new Stored(rs.getLong("seq"), rs.getString("app_uid"), rs.getString("id"), rs.getString("user_id"),
                scopes, Json.read(rs.getString("spec"), Import.newBuilder()).build(), rs.getInt("state"),
                Json.read(rs.getString("progress"), ImportProgress.newBuilder()).build(), report,
                rs.getInt("error_count"), rs.getString("failure"), rs.getLong("created_at"), rs.getLong("modified_at"));
    }
}
