package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.testing.TestDatabases;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL a table that grew in bulk is analysed by the server within seconds, not when
 * autovacuum's next round finds it; a table with a few changes is left to autovacuum.
 */
class FreshStatisticsTest {
    @Test
    void aTableThatGrewInBulkIsAnalysedAndASmallChangeIsNot() throws Exception {
        try (Database database = Database.open(TestDatabases.newDatabase(SqlDialect.POSTGRESQL), null, null, 2)) {
            Jdbi jdbi = database.jdbi();
            jdbi.useHandle(handle -> {
                // Autovacuum off for these two, so that only the server's own analyses count.
                handle.execute("CREATE TABLE grown (n INTEGER) WITH (autovacuum_enabled = false)");
                handle.execute("CREATE TABLE touched (n INTEGER) WITH (autovacuum_enabled = false)");
                handle.execute("INSERT INTO touched SELECT g FROM generate_series(1, 100) g");
                handle.execute("INSERT INTO grown SELECT g FROM generate_series(1, ?) g",
                        FreshStatistics.CHANGED_ROWS_FLOOR * 3);
            });
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (analyses(jdbi, "grown") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(analyses(jdbi, "grown")).as("analysed by the server after its bulk growth").isEqualTo(1);
            assertThat(analyses(jdbi, "touched")).as("100 changed rows are autovacuum's business").isZero();
        }
    }

    private static long analyses(Jdbi jdbi, String table) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :table")
                .bind("table", table).mapTo(Long.class).one());
    }
}
