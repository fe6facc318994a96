package dev.annotask.teamstats;

import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.teamstats.WorkerStats.Role;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * The SQL behind GetTaskWorkerStats: a handful of aggregate statements over one task's
 * assignments (labelers) and review holds (reviewers), each answering a row per person or per
 * person and bucket, so the cost on the Java side does not grow with the task. The same SQL
 * runs on SQLite and PostgreSQL (window functions, integer division of BIGINTs, GROUP BY by
 * position). Verdict names are those the review workflow stores in task_reviews and
 * review_notes (assign's ReviewStore and ReviewNoteStore). Stateless.
 */
final class WorkerStatsStore {
    private static final int PENDING = StatusCode.TASK_ASSIGNMENT_PENDING.getNumber();
    private static final int AWAITING_REVIEW = StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW.getNumber();
    private static final int AWAITING_CONSENSUS = StatusCode.TASK_ASSIGNMENT_AWAITING_CONSENSUS_REVIEW.getNumber();
    private static final int SUCCESS = StatusCode.TASK_ASSIGNMENT_SUCCESS.getNumber();
    private static final int REJECTED = StatusCode.TASK_ASSIGNMENT_REJECTED.getNumber();

    /** The counters of one person, before the series and the median join them. */
    private record Counts(long pending, long awaiting, long approved, long rejected, long sentBack) {
    }

    /**
     * Every person with work in the task, labelers (from task_assignments) and reviewers
     * (from task_reviews), each with counters, series and median; people the task names
     * without any work are the caller's to add.
     */
    Map<Role, Map<String, WorkerStats>> read(Handle handle, String appUid, String taskId, StatsWindow window) {
        Map<Role, Map<String, WorkerStats>> answer = new HashMap<>();
        answer.put(Role.LABELER, assemble(Role.LABELER, labelerCounts(handle, appUid, taskId),
                series(handle, LABELINGS, appUid, taskId, window), medians(handle, LABELINGS, appUid, taskId), window));
        answer.put(Role.REVIEWER, assemble(Role.REVIEWER, reviewerCounts(handle, appUid, taskId),
                series(handle, VERDICTS, appUid, taskId, window), medians(handle, VERDICTS, appUid, taskId), window));
        return answer;
    }

    private static Map<String, WorkerStats> assemble(Role role, Map<String, Counts> counts, Map<String, long[]> series,
                                                     Map<String, Double> medians, StatsWindow window) {
        Map<String, WorkerStats> people = new TreeMap<>();
        for (var entry : counts.entrySet()) {
            Counts c = entry.getValue();
            long done = role == Role.LABELER ? c.awaiting() + c.approved() + c.rejected() : c.approved() + c.rejected();
            people.put(entry.getKey(), new WorkerStats(entry.getKey(), role, done, c.pending(), c.awaiting(),
                    c.approved(), c.rejected(), c.sentBack(), WorkerStats.share(c.approved(), c.rejected()),
                    medians.getOrDefault(entry.getKey(), -1.0),
                    series.getOrDefault(entry.getKey(), new long[window.count()])));
        }
        return people;
    }

    private static Map<String, Counts> labelerCounts(Handle handle, String appUid, String taskId) {
        Map<String, Counts> counts = new HashMap<>();
        handle.createQuery("""
                        SELECT worker_id,
                          SUM(CASE WHEN status = :pending THEN 1 ELSE 0 END) AS pending,
                          SUM(CASE WHEN status = :review OR status = :consensus THEN 1 ELSE 0 END) AS awaiting,
                          SUM(CASE WHEN status = :success THEN 1 ELSE 0 END) AS approved,
                          SUM(CASE WHEN status = :rejected THEN 1 ELSE 0 END) AS rejected,
                          SUM(CASE WHEN returned_at > 0 THEN 1 ELSE 0 END) AS sent_back
                        FROM task_assignments WHERE app_uid = :app AND task_id = :task GROUP BY worker_id""")
                .bind("pending", PENDING).bind("review", AWAITING_REVIEW).bind("consensus", AWAITING_CONSENSUS)
                .bind("success", SUCCESS).bind("rejected", REJECTED).bind("app", appUid).bind("task", taskId)
                .map((rs, ctx) -> counts.put(rs.getString("worker_id"), new Counts(rs.getLong("pending"),
                        rs.getLong("awaiting"), rs.getLong("approved"), rs.getLong("rejected"), rs.getLong("sent_back"))))
                .list();
        return counts;
    }

    private static Map<String, Counts> reviewerCounts(Handle handle, String appUid, String taskId) {
        Map<String, Long> sentBack = new HashMap<>();
        handle.createQuery("""
                        SELECT reviewer_id, COUNT(*) AS n FROM review_notes
                        WHERE app_uid = :app AND task_id = :task AND verdict = 'request_changes' GROUP BY reviewer_id""")
                .bind("app", appUid).bind("task", taskId)
                .map((rs, ctx) -> sentBack.put(rs.getString("reviewer_id"), rs.getLong("n"))).list();
        Map<String, Counts> counts = new HashMap<>();
        handle.createQuery("""
                        SELECT reviewer_id,
                          SUM(CASE WHEN verdict = '' THEN 1 ELSE 0 END) AS pending,
                          SUM(CASE WHEN verdict = 'approved' THEN 1 ELSE 0 END) AS approved,
                          SUM(CASE WHEN verdict = 'rejected' THEN 1 ELSE 0 END) AS rejected
                        FROM task_reviews WHERE app_uid = :app AND task_id = :task GROUP BY reviewer_id""")
                .bind("app", appUid).bind("task", taskId)
                .map((rs, ctx) -> counts.put(rs.getString("reviewer_id"), new Counts(rs.getLong("pending"), 0,
                        rs.getLong("approved"), rs.getLong("rejected"), sentBack.getOrDefault(rs.getString("reviewer_id"), 0L))))
                .list();
        // A reviewer whose every verdict sent work back holds nothing in task_reviews any more.
        sentBack.forEach((id, n) -> counts.putIfAbsent(id, new Counts(0, 0, 0, 0, n)));
        return counts;
    }

    /**
     * Where a kind of work is stamped: the table, who did it, when it was finished and when it
     * was handed to them, and which rows count as finished. Constants only, never user input.
     */
    private record Source(String table, String who, String finishedAt, String handedAt, String finished) {
    }

    private static final Source LABELINGS = new Source("task_assignments", "worker_id", "submitted_at", "created_at",
            "submitted_at > 0");
    private static final Source VERDICTS = new Source("task_reviews", "reviewer_id", "modified_at", "created_at",
            "verdict <> ''");

    /** Finished work per person and bucket of the window. */
    private static Map<String, long[]> series(Handle handle, Source source, String appUid, String taskId,
                                              StatsWindow window) {
        Map<String, long[]> series = new HashMap<>();
        handle.createQuery("SELECT " + source.who() + " AS who, (" + source.finishedAt() + " - :since) / :bucket AS b,"
                        + " COUNT(*) AS n FROM " + source.table()
                        + " WHERE app_uid = :app AND task_id = :task AND " + source.finished()
                        + " AND " + source.finishedAt() + " >= :since AND " + source.finishedAt() + " < :until"
                        + " GROUP BY 1, 2")
                .bind("since", window.start()).bind("bucket", window.bucketMillis()).bind("until", window.end())
                .bind("app", appUid).bind("task", taskId)
                .map((rs, ctx) -> {
                    int bucket = rs.getInt("b");
                    if (bucket >= 0 && bucket < window.count()) {
                        series.computeIfAbsent(rs.getString("who"), k -> new long[window.count()])[bucket] += rs.getLong("n");
                    }
                    return bucket;
                }).list();
        return series;
    }

    /**
     * The median seconds per input of each person. Work finished in one request (a batch turned
     * in together) is one turn; a turn's time runs from the person's previous turn, or from when
     * the work was handed out if that is later, and is shared equally by its inputs. The median
     * is over inputs: the first turn, in order of time per input, where the running count of
     * inputs reaches half of the person's total.
     */
    private static Map<String, Double> medians(Handle handle, Source source, String appUid, String taskId) {
        Map<String, Double> medians = new HashMap<>();
        handle.createQuery("WITH turns AS (SELECT " + source.who() + " AS who, " + source.finishedAt() + " AS at,"
                        + " COUNT(*) AS n, MIN(" + source.handedAt() + ") AS handed FROM " + source.table()
                        + " WHERE app_uid = :app AND task_id = :task AND " + source.finished() + " GROUP BY 1, 2),"
                        + " stepped AS (SELECT who, n, at, handed,"
                        + " LAG(at) OVER (PARTITION BY who ORDER BY at) AS prev FROM turns),"
                        + " timed AS (SELECT who, n, (at - CASE WHEN prev IS NULL OR prev < handed THEN handed ELSE prev END)"
                        + " / (1000.0 * n) AS per FROM stepped),"
                        + " ranked AS (SELECT who, per, SUM(n) OVER (PARTITION BY who ORDER BY per"
                        + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,"
                        + " SUM(n) OVER (PARTITION BY who) AS total FROM timed)"
                        + " SELECT who, MIN(per) AS median FROM ranked WHERE running * 2 >= total GROUP BY who")
                .bind("app", appUid).bind("task", taskId)
                .map((rs, ctx) -> medians.put(rs.getString("who"), rs.getDouble("median"))).list();
        return medians;
    }
}
