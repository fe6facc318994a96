package dev.annotask.assign;

import dev.annotask.annotation.Annotation;
import dev.annotask.annotation.AnnotationRpcs;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.SqlDialect;
import dev.annotask.task.StoredTask;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * A task's progress counters and its completion (docs/ARCHITECTURE.md, "Progress and completion"), kept up to date inside the
 * transactions that change assignments, so that reading progress never scans the task.
 *
 * <p>Counters: <em>taken</em> = inputs someone holds or held to the end (an input whose
 * every assignment was released stops counting), <em>worked</em> = inputs with work turned
 * in, <em>settled</em> = inputs that are done. They are kept per (task, acting user) in
 * {@code task_progress} and summed on read, so that labelers of one task never wait for each
 * other on a shared counter (docs/ARCHITECTURE.md, "Locks on the labeling path").
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

    /** Settles the task's inputs on which nothing more can happen (see the class comment). */
    private static final String SETTLE = """
            UPDATE task_inputs SET settled = TRUE, open = FALSE, reoffer = FALSE
            WHERE app_uid = :app AND task_id = :task AND NOT settled AND (NOT open OR claimed >= :k)
              AND NOT EXISTS (SELECT 1 FROM task_assignments a
                              WHERE a.app_uid = task_inputs.app_uid AND a.task_id = task_inputs.task_id
                                AND a.input_id = task_inputs.input_id AND a.status IN (UNFINISHED))"""
            .replace("UNFINISHED", Arrays.stream(UNFINISHED).mapToObj(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", ")));

    private Progress() {
    }

    private static int sum(int[] counts) {
        return Arrays.stream(counts).sum();
    }

    /**
     * Locks these inputs' slot rows of the task for the rest of the transaction, in input id
     * order (the one order every transaction that locks several takes them in, so two never
     * wait on each other in a cycle), before anything is decided on them: consensus and
     * settling read the input's assignments after the lock, so they see every transaction that
     * changed the input before. Inputs nobody has taken have no row and lock nothing. One
     * statement.
     */
    static void lockInputs(Handle handle, StoredTask task, Collection<String> inputIds) {
        if (inputIds.isEmpty() || !SqlDialect.locksRows(handle)) {
            return;
        }
        // One lookup by the whole key per input (LATERAL, rows locked in the order of the
        // VALUES): with "input_id IN (...)" a planner whose statistics say the task has few
        // rows (right after its first claims, before an ANALYZE) reads the whole task instead
        // (docs/ARCHITECTURE.md, "Plans that do not depend on statistics").
        List<String> sorted = List.copyOf(new TreeSet<>(inputIds));
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < sorted.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(:input").append(i).append(")");
        }
        var query = handle.createQuery("SELECT l.input_id FROM (VALUES " + values + """
                        ) AS v (input_id)
                        CROSS JOIN LATERAL (SELECT input_id FROM task_inputs
                                            WHERE app_uid = :app AND task_id = :task AND input_id = v.input_id
                                            FOR UPDATE) AS l""")
                .bind("app", task.appUid()).bind("task", task.id());
        for (int i = 0; i < sorted.size(); i++) {
            query.bind("input" + i, sorted.get(i));
        }
        query.mapTo(String.class).list();
    }

    /**
     * The counter changes of one transaction, added to the acting user's row once at the end
     * ({@link #flush}) instead of one UPDATE per input. Not thread-safe: one per transaction.
     */
    static final class Tally {
        private final StoredTask task;
        private final String actorId;
        private final Events events;
        private int taken;
        private int worked;
        private int settled;

        /** {@code actorId}: the worker or reviewer acting, or "" for a change of the task's definition. */
        Tally(StoredTask task, String actorId, Events events) {
            this.task = task;
            this.actorId = actorId;
            this.events = events;
        }

        void taken() {
            taken++;
        }

        /** An input nobody holds any more (its last assignment was released): no longer taken. */
        void untaken() {
            taken--;
        }

        /**
         * Labels that went with released work: deleted by rule, so announced like any deletion
         * (a subscriber that was told of their creation hears of their end).
         */
        void draftsDropped(Handle handle, List<Annotation> drafts) {
            if (!drafts.isEmpty()) {
                events.emit(handle, task.appUid(), EventType.ANNOTATION_DELETED,
                        () -> drafts.stream().map(AnnotationRpcs::toWire).toList());
            }
        }

        /**
         * Marks these inputs worked; their rows must be locked ({@link #lockInputs}). One
         * statement per input by its whole key, sent as one batch (see {@link #settle}).
         */
        void worked(Handle handle, List<String> inputIds) {
            var batch = handle.prepareBatch("""
                    UPDATE task_inputs SET worked = TRUE
                    WHERE app_uid = :app AND task_id = :task AND input_id = :input AND NOT worked""");
            for (String inputId : new TreeSet<>(inputIds)) {
                batch.bind("app", task.appUid()).bind("task", task.id()).bind("input", inputId).add();
            }
            worked += sum(batch.execute());
        }

        /**
         * Counts the input as no longer worked when none of its work is turned in any more (a
         * reviewer sent the only turned-in labeling back, or it went back to the pool): the
         * progress the task shows goes down until the work is turned in again. Its row must be
         * locked ({@link #lockInputs}). One statement.
         */
        void unworked(Handle handle, String inputId) {
            worked -= handle.createUpdate("""
                            UPDATE task_inputs SET worked = FALSE
                            WHERE app_uid = :app AND task_id = :task AND input_id = :input AND worked
                              AND NOT EXISTS (SELECT 1 FROM task_assignments a
                                              WHERE a.app_uid = task_inputs.app_uid AND a.task_id = task_inputs.task_id
                                                AND a.input_id = task_inputs.input_id AND a.status <> :pending)""")
                    .bind("app", task.appUid()).bind("task", task.id()).bind("input", inputId)
                    .bind("pending", AssignmentStore.PENDING).execute();
        }

        /**
         * Settles those of the inputs on which nothing more can happen (see the class comment),
         * in one statement. Their rows must be locked ({@link #lockInputs}) first: the statement's
         * view of their assignments then includes every transaction that held them.
         */
        void settleIfDone(Handle handle, LabelingPlan plan, List<String> inputIds) {
            settle(handle, plan, inputIds);
        }

        /** Settles every input of the task on which nothing more can happen (after a redefinition, under the task's lock). */
        void settleAllIfDone(Handle handle, LabelingPlan plan) {
            settle(handle, plan, null);
        }

        /**
         * The named inputs one statement each, by the whole key, sent as one batch: with
         * "input_id IN (...)" a planner whose statistics say the task has few rows reads every
         * slot and assignment of the task instead (docs/ARCHITECTURE.md, "Plans that do not
         * depend on statistics"); by the whole key there is one plan.
         */
        private void settle(Handle handle, LabelingPlan plan, List<String> inputIds) {
            if (inputIds == null) {
                settled += handle.createUpdate(SETTLE).bind("app", task.appUid()).bind("task", task.id())
                        .bind("k", plan.labelersPerInput()).execute();
                return;
            }
            if (inputIds.isEmpty()) {
                return;
            }
            var batch = handle.prepareBatch(SETTLE + " AND input_id = :input");
            for (String inputId : new TreeSet<>(inputIds)) {
                batch.bind("app", task.appUid()).bind("task", task.id()).bind("k", plan.labelersPerInput())
                        .bind("input", inputId).add();
            }
            settled += sum(batch.execute());
        }

        void settleIfDone(Handle handle, LabelingPlan plan, String inputId) {
            settleIfDone(handle, plan, List.of(inputId));
        }

        /** Adds the counters to the actor's row, then completes the task if this transaction settled its last input. */
        void flush(Handle handle, long now) {
            if (taken == 0 && worked == 0 && settled == 0) {
                return;
            }
            handle.createUpdate("""
                            INSERT INTO task_progress (app_uid, task_id, worker_id, taken, worked, settled)
                            VALUES (:app, :task, :actor, :taken, :worked, :settled)
                            ON CONFLICT (app_uid, task_id, worker_id) DO UPDATE
                              SET taken = task_progress.taken + excluded.taken, worked = task_progress.worked + excluded.worked,
                                  settled = task_progress.settled + excluded.settled""")
                    .bind("app", task.appUid()).bind("task", task.id()).bind("actor", actorId)
                    .bind("taken", taken).bind("worked", worked).bind("settled", settled).execute();
            if (settled > 0) {
                Completion.afterSettling(handle, task, now, events);
            }
            taken = 0;
            worked = 0;
            settled = 0;
        }
    }
}
