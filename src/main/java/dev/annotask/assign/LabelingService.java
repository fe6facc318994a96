package dev.annotask.assign;

import dev.annotask.annotation.AnnotationStore;
import dev.annotask.annotation.OpenWork;
import dev.annotask.api.ApiException;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.webhooks.LabelingEvent;
import dev.annotask.store.Ids;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The labeler's side of a task: LABEL_START hands out work, LABEL_SUBMIT turns it in.
 *
 * <p>LABEL_START returns the caller's unfinished batch if there is one; otherwise it takes up
 * to {@value #BATCH} new inputs: first inputs whose slot a released assignment freed, then the
 * next inputs of the source after the caller's cursor that the plan lets the caller take and
 * that still have a free slot ({@link CandidateScan}). Each call runs in its request's transaction (the handle), so on
 * SQLite callers queue for the writer and on PostgreSQL the slot row serialises them; either
 * way no input exceeds its k.
 * Thread-safe.
 */
public final class LabelingService implements OpenWork {
    static final int BATCH = 10;

    private final AnnotationStore annotations;
    private final Consensus consensus;
    private final Clock clock;
    private final Duration lease;
    private final Events events;

    public LabelingService(AnnotationStore annotations, Clock clock, Duration lease, Events events) {
        this.annotations = annotations;
        this.consensus = new Consensus(annotations);
        this.clock = clock;
        this.lease = lease;
        this.events = events;
    }

    public List<Assignment> labelStart(Handle handle, StoredTask task, String workerId) {
        LabelingPlan plan = LabelingPlan.of(task);
        requireWorker(plan, workerId);
        if (task.status() != StatusCode.TASK_IN_PROGRESS.getNumber()) {
            return List.of();
        }
        requireStillWorker(handle, task, workerId);
        long now = clock.millis();
        Progress.Tally tally = new Progress.Tally(task, workerId, events);
        if (plan.isDynamic()) {
            AssignmentStore.releaseExpired(handle, annotations, task, now, tally);
        }
        List<Assignment> pending = AssignmentStore.pendingOf(handle, task.appUid(), task.id(), workerId, BATCH);
        if (!pending.isEmpty()) {
            tally.flush(handle, now);
            if (plan.isDynamic()) {
                AssignmentStore.extendLeases(handle, pending, now + lease.toMillis());
                return AssignmentStore.pendingOf(handle, task.appUid(), task.id(), workerId, BATCH);
            }
            return pending;
        }
        List<Assignment> taken = takeNew(handle, plan, workerId, now, tally);
        tally.flush(handle, now);
        return taken;
    }

    private List<Assignment> takeNew(Handle handle, LabelingPlan plan, String workerId, long now, Progress.Tally tally) {
        StoredTask task = plan.task();
        List<Assignment> taken = new ArrayList<>();
        List<String> reoffered = AssignmentStore.reoffered(handle, task.appUid(), task.id(), workerId, BATCH * 5);
        takeAmong(handle, plan, workerId, reoffered, now, taken, tally);
        CandidateScan scan = CandidateScan.open(handle, plan, workerId);
        while (taken.size() < BATCH) {
            List<String> mine = scan.next(BATCH - taken.size());
            if (mine.isEmpty()) {
                break;
            }
            // Inputs with no free slot are passed over for good (a released slot is offered again).
            takeAmong(handle, plan, workerId, mine, now, taken, tally);
        }
        scan.save();
        return taken;
    }

    /**
     * Takes a slot on these inputs, in order, for those the worker does not hold yet, while the
     * batch has room: a few statements per call whatever the batch size, because on SQLite
     * every statement of a labeling call is time the single writer is held.
     */
    private void takeAmong(Handle handle, LabelingPlan plan, String workerId, List<String> inputIds, long now,
                           List<Assignment> taken, Progress.Tally tally) {
        StoredTask task = plan.task();
        Set<String> held = AssignmentStore.heldAmong(handle, task.appUid(), task.id(), workerId, inputIds);
        Iterator<String> candidates = inputIds.stream().filter(id -> !held.contains(id)).iterator();
        while (taken.size() < BATCH && candidates.hasNext()) {
            List<String> tried = new ArrayList<>();
            while (tried.size() < BATCH - taken.size() && candidates.hasNext()) {
                tried.add(candidates.next());
            }
            Map<String, Integer> claimed = AssignmentStore.takeSlots(handle, task.appUid(), task.id(), tried,
                    plan.labelersPerInput());
            List<Assignment> fresh = new ArrayList<>();
            for (String inputId : tried) {
                Integer count = claimed.get(inputId);
                if (count == null) {
                    continue;
                }
                if (count == 1) {
                    tally.taken();
                }
                fresh.add(new Assignment(Ids.newId(), task.appUid(), task.id(), inputId, workerId,
                        AssignmentStore.PENDING, plan.isDynamic() ? now + lease.toMillis() : 0, now, now, 0));
            }
            AssignmentStore.insertAll(handle, fresh);
            taken.addAll(fresh);
        }
    }

    /**
     * Turns in the caller's assignments (by id, or the one on {@code legacyInputId}); those
     * already turned in are left as they are. Returns the assignments as they now stand.
     */
    public List<Assignment> labelSubmit(Handle handle, StoredTask task, String workerId, List<String> assignmentIds,
                                        String legacyInputId) {
        LabelingPlan plan = LabelingPlan.of(task);
        requireWorker(plan, workerId);
        requireStillWorker(handle, task, workerId);
        if (plan.review() == TaskReview.TaskReviewStrategy.CONSENSUS) {
            // Judging consensus rewrites the other labelers' work on these inputs, and their
            // count rows, in no order another submission could share: side by side such
            // submissions deadlocked on the count rows and ran three times slower on
            // PostgreSQL. One consensus submission at a time per task, as before.
            TaskStore.lock(handle, task.appUid(), task.id());
        }
        long now = clock.millis();
        // Read, lock the inputs' slot rows (by their ids: a plan that cannot read the whole
        // task), then read again as the transactions before left them.
        List<String> inputIds = named(handle, task, workerId, assignmentIds, legacyInputId).stream()
                .map(Assignment::inputId).toList();
        Progress.lockInputs(handle, task, inputIds);
        List<Assignment> named = named(handle, task, workerId, assignmentIds, legacyInputId);
        Map<String, Assignment> pending = new LinkedHashMap<>();
        for (Assignment assignment : named) {
            if (assignment.status() != AssignmentStore.PENDING) {
                continue;
            }
            if (assignment.leaseExpiresAt() > 0 && assignment.leaseExpiresAt() <= now) {
                throw new ApiException(StatusCode.TASK_CONFLICT, "the lease on assignment " + assignment.id()
                        + " expired and its input went back to the pool; call LABEL_START again");
            }
            pending.put(assignment.id(), assignment);
        }
        Progress.Tally tally = new Progress.Tally(task, workerId, events);
        submit(handle, plan, workerId, List.copyOf(pending.values()), now, tally);
        tally.flush(handle, now);
        return AssignmentStore.reread(handle, task.appUid(), named);
    }

    private List<Assignment> named(Handle handle, StoredTask task, String workerId, List<String> ids, String inputId) {
        List<Assignment> named = new ArrayList<>(AssignmentStore.requireInTask(handle, task, ids));
        for (Assignment assignment : named) {
            if (!assignment.workerId().equals(workerId)) {
                throw new ApiException(StatusCode.TASK_PERMISSION_DENIED, "task assignment '" + assignment.id()
                        + "' belongs to another worker");
            }
        }
        if (!inputId.isEmpty()) {
            named.add(AssignmentStore.find(handle, task.appUid(), task.id(), inputId, workerId).orElseThrow(() ->
                    ApiException.notFound("input '" + inputId + "' is not assigned to you in this task")));
        }
        if (named.isEmpty()) {
            throw ApiException.invalid("LABEL_SUBMIT needs label_submit_config.task_assignments (or the legacy input_id)");
        }
        return named;
    }

    /**
     * Turns in one worker's pending assignments: each goes to the state its review strategy
     * gives it, with its annotations; then consensus is judged and inputs settle. A handful of
     * statements for the whole batch (one per outcome), not one set per assignment.
     */
    private void submit(Handle handle, LabelingPlan plan, String workerId, List<Assignment> assignments, long now,
                        Progress.Tally tally) {
        if (assignments.isEmpty()) {
            return;
        }
        StoredTask task = plan.task();
        List<String> inputIds = inputIdsOf(assignments);
        TaskReview.TaskReviewStrategy review = plan.review();
        Map<StatusCode, List<Assignment>> byOutcome = new EnumMap<>(StatusCode.class);
        for (Assignment assignment : assignments) {
            byOutcome.computeIfAbsent(outcomeOf(review, task, assignment), s -> new ArrayList<>()).add(assignment);
        }
        byOutcome.forEach((outcome, group) -> {
            AssignmentStore.submitAll(handle, group, outcome.getNumber(), now);
            annotations.setLabelingStatuses(handle, task.appUid(), task.id(), inputIdsOf(group), workerId,
                    annotationStatusOf(outcome).getNumber(), now);
        });
        events.emit(handle, task.appUid(), EventType.ASSIGNMENT_SUBMITTED, () -> byOutcome.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(a -> LabelingEvents.withStatus(a, e.getKey(), now)))
                .map(a -> LabelingEvents.of(a, "")).toList());
        tally.worked(handle, inputIds);
        if (review == TaskReview.TaskReviewStrategy.CONSENSUS) {
            List<LabelingEvent> reached = new ArrayList<>();
            for (String inputId : inputIds) {
                consensus.judge(handle, plan, inputId, now).ifPresent(reached::add);
            }
            events.emit(handle, task.appUid(), EventType.LABELING_CONSENSUS_REACHED, () -> reached);
        }
        tally.settleIfDone(handle, plan, inputIds);
    }

    private static StatusCode outcomeOf(TaskReview.TaskReviewStrategy review, StoredTask task, Assignment assignment) {
        if (review == TaskReview.TaskReviewStrategy.CONSENSUS) {
            return StatusCode.TASK_ASSIGNMENT_AWAITING_CONSENSUS_REVIEW;
        }
        if (review == TaskReview.TaskReviewStrategy.MANUAL && sampledForReview(task, assignment)) {
            return StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW;
        }
        return StatusCode.TASK_ASSIGNMENT_SUCCESS;
    }

    private static StatusCode annotationStatusOf(StatusCode assignmentOutcome) {
        return switch (assignmentOutcome) {
            case TASK_ASSIGNMENT_AWAITING_CONSENSUS_REVIEW -> StatusCode.ANNOTATION_AWAITING_CONSENSUS_REVIEW;
            case TASK_ASSIGNMENT_AWAITING_REVIEW -> StatusCode.ANNOTATION_AWAITING_REVIEW;
            default -> StatusCode.ANNOTATION_SUCCESS;
        };
    }

    private static List<String> inputIdsOf(List<Assignment> assignments) {
        return assignments.stream().map(Assignment::inputId).toList();
    }

    /**
     * MANUAL review sampling (docs/ARCHITECTURE.md, "Turning work in"): a deterministic share {@code sample_percentage} of each labeler's
     * submissions goes to review (0 or unset = all), chosen by a hash of task, input and worker.
     */
    static boolean sampledForReview(StoredTask task, Assignment assignment) {
        float share = task.spec().getReview().getManualStrategyInfo().getSamplePercentage();
        if (share <= 0 || share >= 1) {
            return true;
        }
        long hash = 0xcbf29ce484222325L;
        for (byte b : (task.id() + "/" + assignment.inputId() + "/" + assignment.workerId())
                .getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        double u = ((hash ^ (hash >>> 31)) >>> 11) / (double) (1L << 53);
        return u < share;
    }

    /**
     * After a task's definition changed (PatchTasks overwrite, a collaborator's removal), in the
     * caller's transaction: see {@link Rebalance}.
     */
    public void rebalance(Handle handle, StoredTask task, long now) {
        new Rebalance(annotations, consensus, events).run(handle, task, now);
    }

    /**
     * Those of the inputs on which the worker holds an unfinished assignment, so they may
     * annotate them; those assignments then stay unfinished until the caller's transaction ends
     * (a LABEL_SUBMIT of them waits), so an annotation inserted in that transaction is turned in
     * with them and never left behind as pending work of a submitted assignment. One statement.
     */
    @Override
    public Set<String> lockOpenAssignments(Handle handle, StoredTask task, Collection<String> inputIds, String workerId) {
        return AssignmentStore.lockOpen(handle, task.appUid(), task.id(), inputIds, workerId, clock.millis());
    }

    /**
     * The caller's unfinished batch when a LABEL_START would only hand it back: the task is in
     * progress, the caller still one of its workers, the batch not empty and its plan without
     * leases (a DYNAMIC LABEL_START extends them, a write). Empty otherwise, and then the
     * LABEL_START must run as a write. Reads only, so a labeler who reloads the page does not
     * queue for the writer.
     */
    public List<Assignment> unfinishedBatch(Handle handle, StoredTask task, String workerId) {
        LabelingPlan plan = LabelingPlan.of(task);
        if (plan.isDynamic() || !plan.isWorker(workerId) || task.status() != StatusCode.TASK_IN_PROGRESS.getNumber()
                || !TaskStore.isMember(handle, task.appUid(), task.id(), TaskStore.WORKER, workerId)) {
            return List.of();
        }
        return AssignmentStore.pendingOf(handle, task.appUid(), task.id(), workerId, BATCH);
    }

    /**
     * The definition read at the start may be older than the one now stored: the caller's own
     * membership row is share-locked for the rest of the call, so a PatchTasks or a removal
     * that rewrites it waits for this call, and a call after one sees it gone (see
     * TaskStore#lockMembership).
     */
    private static void requireStillWorker(Handle handle, StoredTask task, String userId) {
        if (!TaskStore.lockMembership(handle, task.appUid(), task.id(), TaskStore.WORKER, userId)) {
            throw new ApiException(StatusCode.TASK_PERMISSION_DENIED, "'" + userId + "' is not a worker of this task");
        }
    }

    private static void requireWorker(LabelingPlan plan, String userId) {
        if (!plan.isWorker(userId)) {
            throw new ApiException(StatusCode.TASK_PERMISSION_DENIED, "'" + userId + "' is not a worker of this task");
        }
    }
}
