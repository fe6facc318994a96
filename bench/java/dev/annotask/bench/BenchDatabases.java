package dev.annotask.bench;

import dev.annotask.store.SqlDialect;
import dev.annotask.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Fresh PostgreSQL databases for benchmarks, committing as a production server would. */
final class BenchDatabases {
    private BenchDatabases() {
    }

    /**
     * A new database (embedded, or in the server ANNOTASK_TEST_PG_URL names) with this
     * synchronous_commit: "on" is PostgreSQL's own default (a commit waits for its log on
     * disk), which the embedded server turns off; "off" shows what that wait costs.
     */
    static String postgres(boolean synchronousCommit) throws SQLException {
        String url = TestDatabases.newDatabase(SqlDialect.POSTGRESQL);
        try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement()) {
            statement.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = "
                    + (synchronousCommit ? "on" : "off") + "', current_database()); END $$");
        }
        return url;
    }
}
