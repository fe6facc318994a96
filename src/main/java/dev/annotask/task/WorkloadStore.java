package dev.annotask.task;

import dev.annotask.proto.api.status.StatusCode;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * How much open work users hold in an app's tasks, for ListWorkloads. Both counts go through
 * the membership rows (indexed by user) and, per task a user is in, the assignments index
 * (app, task, worker, status): the cost follows the users' tasks and open work, never the
 * size of the tasks. Stateless; thread-safe.
 */
final class WorkloadStore {
    private static final int PENDING = StatusCode.TASK_ASSIGNMENT_PENDING.getNumber();

    /** By user: how many of the app's tasks name them (as labeler or reviewer, counted once). */
    Map<String, Integer> taskCounts(Handle handle, String appUid, Collection<String> userIds) {
        return counts(handle.createQuery("""
                        SELECT user_id, COUNT(DISTINCT task_id) AS n FROM task_members
                        WHERE app_uid = :app AND user_id IN (<users>) GROUP BY user_id""")
                .bind("app", appUid).bindList("users", List.copyOf(userIds))
                .map((rs, ctx) -> Map.entry(rs.getString("user_id"), rs.getInt("n"))).list());
    }

    /** By user: the inputs they hold in the app's tasks and have not turned in. */
    Map<String, Integer> openAssignments(Handle handle, String appUid, Collection<String> userIds) {
        return counts(handle.createQuery("""
                        SELECT m.user_id, COUNT(*) AS n FROM task_members m
                        JOIN task_assignments a ON a.app_uid = m.app_uid AND a.task_id = m.task_id
                                               AND a.worker_id = m.user_id AND a.status = :pending
                        WHERE m.app_uid = :app AND m.role = :worker AND m.user_id IN (<users>)
                        GROUP BY m.user_id""")
                .bind("app", appUid).bind("pending", PENDING).bind("worker", TaskStore.WORKER)
                .bindList("users", List.copyOf(userIds))
                .map((rs, ctx) -> Map.entry(rs.getString("user_id"), rs.getInt("n"))).list());
    }

    private static Map<String, Integer> counts(List<Map.Entry<String, Integer>> rows) {
        Map<String, Integer> byUser = new HashMap<>();
        rows.forEach(row -> byUser.put(row.getKey(), row.getValue()));
        return byUser;
    }
}
