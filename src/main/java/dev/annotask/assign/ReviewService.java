package dev.annotask.assign;

import dev.annotask.annotation.AnnotationStore;
import dev.annotask.annotation.ReviewRouting;
import dev.annotask.api.ApiException;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The reviewer's side of a task: REVIEW_START hands out submitted work, and APPROVE,
 * REQUEST_CHANGES and REJECT settle it, by assignment (batch) or by labeler (bulk).
 *
 * <p>With {@code approval_threshold_reviewers} 0 or 1 one reviewer's verdict settles an
 * assignment, so each assignment goes to one reviewer (whoever takes it first). With -1 every
 * reviewer must approve; one rejection is final and withdraws the assignment from the others.
 * Requesting changes sends the work back to its labeler; after resubmission it is reviewed
 * afresh (a labeler who left the task gets nothing back: the input returns to the pool). A
 * reviewer acts only on work routed to them: held by them, or not yet held by anyone (which they
 * then hold); and never on their own labeling, when they are also a worker of the task:
 * REVIEW_START passes it over, a verdict naming it answers TASK_PERMISSION_DENIED, and with -1
 * it waits for every reviewer but its labeler. Thread-safe.
 */
public final class ReviewService implements ReviewRouting {
    static final int AWAITING_REVIEW = StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW.getNumber();
    static final int BATCH = 10;

    /** A reviewer's decision on submitted work. */
    public enum Verdict {
        APPROVE,
        REQUEST_CHANGES,
        REJECT
    }

    private final AnnotationStore annotations;
    private final Clock clock;
    private final Events events;

    public ReviewService(AnnotationStore annotations, Clock clock, Events events) {
        this.annotations = annotations;
        this.clock = clock;
        this.events = events;
    }

    /**
     * True when the reviewer holds, without a verdict yet, the review of the worker's work on
     * the input: only then may they correct that work's annotations (PatchAnnotations), so a
     * reviewer touches only what was routed to them, and nothing after it is decided. Never
     * their own work. Reads through the caller's handle, inside the caller's transaction.
     */
    @Override
    public boolean isReviewing(Handle handle, StoredTask task, String inputId, String workerId, String reviewerId) {
        if (workerId.equals(reviewerId)) {
            return false;
        }
        return handle.createQuery("""
                        SELECT COUNT(*) AS n FROM task_reviews r
                        JOIN task_assignments a ON a.app_uid = r.app_uid AND a.id = r.assignment_id
                        WHERE a.app_uid = :app AND a.task_id = :task AND a.input_id = :input AND a.worker_id = :worker
                          AND a.status = :awaiting AND r.reviewer_id = :reviewer AND r.verdict = ''""")
                .bind("app", task.appUid()).bind("task", task.id()).bind("input", inputId).bind("worker", workerId)
                .bind("awaiting", AWAITING_REVIEW).bind("reviewer", reviewerId)
                .mapTo(Integer.class).one() > 0;
    }

    public List<Assignment> reviewStart(Handle handle, StoredTask task, String reviewerId, List<String> workers) {
        requireReviewer(task, reviewerId);
        String key = claimKey(task, reviewerId);
        requireStillReviewer(handle, task, reviewerId);
        List<Assignment> held = ReviewStore.held(handle, task.appUid(), task.id(), reviewerId, BATCH);
        if (!held.isEmpty()) {
            return held;
        }
        long now = clock.millis();
        List<Assignment> taken = new ArrayList<>();
        for (Assignment candidate : ReviewStore.open(handle, task.appUid(), task.id(), key, reviewerId, workers,
                BATCH * 3)) {
            if (taken.size() < BATCH && ReviewStore.hold(handle, candidate, key, reviewerId, now)) {
                taken.add(candidate);
            }
        }
        return taken;
    }

    /**
     * Applies the verdict to the named assignments, or (bulk) to every assignment of these
     * labelers awaiting review that is routed to the reviewer. Returns them as they now stand.
     */
    public List<Assignment> review(Handle handle, StoredTask task, String reviewerId, Verdict verdict, List<String> assignmentIds,
                                   List<String> workers) {
        return review(handle, task, reviewerId, verdict, assignmentIds, workers, false);
    }

    /**
     * {@link #review}, where {@code corrected} says the reviewer's own annotations replace the
     * labelings' (annotask.review): the labeler's annotations are then ANNOTATION_REVIEW_DENIED
     * (kept, no longer final) whatever the verdict, and an approval settles the labeling at
     * once, even where every reviewer must approve, as a rejection does: the others would be
     * approving labels that are no longer the final ones.
     */
    List<Assignment> review(Handle handle, StoredTask task, String reviewerId, Verdict verdict, List<String> assignmentIds,
                            List<String> workers, boolean corrected) {
        requireReviewer(task, reviewerId);
        if (assignmentIds.isEmpty() && workers.isEmpty()) {
            throw ApiException.invalid("name the work to review: task_assignments (batch) or workers (bulk)");
        }
        if (workers.contains(reviewerId)) {
            throw ownWork("workers names '" + reviewerId + "'");
        }
        String key = claimKey(task, reviewerId);
        requireStillReviewer(handle, task, reviewerId);
        long now = clock.millis();
        Map<String, Assignment> named = new LinkedHashMap<>();
        AssignmentStore.requireInTask(handle, task, assignmentIds).forEach(a -> named.put(a.id(), a));
        if (!workers.isEmpty()) {
            ReviewStore.held(handle, task.appUid(), task.id(), reviewerId, Integer.MAX_VALUE).stream()
                    .filter(a -> workers.contains(a.workerId())).forEach(a -> named.put(a.id(), a));
            ReviewStore.open(handle, task.appUid(), task.id(), key, reviewerId, workers, Integer.MAX_VALUE)
                    .forEach(a -> named.put(a.id(), a));
        }
        // Their inputs' slot rows locked, then the assignments read again as the transactions before left them.
        Progress.lockInputs(handle, task, named.values().stream().map(Assignment::inputId).toList());
        Map<String, Assignment> current = AssignmentStore.findAll(handle, task.appUid(), named.keySet());
        for (String id : named.keySet()) {
            if (!current.containsKey(id)) {
                throw ApiException.notFound("task assignment '" + id + "' not found in this task");
            }
            named.put(id, current.get(id));
        }
        LabelingPlan plan = LabelingPlan.of(task);
        Progress.Tally tally = new Progress.Tally(task, reviewerId, events);
        List<String> decided = new ArrayList<>();
        for (Assignment assignment : named.values()) {
            if (settle(handle, plan, reviewerId, key, verdict, corrected, assignment, now, tally)) {
                decided.add(assignment.id());
            }
        }
        List<Assignment> result = AssignmentStore.reread(handle, task.appUid(), named.values());
        // Before the counters: a completion this settles comes after the verdicts that caused it.
        events.emit(handle, task.appUid(), eventOf(verdict), () -> result.stream()
                .filter(a -> decided.contains(a.id())).map(a -> LabelingEvents.of(a, reviewerId)).toList());
        tally.flush(handle, now);
        return result;
    }

    private static EventType eventOf(Verdict verdict) {
        return switch (verdict) {
            case APPROVE -> EventType.LABELING_APPROVED;
            case REQUEST_CHANGES -> EventType.LABELING_CHANGES_REQUESTED;
            case REJECT -> EventType.LABELING_REJECTED;
        };
    }

    /** Applies the verdict to one assignment; true when it decided the labeling (an approval may wait for others). */
    private boolean settle(Handle handle, LabelingPlan plan, String reviewerId, String key, Verdict verdict,
                           boolean corrected, Assignment assignment, long now, Progress.Tally tally) {
        if (assignment.workerId().equals(reviewerId)) {
            throw ownWork("task assignment '" + assignment.id() + "' is");
        }
        if (assignment.status() != AWAITING_REVIEW) {
            throw new ApiException(StatusCode.TASK_CONFLICT, "task assignment '" + assignment.id()
                    + "' is not awaiting review (status " + assignment.status() + ")");
        }
        ReviewStore.Hold hold = ReviewStore.holdOf(handle, assignment, key).orElse(null);
        if (hold == null) {
            if (!ReviewStore.hold(handle, assignment, key, reviewerId, now)) {
                throw routedElsewhere(assignment);
            }
        } else if (!hold.reviewerId().equals(reviewerId)) {
            throw routedElsewhere(assignment);
        } else if (!hold.verdict().isEmpty()) {
            throw new ApiException(StatusCode.TASK_CONFLICT, "you already reviewed task assignment '"
                    + assignment.id() + "'");
        }
        switch (verdict) {
            case APPROVE -> {
                if (corrected) {
                    ReviewStore.setVerdict(handle, assignment, key, ReviewStore.CORRECTED, now);
                    ReviewStore.dropPending(handle, assignment);
                    finish(handle, assignment, StatusCode.TASK_ASSIGNMENT_SUCCESS, StatusCode.ANNOTATION_REVIEW_DENIED, now);
                    tally.settleIfDone(handle, plan, assignment.inputId());
                    return true;
                }
                ReviewStore.setVerdict(handle, assignment, key, ReviewStore.APPROVED, now);
                if (ReviewStore.approvals(handle, assignment) < approvalsNeeded(plan.task(), assignment)) {
                    return false;
                }
                finish(handle, assignment, StatusCode.TASK_ASSIGNMENT_SUCCESS, StatusCode.ANNOTATION_SUCCESS, now);
                tally.settleIfDone(handle, plan, assignment.inputId());
            }
            case REJECT -> {
                ReviewStore.setVerdict(handle, assignment, key, ReviewStore.REJECTED, now);
                ReviewStore.dropPending(handle, assignment);
                finish(handle, assignment, StatusCode.TASK_ASSIGNMENT_REJECTED, StatusCode.ANNOTATION_REVIEW_DENIED, now);
                tally.settleIfDone(handle, plan, assignment.inputId());
            }
            case REQUEST_CHANGES -> {
                ReviewStore.dropAll(handle, assignment);
                if (TaskStore.isMember(handle, assignment.appUid(), assignment.taskId(), TaskStore.WORKER,
                        assignment.workerId())) {
                    AssignmentStore.sendBack(handle, assignment, now);
                    annotations.setLabelingStatus(handle, assignment.appUid(), assignment.taskId(), assignment.inputId(),
                            assignment.workerId(), StatusCode.ANNOTATION_PENDING.getNumber(), null, now);
                    tally.unworked(handle, assignment.inputId());
                } else {
                    // The labeler left the task (e.g. no longer collaborates): nobody would make the
                    // changes, so their labeling is denied and the input goes back to the pool.
                    annotations.setLabelingStatus(handle, assignment.appUid(), assignment.taskId(),
                            assignment.inputId(), assignment.workerId(), StatusCode.ANNOTATION_REVIEW_DENIED.getNumber(),
                            null, now);
                    AssignmentStore.release(handle, annotations, assignment, tally);
                    tally.unworked(handle, assignment.inputId());
                    tally.settleIfDone(handle, plan, assignment.inputId());
                }
            }
        }
        return true;
    }

    private void finish(Handle handle, Assignment assignment, StatusCode assignmentStatus, StatusCode annotationStatus,
                        long now) {
        AssignmentStore.setStatus(handle, assignment, assignmentStatus.getNumber(), now);
        annotations.setLabelingStatus(handle, assignment.appUid(), assignment.taskId(), assignment.inputId(),
                assignment.workerId(), annotationStatus.getNumber(), null, now);
    }

    /**
     * For a request that gives several verdicts in turn (annotask.review): the reviewer's
     * membership row, then the slot rows of every input it acts on, in input id order, the
     * order every labeling and review call takes them ("Locks on the labeling path"), so that
     * its later verdicts lock nothing new out of that order.
     */
    void lockForVerdicts(Handle handle, StoredTask task, String reviewerId, java.util.Collection<String> inputIds) {
        requireReviewer(task, reviewerId);
        requireStillReviewer(handle, task, reviewerId);
        Progress.lockInputs(handle, task, inputIds);
    }

    /**
     * The labelings of the input awaiting review that are routed to the reviewer: held by them
     * without a verdict, or held by nobody under their claim key; never their own.
     */
    List<Assignment> routedOn(Handle handle, StoredTask task, String reviewerId, String inputId) {
        requireReviewer(task, reviewerId);
        return ReviewStore.routedOn(handle, task.appUid(), task.id(), claimKey(task, reviewerId), reviewerId, inputId);
    }

    /**
     * One approval settles work unless every reviewer must approve (-1): then every reviewer
     * but its labeler, who may not review it (with no other reviewer it stays awaiting review).
     */
    static int approvalsNeeded(StoredTask task, Assignment assignment) {
        if (!everyReviewer(task)) {
            return 1;
        }
        return (int) task.spec().getReview().getUserIdsList().stream().filter(r -> !r.equals(assignment.workerId()))
                .distinct().count();
    }

    private static boolean everyReviewer(StoredTask task) {
        return task.spec().getReview().getConsensusStrategyInfo().getApprovalThresholdReviewers() == -1;
    }

    private static String claimKey(StoredTask task, String reviewerId) {
        return everyReviewer(task) ? reviewerId : ReviewStore.SHARED;
    }

    private static ApiException ownWork(String subject) {
        return new ApiException(StatusCode.TASK_PERMISSION_DENIED, subject + " your own labeling: nobody reviews"
                + " their own work, another reviewer of the task must");
    }

    private static ApiException routedElsewhere(Assignment assignment) {
        return new ApiException(StatusCode.TASK_PERMISSION_DENIED, "task assignment '" + assignment.id()
                + "' is in another reviewer's queue");
    }

    /**
     * The definition read at the start may be older than the one now stored: the reviewer's
     * membership row is share-locked for the rest of the call (see TaskStore#lockMembership).
     */
    private static void requireStillReviewer(Handle handle, StoredTask task, String userId) {
        if (!TaskStore.lockMembership(handle, task.appUid(), task.id(), TaskStore.REVIEWER, userId)) {
            throw new ApiException(StatusCode.TASK_PERMISSION_DENIED, "'" + userId + "' is not a reviewer of this task");
        }
    }

    private static void requireReviewer(StoredTask task, String userId) {
        if (!task.spec().getReview().getUserIdsList().contains(userId)) {
            throw new ApiException(StatusCode.TASK_PERMISSION_DENIED, "'" + userId + "' is not a reviewer of this task");
        }
    }
}
