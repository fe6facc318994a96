package dev.annotask.bench;

import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.SqlDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Data written straight into the database, as the API would store it, because the API would
 * take hours to upload a million inputs or label them; no seeding is part of any figure.
 * Inputs get ids {@code input-00000000…} in arrival order and the app's input counter.
 */
final class Seeds {
    private final String jdbcUrl;
    private final SqlDialect dialect;

    Seeds(String jdbcUrl, SqlDialect dialect) {
        this.jdbcUrl = jdbcUrl;
        this.dialect = dialect;
    }

    void inputs(String appId, int count) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl)) {
            db.setAutoCommit(false);
            String app = appUid(db, appId);
            if (dialect == SqlDialect.POSTGRESQL) {
                try (PreparedStatement insert = db.prepareStatement("INSERT INTO inputs (app_uid, id, data, byte_size,"
                        + " status, created_at, modified_at) SELECT ?, 'input-' || lpad(g::text, 8, '0'),"
                        + " '{\"text\":{\"raw\":\"x\"}}'::jsonb, 0, 30000, 0, 0 FROM generate_series(0, ? - 1) g ORDER BY g")) {
                    insert.setString(1, app);
                    insert.setInt(2, count);
                    insert.executeUpdate();
                }
            } else {
                try (PreparedStatement insert = db.prepareStatement("INSERT INTO inputs (app_uid, id, data, byte_size,"
                        + " status, created_at, modified_at) VALUES (?, ?, '{\"text\":{\"raw\":\"x\"}}', 0, 30000, 0, 0)")) {
                    for (int i = 0; i < count; i++) {
                        insert.setString(1, app);
                        insert.setString(2, String.format("input-%08d", i));
                        insert.addBatch();
                        if (i % 10_000 == 9_999) {
                            insert.executeBatch();
                        }
                    }
                    insert.executeBatch();
                }
            }
            try (PreparedStatement counter = db.prepareStatement("UPDATE apps SET input_count = input_count + ? WHERE uid = ?")) {
                counter.setLong(1, count);
                counter.setString(2, app);
                counter.executeUpdate();
            }
            db.commit();
            analyze(db);
        }
    }

    /**
     * A task's finished work over every input of its app, as if its workers (w0…, round robin)
     * had labeled all of it and the labels were accepted: one assignment and one annotation per
     * input. For the count calls on a large task: what they read grows with this.
     */
    void finishedWork(String appId, String taskId, int workers) throws SQLException {
        String id = dialect == SqlDialect.POSTGRESQL ? "md5(i.seq::text || ?)" : "lower(hex(randomblob(16)))";
        String data = dialect == SqlDialect.POSTGRESQL ? "'{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}'::jsonb"
                : "'{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}'";
        try (Connection db = DriverManager.getConnection(jdbcUrl)) {
            db.setAutoCommit(false);
            String app = appUid(db, appId);
            try (PreparedStatement assignments = db.prepareStatement("INSERT INTO task_assignments (id, app_uid, task_id,"
                    + " input_id, worker_id, status, lease_expires_at, created_at, modified_at)"
                    + " SELECT " + id + ", i.app_uid, ?, i.id, 'l' || (i.seq % ?), ?, 0, 0, 0 FROM inputs i WHERE i.app_uid = ?");
                 PreparedStatement annotations = db.prepareStatement("INSERT INTO annotations (app_uid, id, input_id,"
                         + " task_id, user_id, data, status, created_at, modified_at)"
                         + " SELECT i.app_uid, " + id + ", i.id, ?, 'l' || (i.seq % ?), " + data + ", ?, 0, 0"
                         + " FROM inputs i WHERE i.app_uid = ?")) {
                int at = 1;
                if (dialect == SqlDialect.POSTGRESQL) {
                    assignments.setString(at++, "assignment" + taskId);
                }
                assignments.setString(at++, taskId);
                assignments.setInt(at++, workers);
                assignments.setInt(at++, StatusCode.TASK_ASSIGNMENT_SUCCESS.getNumber());
                assignments.setString(at, app);
                assignments.executeUpdate();
                at = 1;
                if (dialect == SqlDialect.POSTGRESQL) {
                    annotations.setString(at++, "annotation" + taskId);
                }
                annotations.setString(at++, taskId);
                annotations.setInt(at++, workers);
                annotations.setInt(at++, StatusCode.ANNOTATION_SUCCESS.getNumber());
                annotations.setString(at, app);
                annotations.executeUpdate();
            }
            db.commit();
            analyze(db);
        }
    }

    private void analyze(Connection db) throws SQLException {
        db.setAutoCommit(true);
        try (Statement statement = db.createStatement()) {
            // What autovacuum would have done in the months such data takes to arrive.
            statement.execute(dialect == SqlDialect.POSTGRESQL ? "VACUUM ANALYZE" : "PRAGMA optimize");
        }
    }

    private static String appUid(Connection db, String appId) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT uid FROM apps WHERE id = ?")) {
            query.setString(1, appId);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no app " + appId);
                }
                return rs.getString(1);
            }
        }
    }
}
