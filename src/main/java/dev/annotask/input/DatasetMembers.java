package dev.annotask.input;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Dataset membership rows and each dataset's member counter, changed together in the caller's
 * transaction. Shared by inputs (joining datasets on arrival, leaving them when deleted) and
 * datasets (adding and removing members). Stateless.
 */
public final class DatasetMembers {
    private DatasetMembers() {
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
        return addAll(handle, appUid, datasetId, List.of(inputId), now) == 1;
    }

    /**
     * Adds the app's inputs among these ids to the dataset, those not members already, in
     * their arrival order, with one statement whatever their number; returns how many joined.
     * Places are given as in {@link #add}.
     */
    public static int addAll(Handle handle, String appUid, String datasetId, List<String> inputIds, long now) {
        if (inputIds.isEmpty()) {
            return 0;
        }
        handle.createUpdate("UPDATE datasets SET input_count = input_count WHERE app_uid = :app AND id = :dataset")
                .bind("app", appUid).bind("dataset", datasetId).execute();
        int joined = handle.createUpdate("""
                        INSERT INTO dataset_inputs (app_uid, dataset_id, input_id, created_at, input_seq)
                        SELECT :app, :dataset, i.id, :now, last.input_seq + ROW_NUMBER() OVER (ORDER BY i.seq)
                        FROM inputs i,
                             (SELECT COALESCE(MAX(d.input_seq), 0) AS input_seq FROM dataset_inputs d
                              WHERE d.app_uid = :app AND d.dataset_id = :dataset) last
                        WHERE i.app_uid = :app AND i.id IN (<inputs>)
                          AND NOT EXISTS (SELECT 1 FROM dataset_inputs m
                                          WHERE m.app_uid = :app AND m.dataset_id = :dataset AND m.input_id = i.id)
                        ON CONFLICT DO NOTHING""")
                .bind("app", appUid).bind("dataset", datasetId).bindList("inputs", List.copyOf(inputIds))
                .bind("now", now).execute();
        count(handle, appUid, datasetId, joined);
        return joined;
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
