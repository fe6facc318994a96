package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** On SQLite, committed pages reach the database file without any request checkpointing them. */
class WalCheckpointsTest {
    @Test
    void backgroundCheckpointsCopyTheLogIntoTheDatabaseFile() throws Exception {
        String url = TestDatabases.newDatabase(SqlDialect.SQLITE);
        Path file = Path.of(url.substring("jdbc:sqlite:".length()).split("\\?", 2)[0]);
        try (Database database = Database.open(url, null, null, 0)) {
            database.jdbi().useHandle(handle -> handle.execute("PRAGMA wal_checkpoint(TRUNCATE)"));
            long before = Files.size(file);
            database.jdbi().useTransaction(handle -> {
                handle.execute("CREATE TABLE filler (body TEXT)");
                for (int i = 0; i < 200; i++) {
                    handle.execute("INSERT INTO filler (body) VALUES (?)", "x".repeat(4000));
                }
            });
            // 200 pages stay far below the commit's own checkpoint threshold, so only the
            // background thread can move them into the file; wait for it, up to a generous bound.
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (Files.size(file) <= before && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.size(file)).isGreaterThan(before + 200 * 4000L);
        }
    }
}
