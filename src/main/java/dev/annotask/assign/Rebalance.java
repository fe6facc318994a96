package dev.annotask.assign;

import dev.annotask.annotation.AnnotationStore;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.webhooks.LabelingEvent;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Brings a task's work in line with its new definition (PatchTasks overwrite, a collaborator's
 * removal; docs/ARCHITECTURE.md, "Changing who works on a task"), inside the transaction that
 * stored it, with the task's row and its members' rows locked (so no labeling or review call of
 * the task is running; see TaskStore#lockForRewrite):
 * <ol>
 *   <li>finished work stays; pending work (leases included) that the definition no longer
 *       gives its worker is released, its slot offered again, and every worker's scan starts
 *       over, so inputs move to the new worker set (a removed worker's share to the others);</li>
 *   <li>holds of people no longer reviewing go back to the pool, and so do their approvals of
 *       work still awaiting review: only the listed reviewers' verdicts decide it;</li>
 *   <li>then what the smaller (or larger) definition now decides is decided: consensus inputs
 *       are judged again (fewer labelers per input can mean nobody more will come, so they go
 *       to review), work every listed reviewer but its labeler approved (threshold -1) is
 *       approved, work awaiting a review the definition no longer has becomes final (NONE) or
 *       goes to the reviewers (consensus to MANUAL), inputs on which nothing more can happen
 *       settle, and the task completes if that was its last.</li>
 * </ol>
 * Stateless apart from its collaborators.
 */
final class Rebalance {
    private static final int AWAITING_CONSENSUS = StatusCode.TASK_ASSIGNMENT_AWAITING_CONSENSUS_REVIEW.getNumber();
    private static final int AWAITING_REVIEW = StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW.getNumber();

    private final AnnotationStore annotations;
    private final Consensus consensus;
    private final Events events;

    Rebalance(AnnotationStore annotations, Consensus consensus, Events events) {
        this.annotations = annotations;
        this.consensus = consensus;
        this.events = events;
    }

    void run(Handle handle, StoredTask task, long now) {
        TaskStore.lock(handle, task.appUid(), task.id());
        LabelingPlan plan = LabelingPlan.of(task);
        Progress.Tally tally = new Progress.Tally(task, "", events);
        List<Assignment> pending = AssignmentStore.pendingOfTask(handle, task.appUid(), task.id());
        // A split by bucket decides by the input's place in the source; an input no longer in
        // its source (a dataset member removed since) stays with whoever holds it.
        Map<String, Long> places = plan.buckets() == null ? Map.of() : SourceScanner.places(handle, task.appUid(),
                task.spec().getInputSource(), pending.stream().map(Assignment::inputId).distinct().toList());
        List<Assignment> released = pending.stream().filter(assignment -> {
            Long place = places.get(assignment.inputId());
            boolean stays = plan.buckets() != null && place == null
                    || plan.mayTake(assignment.workerId(), assignment.inputId(), place == null ? 0 : place);
            return !plan.isWorker(assignment.workerId()) || !stays;
        }).sorted(Comparator.comparing(Assignment::inputId)).toList();
        for (Assignment assignment : released) {
            AssignmentStore.release(handle, annotations, assignment, tally);
        }
        AssignmentStore.restartScans(handle, task.appUid(), task.id());
        List<String> reviewers = task.spec().getReview().getUserIdsList();
        ReviewStore.dropFormerReviewers(handle, task.appUid(), task.id(), reviewers);
        if (plan.review() == TaskReview.TaskReviewStrategy.CONSENSUS) {
            List<LabelingEvent> reached = new ArrayList<>();
            for (String inputId : AssignmentStore.inputsWith(handle, task.appUid(), task.id(), AWAITING_CONSENSUS)) {
                consensus.judge(handle, plan, inputId, now).ifPresent(reached::add);
            }
            events.emit(handle, task.appUid(), EventType.LABELING_CONSENSUS_REACHED, () -> reached);
        }
        redecideAwaiting(handle, task, plan.review(), now);
        boolean everyReviewer = task.spec().getReview().getConsensusStrategyInfo().getApprovalThresholdReviewers() == -1;
        if (everyReviewer) {
            List<Assignment> approved = new ArrayList<>();
            ReviewStore.approvedAwaiting(handle, task.appUid(), task.id()).forEach((assignment, approvals) -> {
                int needed = ReviewService.approvalsNeeded(task, assignment);
                if (needed > 0 && approvals >= needed) {
                    approved.add(LabelingEvents.withStatus(assignment, StatusCode.TASK_ASSIGNMENT_SUCCESS, now));
                    ReviewStore.dropPending(handle, assignment);
                    setLabelingStatus(handle, assignment, StatusCode.TASK_ASSIGNMENT_SUCCESS,
                            StatusCode.ANNOTATION_SUCCESS, now);
                }
            });
            events.emit(handle, task.appUid(), EventType.LABELING_APPROVED,
                    () -> approved.stream().map(a -> LabelingEvents.of(a, "")).toList());
        }
        tally.settleAllIfDone(handle, plan);
        tally.flush(handle, now);
    }

    /**
     * Work turned in under a review the new definition no longer has would wait for ever: under
     * NONE, work awaiting review or consensus becomes final (its holds dropped); under MANUAL,
     * work awaiting a consensus nobody will judge goes to the reviewers.
     */
    private void redecideAwaiting(Handle handle, StoredTask task, TaskReview.TaskReviewStrategy review, long now) {
        if (review == TaskReview.TaskReviewStrategy.NONE) {
            for (int status : new int[] {AWAITING_REVIEW, AWAITING_CONSENSUS}) {
                for (Assignment assignment : AssignmentStore.ofTaskWith(handle, task.appUid(), task.id(), status)) {
                    ReviewStore.dropAll(handle, assignment);
                    setLabelingStatus(handle, assignment, StatusCode.TASK_ASSIGNMENT_SUCCESS,
                            StatusCode.ANNOTATION_SUCCESS, now);
                }
            }
        } else if (review == TaskReview.TaskReviewStrategy.MANUAL) {
            for (Assignment assignment : AssignmentStore.ofTaskWith(handle, task.appUid(), task.id(), AWAITING_CONSENSUS)) {
                setLabelingStatus(handle, assignment, StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW,
                        StatusCode.ANNOTATION_AWAITING_REVIEW, now);
            }
        }
    }

    private void setLabelingStatus(Handle handle, Assignment assignment, StatusCode assignmentStatus,
                                   StatusCode annotationStatus, long now) {
        AssignmentStore.setStatus(handle, assignment, assignmentStatus.getNumber(), now);
        annotations.setLabelingStatus(handle, assignment.appUid(), assignment.taskId(), assignment.inputId(),
                assignment.workerId(), annotationStatus.getNumber(), null, now);
    }
}
