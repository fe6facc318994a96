package dev.annotask.assign;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * The SQL of review notes ({@code review_notes}, migration V16): what a reviewer said about one
 * labeling with a verdict given through annotask.review. Handle-level, like {@link ReviewStore}.
 */
final class ReviewNoteStore {
    private ReviewNoteStore() {
    }

    /**
     * One note. {@code open}: the labeling it sent back is with its labeler, not turned in
     * again (read only; see {@link #list}).
     */
    record Note(String id, String appUid, String taskId, String assignmentId, String inputId, String workerId,
                String reviewerId, String verdict, String comment, List<String> flagged, List<String> corrections,
                long createdAt, boolean open) {
    }

    /** Which notes a listing wants; empty lists filter nothing, a null worker means everyone's. */
    record Filter(List<String> inputIds, List<String> workerIds, String onlyWorker) {
    }

    static void insertAll(Handle handle, List<Note> notes) {
        if (notes.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch("""
                INSERT INTO review_notes (id, app_uid, task_id, assignment_id, input_id, worker_id, reviewer_id, verdict,
                                          comment, flagged, corrections, created_at)
                VALUES (:id, :app, :task, :assignment, :input, :worker, :reviewer, :verdict, :comment, :flagged,
                        :corrections, :at)""");
        for (Note n : notes) {
            batch.bind("id", n.id()).bind("app", n.appUid()).bind("task", n.taskId()).bind("assignment", n.assignmentId())
                    .bind("input", n.inputId()).bind("worker", n.workerId()).bind("reviewer", n.reviewerId())
                    .bind("verdict", n.verdict()).bind("comment", n.comment()).bind("flagged", String.join(",", n.flagged()))
                    .bind("corrections", String.join(",", n.corrections())).bind("at", n.createdAt()).add();
        }
        batch.execute();
    }

    /**
     * A page of the task's notes, oldest first. A note is open while its verdict sent the
     * labeling back, the labeling is pending, and it was not sent back again after the note.
     */
    static List<Note> list(Handle handle, String appUid, String taskId, Filter filter, int offset, int limit) {
        StringBuilder sql = new StringBuilder("""
                SELECT n.*, (n.verdict = 'request_changes' AND a.status = :pending AND a.returned_at <= n.created_at)
                         AS is_open
                FROM review_notes n
                LEFT JOIN task_assignments a ON a.app_uid = n.app_uid AND a.id = n.assignment_id
                WHERE n.app_uid = :app AND n.task_id = :task""");
        if (!filter.inputIds().isEmpty()) {
            sql.append(" AND n.input_id IN (<inputs>)");
        }
        if (!filter.workerIds().isEmpty()) {
            sql.append(" AND n.worker_id IN (<workers>)");
        }
        if (filter.onlyWorker() != null) {
            sql.append(" AND n.worker_id = :only");
        }
        sql.append(" ORDER BY n.seq LIMIT :limit OFFSET :offset");
        Query query = handle.createQuery(sql.toString()).bind("app", appUid).bind("task", taskId)
                .bind("pending", AssignmentStore.PENDING).bind("only", filter.onlyWorker())
                .bind("limit", limit).bind("offset", offset);
        if (!filter.inputIds().isEmpty()) {
            query.bindList("inputs", filter.inputIds());
        }
        if (!filter.workerIds().isEmpty()) {
            query.bindList("workers", filter.workerIds());
        }
        return query.map((rs, ctx) -> new Note(rs.getString("id"), rs.getString("app_uid"), rs.getString("task_id"),
                rs.getString("assignment_id"), rs.getString("input_id"), rs.getString("worker_id"),
                rs.getString("reviewer_id"), rs.getString("verdict"), rs.getString("comment"), ids(rs.getString("flagged")),
                ids(rs.getString("corrections")), rs.getLong("created_at"), rs.getBoolean("is_open"))).list();
    }

    private static List<String> ids(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(joined.split(",")));
    }
}
