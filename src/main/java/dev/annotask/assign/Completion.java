package dev.annotask.assign;

import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import dev.annotask.task.TaskWire;
import java.util.List;
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
 * So its second look sees them all. Steps 1 and 2 are one statement. On SQLite, whose single writer runs one transaction at a
 * time, step 1 alone is exact and the rest repeats it.
 */
final class Completion {
    private Completion() {
    }

    /** Completes the task if this transaction settled its last input, with its task.completed event. */
    static void afterSettling(Handle handle, StoredTask task, long now, Events events) {
        Look first = look(handle, task, true);
        if (!first.inProgress()) {
            return;
        }
        if (first.allSettled(handle, task)) {
            complete(handle, task, now, events);
            return;
        }
        if (first.inputLeftToOthers()) {
            return;
        }
        TaskStore.lock(handle, task.appUid(), task.id());
        Look again = look(handle, task, false);
        if (again.inProgress() && again.allSettled(handle, task)) {
            complete(handle, task, now, events);
        }
    }

    /** The task's status and summed counters as this statement sees them, and whether it found and share-locked an unsettled input nobody is changing. */
    private record Look(boolean inProgress, long taken, long settled, boolean inputLeftToOthers) {
        /** Every input taken and every input of the source settled (the source counted only when the first holds). */
        boolean allSettled(Handle handle, StoredTask task) {
            return settled >= taken && settled >= SourceScanner.count(handle, task.appUid(), task.spec().getInputSource());
        }
    }

    /** One statement: with {@code probe}, also step 2 of the class comment. */
    private static Look look(Handle handle, StoredTask task, boolean probe) {
        String unsettled = probe ? """
                       , (SELECT i.input_id FROM task_inputs i
                          WHERE i.app_uid = t.app_uid AND i.task_id = t.id AND NOT i.settled
                          LIMIT 1 <forShareSkipLocked>) AS unsettled""" : ", NULL AS unsettled";
        return handle.createQuery("""
                        SELECT t.status,
                               (SELECT COALESCE(SUM(p.taken), 0) FROM task_progress p
                                WHERE p.app_uid = t.app_uid AND p.task_id = t.id) AS taken,
                               (SELECT COALESCE(SUM(p.settled), 0) FROM task_progress p
                                WHERE p.app_uid = t.app_uid AND p.task_id = t.id) AS settled"""
                        + unsettled + """

                        FROM tasks t WHERE t.app_uid = :app AND t.id = :task""")
                .bind("app", task.appUid()).bind("task", task.id())
                .map((rs, ctx) -> new Look(rs.getInt("status") == StatusCode.TASK_IN_PROGRESS.getNumber(),
                        rs.getLong("taken"), rs.getLong("settled"), rs.getString("unsettled") != null))
                .findOne().orElse(new Look(false, 0, 0, false));
    }

    /** Of two transactions that get here, one changes the row: the other waits for it, then finds the task done. */
    private static void complete(Handle handle, StoredTask task, long now, Events events) {
        int changed = handle.createUpdate("""
                        UPDATE tasks SET status = :done, auto_done = TRUE, modified_at = :now
                        WHERE app_uid = :app AND id = :task AND status = :inProgress""")
                .bind("done", StatusCode.TASK_DONE.getNumber()).bind("now", now)
                .bind("inProgress", StatusCode.TASK_IN_PROGRESS.getNumber())
                .bind("app", task.appUid()).bind("task", task.id()).execute();
        if (changed > 0) {
            StoredTask done = new StoredTask(task.appUid(), task.id(), task.spec(), StatusCode.TASK_DONE.getNumber(),
                    task.createdAt(), now, task.partitionByInput());
            events.emitWithApp(handle, task.appUid(), EventType.TASK_COMPLETED, app -> List.of(TaskWire.of(app, done)));
        }
    }
}
