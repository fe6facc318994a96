package dev.annotask.assign;

import dev.annotask.proto.api.TaskInputSourceMetrics;
import dev.annotask.proto.api.TaskMetrics;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.api.TaskReviewMetrics;
import dev.annotask.proto.api.TaskWorkMetrics;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskProgress;
import dev.annotask.task.TaskStore;
import org.jdbi.v3.core.Handle;

/**
 * Task.metrics from the progress counters (Clarifai's Task.metrics; docs/COMPATIBILITY.md): work = inputs with work turned in,
 * review = inputs whose labels are all final, input source = inputs in the source now;
 * percentages are whole numbers that read 100 only when the count reaches the source's size.
 * Per reviewer: verdicts given, and the inputs routed to them. Also passes redefinitions on to
 * the labeling service. Thread-safe.
 */
public final class ProgressReader implements TaskProgress {
    private final TaskStore tasks;
    private final LabelingService labeling;

    public ProgressReader(TaskStore tasks, LabelingService labeling) {
        this.tasks = tasks;
        this.labeling = labeling;
    }

    @Override
    public void redefined(Handle handle, StoredTask task, long now) {
        labeling.rebalance(handle, task, now);
    }

    @Override
    public TaskMetrics metrics(Handle handle, StoredTask task) {
        TaskStore.Counters counters = tasks.counters(handle, task.appUid(), task.id());
        long source = SourceScanner.count(handle, task.appUid(), task.spec().getInputSource());
        TaskReviewMetrics.Builder review = TaskReviewMetrics.newBuilder()
                .setInputsCountEstimated(counters.settled())
                .setInputsPercentEstimated(percent(counters.settled(), source));
        if (task.spec().getReview().getStrategy() != TaskReview.TaskReviewStrategy.NONE) {
            for (String reviewer : task.spec().getReview().getUserIdsList()) {
                long reviewed = reviewed(handle, task, reviewer);
                long reviewable = reviewable(handle, task, reviewer);
                review.addInputsCountEstimatedPerReviewer(reviewed)
                        .addInputsReviewableCountEstimatedPerReviewer(reviewable)
                        .addInputsPercentEstimatedPerReviewer(percent(reviewed, reviewable));
            }
        } else {
            task.spec().getReview().getUserIdsList().forEach(r -> review.addInputsCountEstimatedPerReviewer(0)
                    .addInputsReviewableCountEstimatedPerReviewer(0).addInputsPercentEstimatedPerReviewer(0));
        }
        return TaskMetrics.newBuilder()
                .setWork(TaskWorkMetrics.newBuilder().setInputsCountEstimated(counters.worked())
                        .setInputsPercentEstimated(percent(counters.worked(), source)))
                .setReview(review)
                .setInputSource(TaskInputSourceMetrics.newBuilder().setInputsCountEstimated(source))
                .build();
    }

    private long reviewed(Handle handle, StoredTask task, String reviewer) {
        return handle.createQuery("""
                        SELECT COUNT(DISTINCT a.input_id) AS n FROM task_reviews r
                        JOIN task_assignments a ON a.app_uid = r.app_uid AND a.id = r.assignment_id
                        WHERE r.app_uid = :app AND r.task_id = :task AND r.reviewer_id = :reviewer AND r.verdict <> ''""")
                .bind("app", task.appUid()).bind("task", task.id()).bind("reviewer", reviewer).mapTo(Long.class).one();
    }

    /** Inputs in this reviewer's hands (held or reviewed), plus, when all must review, those awaiting them. */
    private long reviewable(Handle handle, StoredTask task, String reviewer) {
        boolean everyReviewer = task.spec().getReview().getConsensusStrategyInfo().getApprovalThresholdReviewers() == -1;
        String awaitingForAll = everyReviewer ? """
                 UNION SELECT a.input_id FROM task_assignments a
                 WHERE a.app_uid = :app AND a.task_id = :task AND a.status = :awaiting""" : "";
        return handle.createQuery("""
                        SELECT COUNT(*) AS n FROM (SELECT a.input_id FROM task_reviews r
                        JOIN task_assignments a ON a.app_uid = r.app_uid AND a.id = r.assignment_id
                        WHERE r.app_uid = :app AND r.task_id = :task AND r.reviewer_id = :reviewer""" + awaitingForAll
                        + ") AS routed")
                .bind("app", task.appUid()).bind("task", task.id()).bind("reviewer", reviewer)
                .bind("awaiting", ReviewService.AWAITING_REVIEW).mapTo(Long.class).one();
    }

    private static int percent(long count, long total) {
        if (total <= 0 || count <= 0) {
            return 0;
        }
        return count >= total ? 100 : (int) Math.min(99, count * 100 / total);
    }

}
