package dev.annotask.testing;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The two sides of the task-count invariant, read straight from a database: what the triggers
 * keep in {@code task_status_counts}, and what a GROUP BY over the rows they count says it
 * must hold. Each row as one line {@code "app task kind user status n"}, in key order, so two
 * lists compare equal exactly when the counts are exact.
 */
public final class StatusCounts {
    private static final String ORDER = " ORDER BY app_uid, task_id, kind, user_id, status";

    private StatusCounts() {
    }

    /** What task_status_counts holds. */
    public static List<String> stored(Handle handle) {
        return lines(handle, "SELECT app_uid, task_id, kind, user_id, status, n FROM task_status_counts" + ORDER);
    }

    /** What task_status_counts should hold: task assignments and task annotations, grouped. */
    public static List<String> fresh(Handle handle) {
        return lines(handle, """
                SELECT app_uid, task_id, kind, user_id, status, n FROM (
                  SELECT app_uid, task_id, 'assignment' AS kind, worker_id AS user_id, status, COUNT(*) AS n
                  FROM task_assignments GROUP BY app_uid, task_id, worker_id, status
                  UNION ALL
                  SELECT app_uid, task_id, 'annotation' AS kind, user_id, status, COUNT(*) AS n
                  FROM annotations WHERE task_id <> '' GROUP BY app_uid, task_id, user_id, status) AS c""" + ORDER);
    }

    private static List<String> lines(Handle handle, String sql) {
        return handle.createQuery(sql).map((rs, ctx) -> String.join(" ", rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6))).list();
    }
}
