package dev.annotask.assign;

import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import org.jdbi.v3.core.Handle;

/**
 * Completes a task in progress when its last input settles, without a lock every labeling
 * transaction would wait for (docs/ARCHITECTURE.md, "Locks on the labeling path").
 *
 * <p>The hazard: under PostgreSQL's READ COMMITTED two transactions that settle a task's last
 * inputs at the same time each see the other's inputs unsettled, and neither completes the
 * task. The rule that closes it, run by every transaction that settled something, after its
 * last write:
 * <ol>
 *   <li>If the summed counters, as this transaction sees them, say the task is done, complete it
 *       (a conditional UPDATE: of two transactions that both get here one changes the row).</li>
 *   <li>Otherwise look for an unsettled input row that no other transaction is changing, and
 *       share-lock it without waiting ({@code FOR SHARE SKIP LOCKED}). If there is one, this is
 *       not the last settling: whoever settles that input must wait for this transaction's
 *       commit (the share lock) and then sees it.</li>
 *   <li>If there is none, every unsettled input is being changed by a transaction still
 *       running, so this one may be the last: lock the task's row (only such transactions take
 *       it, so the lock is rare and short) and look again in a new statement, which sees every
 *       transaction that took the lock before.</li>
 * </ol>
 * Why nothing is missed: take the settling transaction whose look (2) comes last. Every input
 * still unsettled when it looks is held by the transaction that will settle it (anyone
 * settling later would look later), so it finds none and takes the lock (3). Every
 * transaction that stopped at (2) share-locked an input that someone settled before this
 * look, after that transaction's commit; every one that went on to (3) took the lock before.
 * So its second look sees them all. On SQLite, whose single writer runs one transaction at a
 * time, step 1 alone is exact and the rest repeats it.
 */
final class Completion {
    private Completion() {
    }

    static void afterSettling(Handle handle, StoredTask task, long now) {
        if (completeIfAllSettled(handle, task, now)) {
            return;
        }
        boolean inputLeftToOthers = handle.createQuery("""
                        SELECT input_id FROM task_inputs WHERE app_uid = :app AND task_id = :task AND NOT settled
                        LIMIT 1 <forShareSkipLocked>""")
                .bind("app", task.appUid()).bind("task", task.id()).mapTo(String.class).findOne().isPresent();
        if (inputLeftToOthers) {
            return;
        }
        TaskStore.lock(handle, task.appUid(), task.id());
        completeIfAllSettled(handle, task, now);
    }

    /** Completes the task if it is in progress and every input taken and in its source is settled; true if it is done now. */
    private static boolean completeIfAllSettled(Handle handle, StoredTask task, long now) {
        var counters = handle.createQuery("""
                        SELECT t.status,
                               (SELECT COALESCE(SUM(p.taken), 0) FROM task_progress p
                                WHERE p.app_uid = t.app_uid AND p.task_id = t.id) AS taken,
                               (SELECT COALESCE(SUM(p.settled), 0) FROM task_progress p
                                WHERE p.app_uid = t.app_uid AND p.task_id = t.id) AS settled
                        FROM tasks t WHERE t.app_uid = :app AND t.id = :task""")
                .bind("app", task.appUid()).bind("task", task.id())
                .map((rs, ctx) -> new long[] {rs.getLong("status"), rs.getLong("taken"), rs.getLong("settled")})
                .findOne().orElse(null);
        if (counters == null || counters[0] != StatusCode.TASK_IN_PROGRESS.getNumber()) {
            return true;
        }
        if (counters[2] < counters[1]
                || counters[2] < SourceScanner.count(handle, task.appUid(), task.spec().getInputSource())) {
            return false;
        }
        handle.createUpdate("""
                        UPDATE tasks SET status = :done, auto_done = TRUE, modified_at = :now
                        WHERE app_uid = :app AND id = :task AND status = :inProgress""")
                .bind("done", StatusCode.TASK_DONE.getNumber()).bind("now", now)
                .bind("inProgress", StatusCode.TASK_IN_PROGRESS.getNumber())
                .bind("app", task.appUid()).bind("task", task.id()).execute();
        return true;
    }
}
