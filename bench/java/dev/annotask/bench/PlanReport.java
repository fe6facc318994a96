package dev.annotask.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plans of the labeling scans right after a bulk upload, as PostgreSQL makes them with the
 * statistics it has at that moment (nothing here runs ANALYZE): the statements are copies of
 * SourceScanner's, AssignmentStore's and Completion's as of this commit, run with EXPLAIN (ANALYZE, BUFFERS)
 * for the reads (custom plan, literal values) and as a generic prepared plan (what a
 * server-side prepared statement may switch to after five executions).
 */
final class PlanReport {
    private PlanReport() {
    }

    static String afterUpload(String url, Path jar) throws SQLException {
        StringBuilder text = new StringBuilder("\nPlans right after the upload, " + jar + ":\n\n```\n");
        try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement()) {
            String app = one(statement, "SELECT uid FROM apps WHERE id = 'ingest'");
            try (ResultSet rows = statement.executeQuery("""
                    SELECT relname, n_live_tup, n_mod_since_analyze, last_analyze, last_autoanalyze
                    FROM pg_stat_user_tables WHERE relname IN ('inputs', 'dataset_inputs', 'task_inputs', 'apps')
                    ORDER BY relname""")) {
                while (rows.next()) {
                    text.append(String.format("table %s: live %d, changed since analyze %d, analyzed %s / auto %s%n",
                            rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getString(4), rows.getString(5)));
                }
            }
            // The baseline's check of which ids an upload takes (128 ids, the last upload's):
            // this branch no longer runs it (the insert's conflicts say), shown for comparison.
            java.util.List<String> ids = new java.util.ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT id FROM inputs ORDER BY seq DESC LIMIT 128")) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            String literal = ids.stream().map(id -> "'" + id + "'").collect(java.util.stream.Collectors.joining(","));
            text.append("\n-- taken ids of an upload (main's PostInputs), custom plan:\n");
            explain(statement, "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM inputs WHERE app_uid = '" + app
                    + "' AND id IN (" + literal + ")", text);
            seedLabeledTask(statement, app);
            long last = Long.parseLong(one(statement, "SELECT MAX(seq) FROM inputs WHERE app_uid = '" + app + "'"));
            Map<String, String> reads = new LinkedHashMap<>();
            reads.put("ALL_INPUTS scan of a labeler who has caught up (before: ORDER BY seq)",
                    "SELECT seq, id FROM inputs WHERE app_uid = $1 AND seq > $2 ORDER BY seq LIMIT 256");
            reads.put("the same (after: ORDER BY app_uid, seq)",
                    "SELECT seq, id FROM inputs WHERE app_uid = $1 AND seq > $2 ORDER BY app_uid, seq LIMIT 256");
            reads.put("DATASET scan from the start", """
                    SELECT input_seq AS seq, input_id AS id FROM dataset_inputs
                    WHERE app_uid = $1 AND dataset_id = 'all' AND input_seq > $2 - $2 ORDER BY input_seq LIMIT 256""");
            reads.put("reoffered slots (LABEL_START)", """
                    SELECT ti.input_id FROM task_inputs ti
                    WHERE ti.app_uid = $1 AND ti.task_id = 't' AND ti.reoffer = TRUE AND ti.open
                      AND NOT EXISTS (SELECT 1 FROM task_assignments a WHERE a.app_uid = ti.app_uid
                                      AND a.task_id = ti.task_id AND a.input_id = ti.input_id AND a.worker_id = 'w')
                    AND $2::bigint >= 0 LIMIT 50""");
            reads.put("a worker's pending assignments (every labeling call)", """
                    SELECT * FROM task_assignments
                    WHERE app_uid = $1 AND task_id = 't' AND worker_id = 'w' AND status = $2::int
                    ORDER BY seq LIMIT 10""");
            // The labeling path without the task-row lock (V10): each goes by a key or a small index.
            reads.put("completion's look after settling (LABEL_SUBMIT; counters summed, an unsettled input share-locked)", """
                    SELECT t.status,
                           (SELECT COALESCE(SUM(p.taken), 0) FROM task_progress p WHERE p.app_uid = t.app_uid AND p.task_id = t.id),
                           (SELECT COALESCE(SUM(p.settled), 0) FROM task_progress p WHERE p.app_uid = t.app_uid AND p.task_id = t.id),
                           (SELECT i.input_id FROM task_inputs i WHERE i.app_uid = t.app_uid AND i.task_id = t.id AND NOT i.settled
                            LIMIT 1 FOR SHARE SKIP LOCKED)
                    FROM tasks t WHERE t.app_uid = $1 AND t.id = 't' AND $2::bigint >= 0""");
            // Ten inputs of the seeded task, as the server binds them: a list of values.
            String ten = ids.stream().limit(10).map(id -> "'" + id + "'").collect(java.util.stream.Collectors.joining(","));
            String values = ids.stream().limit(10).map(id -> "('" + id + "')").collect(java.util.stream.Collectors.joining(","));
            reads.put("slot rows of a submission locked, one lookup per input (LABEL_SUBMIT)", """
                    SELECT l.input_id FROM (VALUES VALS) AS v (input_id)
                    CROSS JOIN LATERAL (SELECT input_id FROM task_inputs
                                        WHERE app_uid = $1 AND task_id = 't' AND input_id = v.input_id AND $2::bigint >= 0
                                        FOR UPDATE) AS l""".replace("VALS", values));
            reads.put("inputs a worker already held among candidates (LABEL_START; no task_assignments_by_input)", """
                    SELECT input_id FROM task_assignments
                    WHERE app_uid = $1 AND task_id = 't' AND worker_id = 'w' AND input_id IN (TEN) AND $2::bigint >= 0"""
                    .replace("TEN", ten));
            reads.put("settling's check for unfinished work on one input, by its whole key (no task_assignments_by_input)", """
                    SELECT COUNT(*) FROM task_inputs ti
                    WHERE ti.app_uid = $1 AND ti.task_id = 't' AND ti.input_id = ONE
                      AND NOT EXISTS (SELECT 1 FROM task_assignments a WHERE a.app_uid = ti.app_uid AND a.task_id = ti.task_id
                                        AND a.input_id = ti.input_id AND a.status IN (54201, 54202, 54203))
                      AND $2::bigint >= 0""".replace("ONE", "'" + ids.get(0) + "'"));
            int n = 0;
            for (Map.Entry<String, String> read : reads.entrySet()) {
                String sql = read.getValue();
                text.append("\n-- ").append(read.getKey()).append(", custom plan:\n");
                String second = sql.contains("status = $2") ? String.valueOf(PENDING) : String.valueOf(last);
                explain(statement, "EXPLAIN (ANALYZE, BUFFERS, COSTS) "
                        + sql.replace("$1", "'" + app + "'").replace("$2", second), text);
                text.append("-- generic plan:\n");
                statement.execute("SET plan_cache_mode = force_generic_plan");
                statement.execute("PREPARE scan" + n + " (text, bigint) AS " + sql);
                explain(statement, "EXPLAIN (ANALYZE, BUFFERS, COSTS) EXECUTE scan" + n + "('" + app + "', "
                        + (sql.contains("status = $2") ? PENDING : last) + ")", text);
                statement.execute("DEALLOCATE scan" + n++);
                statement.execute("RESET plan_cache_mode");
            }
        }
        return text.append("```\n").toString();
    }

    private static final int PENDING = dev.annotask.proto.api.status.StatusCode.TASK_ASSIGNMENT_PENDING.getNumber();

    /**
     * What a task looks like once its labelers are through the upload (a slot and a submitted
     * assignment per input, a last batch pending), and a second team's upload of as many
     * inputs after it: written straight to the tables as labeling and uploads would, and not
     * analysed, as autovacuum has not had its turn yet.
     */
    private static void seedLabeledTask(Statement statement, String app) throws SQLException {
        statement.execute("INSERT INTO tasks (app_uid, id, spec, input_source_type, status, created_at, modified_at)"
                + " VALUES ('" + app + "', 't', '{}', 0, 0, 0, 0)");
        statement.execute("INSERT INTO task_inputs (app_uid, task_id, input_id, claimed, open, reoffer, worked, settled)"
                + " SELECT app_uid, 't', id, 1, FALSE, FALSE, TRUE, TRUE FROM inputs WHERE app_uid = '" + app + "'");
        statement.execute("INSERT INTO task_assignments (id, app_uid, task_id, input_id, worker_id, status, created_at, modified_at)"
                + " SELECT 'a' || seq, app_uid, 't', id, 'w', CASE WHEN seq % 1000 < 10 THEN " + PENDING + " ELSE "
                + (PENDING + 1) + " END, 0, 0 FROM inputs WHERE app_uid = '" + app + "' ORDER BY seq");
        statement.execute("INSERT INTO apps (uid, id, user_id, created_at, modified_at)"
                + " SELECT 'other', 'other', user_id, 0, 0 FROM apps WHERE uid = '" + app + "'");
        statement.execute("INSERT INTO inputs (app_uid, id, data, byte_size, status, created_at, modified_at)"
                + " SELECT 'other', 'o' || id, data, 0, status, 0, 0 FROM inputs WHERE app_uid = '" + app + "' ORDER BY seq");
    }

    private static void explain(Statement statement, String sql, StringBuilder text) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                text.append(rows.getString(1)).append('\n');
            }
        }
    }

    private static String one(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
