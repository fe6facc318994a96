package dev.annotask.assign;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The SQL of review holds ({@code task_reviews}). A hold is taken with an insert that a
 * second reviewer's identical insert cannot repeat (the primary key), so one assignment is
 * never in two reviewers' queues when one verdict settles it. Handle-level, like
 * {@link AssignmentStore}.
 */
final class ReviewStore {
    static final String SHARED = "*";
    static final String APPROVED = "approved";
    static final String REJECTED = "rejected";
    /** Approved with the reviewer's correction (annotask.review): settled, like a rejection, by one reviewer. */
    static final String CORRECTED = "corrected";

    private ReviewStore() {
    }

    /**
     * The assignments the reviewer holds without a verdict yet, oldest first; never their own
     * work (no hold on it is taken, and one from before that rule is not acted on).
     */
    static List<Assignment> held(Handle handle, String appUid, String taskId, String reviewerId, int limit) {
        return handle.createQuery("""
                        SELECT a.* FROM task_reviews r JOIN task_assignments a ON a.app_uid = r.app_uid AND a.id = r.assignment_id
                        WHERE r.app_uid = :app AND r.task_id = :task AND r.reviewer_id = :reviewer AND r.verdict = ''
                          AND a.worker_id <> :reviewer
                        ORDER BY a.seq LIMIT :limit""")
                .bind("app", appUid).bind("task", taskId).bind("reviewer", reviewerId).bind("limit", limit)
                .map(AssignmentStore::mapRow).list();
    }

    /** Assignments awaiting review that this reviewer could hold (never their own work), oldest first. */
    static List<Assignment> open(Handle handle, String appUid, String taskId, String claimKey, String reviewerId,
                                 List<String> workers, int limit) {
        String byWorker = workers.isEmpty() ? "" : " AND a.worker_id IN (<workers>)";
        Query query = handle.createQuery("""
                        SELECT a.* FROM task_assignments a
                        WHERE a.app_uid = :app AND a.task_id = :task AND a.status = :awaiting
                          AND a.worker_id <> :reviewer""" + byWorker + """
                         AND NOT EXISTS (SELECT 1 FROM task_reviews r WHERE r.app_uid = a.app_uid
                                         AND r.assignment_id = a.id AND r.claim_key = :key)
                        ORDER BY a.seq LIMIT :limit""")
                .bind("app", appUid).bind("task", taskId).bind("awaiting", ReviewService.AWAITING_REVIEW)
                .bind("reviewer", reviewerId).bind("key", claimKey).bind("limit", limit);
        if (!workers.isEmpty()) {
            query.bindList("workers", workers);
        }
        return query.map(AssignmentStore::mapRow).list();
    }

    /**
     * The assignments of one input awaiting review that the reviewer holds without a verdict or
     * that nobody holds under the claim key, never their own; by the task's (task, input, worker)
     * key, so it reads only that input's assignments.
     */
    static List<Assignment> routedOn(Handle handle, String appUid, String taskId, String claimKey, String reviewerId,
                                     String inputId) {
        return handle.createQuery("""
                        SELECT a.* FROM task_assignments a
                        LEFT JOIN task_reviews r ON r.app_uid = a.app_uid AND r.assignment_id = a.id AND r.claim_key = :key
                        WHERE a.app_uid = :app AND a.task_id = :task AND a.input_id = :input AND a.status = :awaiting
                          AND a.worker_id <> :reviewer
                          AND (r.reviewer_id IS NULL OR (r.reviewer_id = :reviewer AND r.verdict = ''))
                        ORDER BY a.seq""")
                .bind("app", appUid).bind("task", taskId).bind("input", inputId).bind("key", claimKey)
                .bind("awaiting", ReviewService.AWAITING_REVIEW).bind("reviewer", reviewerId)
                .map(AssignmentStore::mapRow).list();
    }

    /** Takes the hold; false when someone holds it under the same key already. */
    static boolean hold(Handle handle, Assignment assignment, String claimKey, String reviewerId, long now) {
        return handle.createUpdate("""
                        INSERT INTO task_reviews (app_uid, task_id, assignment_id, claim_key, reviewer_id, created_at,
                                                  modified_at)
                        VALUES (:app, :task, :assignment, :key, :reviewer, :now, :now)
                        ON CONFLICT (app_uid, assignment_id, claim_key) DO NOTHING""")
                .bind("app", assignment.appUid()).bind("task", assignment.taskId()).bind("assignment", assignment.id())
                .bind("key", claimKey).bind("reviewer", reviewerId).bind("now", now).execute() == 1;
    }

    /** Who holds the assignment under the key, and with what verdict so far. */
    record Hold(String reviewerId, String verdict) {
    }

    static Optional<Hold> holdOf(Handle handle, Assignment assignment, String claimKey) {
        return handle.createQuery("""
                        SELECT reviewer_id, verdict FROM task_reviews
                        WHERE app_uid = :app AND assignment_id = :assignment AND claim_key = :key""")
                .bind("app", assignment.appUid()).bind("assignment", assignment.id()).bind("key", claimKey)
                .map((rs, ctx) -> new Hold(rs.getString("reviewer_id"), rs.getString("verdict"))).findOne();
    }

    static void setVerdict(Handle handle, Assignment assignment, String claimKey, String verdict, long now) {
        handle.createUpdate("""
                        UPDATE task_reviews SET verdict = :verdict, modified_at = :now
                        WHERE app_uid = :app AND assignment_id = :assignment AND claim_key = :key""")
                .bind("verdict", verdict).bind("now", now).bind("app", assignment.appUid())
                .bind("assignment", assignment.id()).bind("key", claimKey).execute();
    }

    static int approvals(Handle handle, Assignment assignment) {
        return handle.createQuery("""
                        SELECT COUNT(*) AS n FROM task_reviews
                        WHERE app_uid = :app AND assignment_id = :assignment AND verdict = :approved""")
                .bind("app", assignment.appUid()).bind("assignment", assignment.id()).bind("approved", APPROVED)
                .mapTo(Integer.class).one();
    }

    /** Drops the holds still without a verdict: the assignment no longer needs them. */
    static void dropPending(Handle handle, Assignment assignment) {
        handle.createUpdate("DELETE FROM task_reviews WHERE app_uid = :app AND assignment_id = :assignment AND verdict = ''")
                .bind("app", assignment.appUid()).bind("assignment", assignment.id()).execute();
    }

    /** Drops every hold and verdict: the work goes back to its labeler and will be reviewed afresh. */
    static void dropAll(Handle handle, Assignment assignment) {
        handle.createUpdate("DELETE FROM task_reviews WHERE app_uid = :app AND assignment_id = :assignment")
                .bind("app", assignment.appUid()).bind("assignment", assignment.id()).execute();
    }

    /**
     * Takes back what people no longer reviewing the task hold: their holds without a verdict
     * (the work goes back to the pool) and their verdicts on work still awaiting review (they
     * no longer count towards it). Verdicts on settled work stay.
     */
    static void dropFormerReviewers(Handle handle, String appUid, String taskId, List<String> reviewers) {
        handle.createUpdate("""
                        DELETE FROM task_reviews
                        WHERE app_uid = :app AND task_id = :task AND reviewer_id NOT IN (<reviewers>)
                          AND (verdict = '' OR assignment_id IN (SELECT a.id FROM task_assignments a
                                                                 WHERE a.app_uid = :app AND a.task_id = :task
                                                                   AND a.status = :awaiting))""")
                .bind("app", appUid).bind("task", taskId).bind("awaiting", ReviewService.AWAITING_REVIEW)
                .bindList("reviewers", reviewers.isEmpty() ? List.of("") : reviewers)
                .execute();
    }

    /** The task's assignments awaiting review that hold approvals, with how many each holds. */
    static Map<Assignment, Integer> approvedAwaiting(Handle handle, String appUid, String taskId) {
        Map<Assignment, Integer> approved = new LinkedHashMap<>();
        handle.createQuery("""
                        SELECT a.*, (SELECT COUNT(*) FROM task_reviews r WHERE r.app_uid = a.app_uid
                                       AND r.assignment_id = a.id AND r.verdict = :approved) AS approvals
                        FROM task_assignments a
                        WHERE a.app_uid = :app AND a.task_id = :task AND a.status = :awaiting
                          AND EXISTS (SELECT 1 FROM task_reviews r WHERE r.app_uid = a.app_uid AND r.assignment_id = a.id
                                        AND r.verdict = :approved)
                        ORDER BY a.seq""")
                .bind("app", appUid).bind("task", taskId).bind("awaiting", ReviewService.AWAITING_REVIEW)
                .bind("approved", APPROVED)
                .map((rs, ctx) -> Map.entry(AssignmentStore.mapRow(rs, ctx), rs.getInt("approvals")))
                .forEach(e -> approved.put(e.getKey(), e.getValue()));
        return approved;
    }
}
