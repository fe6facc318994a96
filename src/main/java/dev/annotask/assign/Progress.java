package dev.annotask.assign;

import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * A task's progress counters and its completion (docs/ARCHITECTURE.md, "Progress and completion"), kept up to date inside the
 * transactions that change assignments, so that reading progress never scans the task.
 *
 * <p>Counters: <em>taken</em> = inputs someone holds or held to the end (an input whose
 * every assignment was released stops counting), <em>worked</em> = inputs with work turned
 * in, <em>settled</em> = inputs that are done.
 *
 * <p>An input is <em>settled</em> when it can take no more labelers (closed, or all k slots
 * taken) and none of its work is still pending or awaiting a decision. A task in progress
 * becomes TASK_DONE by itself when every input of its source is settled; the source is only
 * counted when every input taken so far is settled, which during labeling is almost never.
 */
final class Progress {
    private static final int[] UNFINISHED = {
            AssignmentStore.PENDING,
            StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW.getNumber(),
            StatusCode.TASK_ASSIGNMENT_AWAITING_CONSENSUS_REVIEW.getNumber()};

    private Progress() {
    }

    /**
     * Locks the task's row for the rest of the transaction. Every labeling and review
     * transaction takes this lock first: they all update the task's counters, and taking the
     * row before any input row gives one lock order, so PostgreSQL sees no deadlocks (SQLite's
     * single writer needs no lock, and the statement is harmless there).
     */
    static void lockTask(Handle handle, StoredTask task) {
        TaskStore.lock(handle, task.appUid(), task.id());
    }

    /**
     * The counter changes of one transaction, written to the task row once at the end
     * ({@link #flush}) instead of one UPDATE per input. Not thread-safe: one per transaction.
     */
    static final class Tally {
        private final StoredTask task;
        private int taken;
        private int worked;
        private int settled;

        Tally(StoredTask task) {
            this.task = task;
        }

        void taken() {
            taken++;
        }

        void worked(Handle handle, List<String> inputIds) {
            worked += handle.createUpdate("""
                            UPDATE task_inputs SET worked = TRUE
                            WHERE app_uid = :app AND task_id = :task AND input_id IN (<inputs>) AND NOT worked""")
                    .bind("app", task.appUid()).bind("task", task.id()).bindList("inputs", inputIds).execute();
        }

        /**
         * Settles those of the inputs on which nothing more can happen (see the class comment),
         * in one statement.
         */
        void settleIfDone(Handle handle, LabelingPlan plan, List<String> inputIds) {
            settle(handle, plan, inputIds);
        }

        /** Settles every input of the task on which nothing more can happen (after a redefinition). */
        void settleAllIfDone(Handle handle, LabelingPlan plan) {
            settle(handle, plan, null);
        }

        private void settle(Handle handle, LabelingPlan plan, List<String> inputIds) {
            String onlyThese = inputIds == null ? "" : " AND input_id IN (<inputs>)";
            var update = handle.createUpdate("""
                            UPDATE task_inputs SET settled = TRUE, open = FALSE, reoffer = FALSE
                            WHERE app_uid = :app AND task_id = :task AND NOT settled AND (NOT open OR claimed >= :k)
                              AND NOT EXISTS (SELECT 1 FROM task_assignments a
                                              WHERE a.app_uid = task_inputs.app_uid AND a.task_id = task_inputs.task_id
                                                AND a.input_id = task_inputs.input_id AND a.status IN (<unfinished>))"""
                            + onlyThese)
                    .bind("app", task.appUid()).bind("task", task.id())
                    .bind("k", plan.labelersPerInput())
                    .bindList("unfinished", Arrays.stream(UNFINISHED).boxed().toList());
            if (inputIds != null) {
                update.bindList("inputs", inputIds);
            }
            settled += update.execute();
        }

        void settleIfDone(Handle handle, LabelingPlan plan, String inputId) {
            settleIfDone(handle, plan, List.of(inputId));
        }

        /** Writes the counters, then completes the task if this transaction settled its last input. */
        void flush(Handle handle, long now) {
            if (taken == 0 && worked == 0 && settled == 0) {
                return;
            }
            handle.createUpdate("""
                            UPDATE tasks SET taken_inputs = taken_inputs + :taken, worked_inputs = worked_inputs + :worked,
                                   settled_inputs = settled_inputs + :settled
                            WHERE app_uid = :app AND id = :task""")
                    .bind("taken", taken).bind("worked", worked).bind("settled", settled)
                    .bind("app", task.appUid()).bind("task", task.id()).execute();
            if (settled > 0) {
                completeIfAllSettled(handle, task, now);
            }
            taken = 0;
            worked = 0;
            settled = 0;
        }
    }

    private static void completeIfAllSettled(Handle handle, StoredTask task, long now) {
        var counters = handle.createQuery("""
                        SELECT status, taken_inputs, settled_inputs FROM tasks WHERE app_uid = :app AND id = :task""")
                .bind("app", task.appUid()).bind("task", task.id())
                .map((rs, ctx) -> new long[] {rs.getLong("status"), rs.getLong("taken_inputs"), rs.getLong("settled_inputs")})
                .one();
        boolean inProgress = counters[0] == StatusCode.TASK_IN_PROGRESS.getNumber();
        if (!inProgress || counters[2] < counters[1]) {
            return;
        }
        if (counters[2] >= SourceScanner.count(handle, task.appUid(), task.spec().getInputSource())) {
            handle.createUpdate("""
                            UPDATE tasks SET status = :done, auto_done = TRUE, modified_at = :now
                            WHERE app_uid = :app AND id = :task AND status = :inProgress""")
                    .bind("done", StatusCode.TASK_DONE.getNumber()).bind("now", now)
                    .bind("inProgress", StatusCode.TASK_IN_PROGRESS.getNumber())
                    .bind("app", task.appUid()).bind("task", task.id()).execute();
        }
    }

}
