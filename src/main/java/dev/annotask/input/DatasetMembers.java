package dev.annotask.input;

import dev.annotask.store.SqlBatch;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Dataset membership rows and each dataset's member counter, changed together in the caller's
 * transaction. Shared by inputs (joining datasets on arrival, leaving them when deleted) and
 * datasets (adding and removing members). Stateless.
 */
public final class DatasetMembers {
    private DatasetMembers() {
    }

    /** Which of these ids are datasets of the app (what an input may join). */
    public static Set<String> existingDatasets(Handle handle, String appUid, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return handle.createQuery("SELECT id FROM datasets WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).mapTo(String.class).set();
    }

    /**
     * Adds the input to the dataset unless it is a member already; returns true when it joined.
     *
     * <p>A member's place in the dataset's order ({@code input_seq}, what tasks scan by) is
     * given as it joins: after every member so far, so an input that joins later, however old,
     * comes after every labeler's scan position and joins the dataset's tasks. Joins to one
     * dataset go one transaction at a time (its row is locked first), so places are unique and
     * become visible in order on PostgreSQL too.
     */
    public static boolean add(Handle handle, String appUid, String datasetId, String inputId, long now) {
        lock(handle, appUid, datasetId);
        int joined = handle.createUpdate("""
                        INSERT INTO dataset_inputs (app_uid, dataset_id, input_id, created_at, input_seq)
                        SELECT :app, :dataset, i.id, :now,
                               (SELECT COALESCE(MAX(d.input_seq), 0) + 1 FROM dataset_inputs d
                                WHERE d.app_uid = :app AND d.dataset_id = :dataset)
                        FROM inputs i WHERE i.app_uid = :app AND i.id = :input
                        ON CONFLICT DO NOTHING""")
                .bind("app", appUid).bind("dataset", datasetId).bind("input", inputId).bind("now", now).execute();
        count(handle, appUid, datasetId, joined);
        return joined == 1;
    }

    /**
     * Adds to an upload's statements the joining of inputs it inserts before them (so none is a
     * member yet) to the dataset, in the given order, with two statements whatever their
     * number. Every input joins, so the dataset's count is raised by their number first, and
     * that update is the dataset's lock (see {@link #add}); then one insert gives the new
     * members their places after the dataset's last one. That statement reads no table but the
     * dataset's highest place (an index's last entry), so its plan cannot depend on what the
     * planner believes about the tables' sizes; it reads it after the lock, as a statement of
     * its own (under READ COMMITTED, a statement sees what committed before it began). A
     * dataset that does not exist fails the insert (its foreign key).
     */
    static void addNew(SqlBatch batch, String appUid, String datasetId, List<String> inputIds, long now) {
        if (inputIds.isEmpty()) {
            return;
        }
        batch.add("UPDATE datasets SET input_count = input_count + ? WHERE app_uid = ? AND id = ?",
                (long) inputIds.size(), appUid, datasetId);
        StringBuilder sql = new StringBuilder("WITH joining (input_id, n) AS (VALUES ");
        Object[] values = new Object[inputIds.size() + 5];
        for (int i = 0; i < inputIds.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ").append(i + 1).append(')');
            values[i] = inputIds.get(i);
        }
        sql.append("""
                )
                INSERT INTO dataset_inputs (app_uid, dataset_id, input_id, created_at, input_seq)
                SELECT ?, ?, j.input_id, ?, last.input_seq + j.n
                FROM joining j,
                     (SELECT COALESCE(MAX(d.input_seq), 0) AS input_seq FROM dataset_inputs d
                      WHERE d.app_uid = ? AND d.dataset_id = ?) last
                WHERE TRUE""");
        int n = inputIds.size();
        values[n] = appUid;
        values[n + 1] = datasetId;
        values[n + 2] = now;
        values[n + 3] = appUid;
        values[n + 4] = datasetId;
        batch.add(sql.toString(), values);
    }

    /** Joins to one dataset go one transaction at a time: its row is locked first. */
    private static void lock(Handle handle, String appUid, String datasetId) {
        handle.createUpdate("UPDATE datasets SET input_count = input_count WHERE app_uid = :app AND id = :dataset")
                .bind("app", appUid).bind("dataset", datasetId).execute();
    }

    /** Removes the inputs from the dataset. */
    public static void remove(Handle handle, String appUid, String datasetId, List<String> inputIds) {
        int left = handle.createUpdate(
                        "DELETE FROM dataset_inputs WHERE app_uid = :app AND dataset_id = :dataset AND input_id IN (<ids>)")
                .bind("app", appUid).bind("dataset", datasetId).bindList("ids", inputIds).execute();
        count(handle, appUid, datasetId, -left);
    }

    /** Before inputs are deleted: takes them off every dataset's count (the rows go by cascade). */
    static void forgetInputs(Handle handle, String appUid, List<String> inputIds) {
        handle.createUpdate("""
                        UPDATE datasets SET input_count = input_count - (SELECT COUNT(*) FROM dataset_inputs d
                            WHERE d.app_uid = datasets.app_uid AND d.dataset_id = datasets.id AND d.input_id IN (<ids>))
                        WHERE app_uid = :app""")
                .bind("app", appUid).bindList("ids", inputIds).execute();
    }

    private static void count(Handle handle, String appUid, String datasetId, int delta) {
        if (delta != 0) {
            handle.createUpdate("UPDATE datasets SET input_count = input_count + :delta WHERE app_uid = :app AND id = :id")
                    .bind("delta", delta).bind("app", appUid).bind("id", datasetId).execute();
        }
    }
}
