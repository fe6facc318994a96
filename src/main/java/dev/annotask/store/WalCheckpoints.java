package dev.annotask.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log back into the database file from a background thread.
 *
 * <p>By default SQLite checkpoints inside the commit that grows the log past 1,000 pages, so
 * every few dozen labeling calls one of them also copies and syncs the database file and
 * takes several times longer than the rest: that is the latency tail. Here a PASSIVE
 * checkpoint runs every {@value #EVERY_MILLIS} ms on its own connection (never waiting for
 * readers or the writer, which go on meanwhile), and the connections of the pool only
 * checkpoint themselves past {@link SqlDialect#SQLITE_COMMIT_CHECKPOINT_PAGES} pages, a safety
 * net for when this thread falls behind. Thread-safe; close before the pool.
 */
final class WalCheckpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpoints.class);
    private static final long EVERY_MILLIS = 1000;

    private final Connection connection;
    private final ScheduledExecutorService scheduler = BackgroundThreads.single("annotask-wal-checkpoint");

    private WalCheckpoints(Connection connection) {
        this.connection = connection;
    }

    static WalCheckpoints start(String jdbcUrl) {
        try {
            WalCheckpoints checkpoints = new WalCheckpoints(DriverManager.getConnection(jdbcUrl));
            checkpoints.scheduler.scheduleWithFixedDelay(checkpoints::checkpoint, EVERY_MILLIS, EVERY_MILLIS,
                    TimeUnit.MILLISECONDS);
            return checkpoints;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the SQLite checkpoint connection", e);
        }
    }

    private void checkpoint() {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (SQLException | RuntimeException e) {
            // The next round tries again, and commits still checkpoint past the safety net.
            LOG.warn("background WAL checkpoint failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        BackgroundThreads.stop(scheduler);
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing the SQLite checkpoint connection failed: {}", e.getMessage());
        }
    }
}
