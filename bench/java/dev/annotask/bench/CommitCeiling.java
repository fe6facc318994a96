package dev.annotask.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The database's own limit for submissions: single-row INSERTs, each its own transaction
 * (autocommit), through JDBC with the same driver and connection settings the server uses,
 * from one connection and from several at once, with no HTTP, JSON, authorisation or
 * bookkeeping around them. A labeling submission can never be faster than one such commit.
 */
final class CommitCeiling {
    private static final String TABLE = "bench_commit_probe";
    /** About the size of an assignment row: an id, a few ids and numbers. */
    private static final String PAYLOAD = "x".repeat(96);

    private CommitCeiling() {
    }

    /** Commits per second and latencies with that many connections inserting for the duration. */
    static Latencies measure(String jdbcUrl, int connections, Duration duration) throws Exception {
        try (Connection setup = DriverManager.getConnection(jdbcUrl); Statement ddl = setup.createStatement()) {
            ddl.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                    + " (id VARCHAR(36) PRIMARY KEY, app_uid VARCHAR(36) NOT NULL, payload TEXT NOT NULL, created_at BIGINT NOT NULL)");
        }
        List<Connection> opened = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                opened.add(DriverManager.getConnection(jdbcUrl));
            }
            return ClosedLoop.run(connections, 50, duration, (client, timer) -> {
                Connection connection = opened.get(client);
                timer.time("commit", () -> insert(connection));
                return true;
            }).call("commit");
        } finally {
            for (Connection connection : opened) {
                connection.close();
            }
        }
    }

    private static int insert(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                + " (id, app_uid, payload, created_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, "bench");
            insert.setString(3, PAYLOAD);
            insert.setLong(4, System.currentTimeMillis());
            return insert.executeUpdate();
        }
    }
}
