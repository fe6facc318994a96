package dev.annotask.assign;

import dev.annotask.proto.api.status.StatusCode;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * What the count RPCs read: the per-(task, user, status) counts the database triggers keep
 * (migration V5), and the latest turned-in annotations of a task. Stateless.
 */
final class CountStore {
    private CountStore() {
    }

    /** One stored count: {@code n} rows of this kind with this status belong to the user. */
    record Count(String userId, int status, int n) {
    }

    /** A turned-in annotation picked as a sample: its id, its input and its author. */
    record Sample(String annotationId, String inputId, String userId) {
    }

    /** The task's counts of one kind ({@code assignment} or {@code annotation}). */
    static List<Count> counts(Handle handle, String appUid, String taskId, String kind) {
        return handle.createQuery("""
                        SELECT user_id, status, n FROM task_status_counts
                        WHERE app_uid = :app AND task_id = :task AND kind = :kind""")
                .bind("app", appUid).bind("task", taskId).bind("kind", kind)
                .map((rs, ctx) -> new Count(rs.getString("user_id"), rs.getInt("status"), rs.getInt("n")))
                .list();
    }

    /** The task's newest annotations past PENDING, newest first, of these users (all when empty). */
    static List<Sample> samples(Handle handle, String appUid, String taskId, List<String> users, int limit) {
        String byUser = users.isEmpty() ? "" : " AND user_id IN (<users>)";
        var query = handle.createQuery("SELECT id, input_id, user_id FROM annotations WHERE app_uid = :app"
                        + " AND task_id = :task AND status <> :pending" + byUser + " ORDER BY seq DESC LIMIT :limit")
                .bind("app", appUid).bind("task", taskId)
                .bind("pending", StatusCode.ANNOTATION_PENDING.getNumber()).bind("limit", limit);
        if (!users.isEmpty()) {
            query.bindList("users", users);
        }
        return query.map((rs, ctx) -> new Sample(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }
}
