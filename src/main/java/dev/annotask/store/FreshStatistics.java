package dev.annotask.store;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps PostgreSQL's planner statistics of Annotask's tables current after bulk changes.
 *
 * <p>Right after an upload of a few hundred thousand inputs the statistics still describe the
 * table as it was: autovacuum analyses it only once its next round comes (a minute by default)
 * and finds it due. Meanwhile the planner believes the uploading app has almost no inputs and
 * reads "its" inputs through any index that starts with the app, so a lookup of ten inputs by
 * id read the whole app: 1.1 s a statement, 2.4 labeling rounds a second instead of 55 in the
 * labeling benchmark (docs/BENCHMARKS.md). Here, every {@value #EVERY_MILLIS} ms, one node
 * (a transaction-scoped advisory lock) analyses each table of the schema whose rows changed
 * since its last analysis by more than {@value #CHANGED_ROWS_FLOOR} plus a fifth of its size:
 * bulk growth is analysed within seconds, while the steady updates of labeling (a few
 * thousand rows a second on a large table) cause an analysis every half minute or so.
 * Thread-safe; close before the pool.
 */
final class FreshStatistics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FreshStatistics.class);
    static final long EVERY_MILLIS = 5000;
    static final long CHANGED_ROWS_FLOOR = 10_000;
    static final double CHANGED_SHARE = 0.2;
    /** The advisory lock key that lets one node at a time analyse (an arbitrary constant: "annotask stats"). */
    private static final long LOCK_KEY = 0x616E_6E6F_7374_6174L;

    private final Jdbi jdbi;
    private final ScheduledExecutorService scheduler = BackgroundThreads.single("annotask-fresh-statistics");

    FreshStatistics(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    FreshStatistics start() {
        scheduler.scheduleWithFixedDelay(this::analyseQuietly, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void analyseQuietly() {
        try {
            analyseStale();
        } catch (RuntimeException e) {
            // Autovacuum still analyses the tables; the next round tries again.
            LOG.warn("analysing tables with stale statistics failed: {}", e.getMessage());
        }
    }

    /**
     * Analyses the schema's tables whose statistics are stale by the measure of the class
     * comment, unless another node is doing so; returns the tables analysed.
     */
    List<String> analyseStale() {
        return jdbi.inTransaction(handle -> {
            boolean mine = handle.createQuery("SELECT pg_try_advisory_xact_lock(:key)").bind("key", LOCK_KEY)
                    .mapTo(Boolean.class).one();
            if (!mine) {
                return List.of();
            }
            List<String> stale = stale(handle);
            for (String table : stale) {
                handle.execute("ANALYZE " + quoted(table));
            }
            if (!stale.isEmpty()) {
                LOG.info("analysed {} after bulk changes", stale);
            }
            return stale;
        });
    }

    private static List<String> stale(Handle handle) {
        return handle.createQuery("""
                        SELECT relname FROM pg_stat_user_tables
                        WHERE schemaname = current_schema() AND n_mod_since_analyze > :floor + :share * GREATEST(n_live_tup, 0)
                        ORDER BY relname""")
                .bind("floor", CHANGED_ROWS_FLOOR).bind("share", CHANGED_SHARE).mapTo(String.class).list();
    }

    /** The table's name as an SQL identifier (names come from the catalogue, quoted all the same). */
    private static String quoted(String table) {
        return '"' + table.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() {
        BackgroundThreads.stop(scheduler);
    }
}
