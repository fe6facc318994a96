package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.identity.Bootstrap;
import dev.annotask.identity.KeyHasher;
import dev.annotask.identity.KeyStore;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestDatabases;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several nodes starting at the same moment on one empty PostgreSQL database: each migrates
 * (Flyway's lock lets one do the work, the others find it done) and bootstraps (one creates
 * the admin and its token, the others create nothing), and none fails.
 */
class ConcurrentStartTest {
    private static final int NODES = 4;

    @Test
    void nodesStartingAtOnceMigrateOnceAndCreateOneAdmin() throws Exception {
        String url = TestDatabases.newDatabase(SqlDialect.POSTGRESQL);
        CyclicBarrier migrating = new CyclicBarrier(NODES);
        CyclicBarrier bootstrapping = new CyclicBarrier(NODES);
        ExecutorService nodes = Executors.newFixedThreadPool(NODES);
        List<Database> opened = new ArrayList<>();
        try {
            List<Future<Optional<String>>> started = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                started.add(nodes.submit(() -> {
                    migrating.await(30, TimeUnit.SECONDS);
                    Database database = Database.open(url, null, null, 2);
                    synchronized (opened) {
                        opened.add(database);
                    }
                    // Migration serialises the nodes; meet again so that they all find no admin at once.
                    bootstrapping.await(60, TimeUnit.SECONDS);
                    KeyStore keys = new KeyStore(KeyHasher.forDatabase(database.jdbi()));
                    return new Bootstrap(database.jdbi(), keys, Clock.systemUTC()).run(RunningServer.ADMIN_TOKEN, t -> { });
                }));
            }
            List<Optional<String>> tokens = new ArrayList<>();
            for (Future<Optional<String>> node : started) {
                tokens.add(node.get(120, TimeUnit.SECONDS));
            }
            assertThat(tokens).filteredOn(Optional::isPresent).hasSize(1);

            opened.get(0).jdbi().useHandle(handle -> {
                assertThat(handle.createQuery("SELECT COUNT(*) AS n FROM users").mapTo(Long.class).one()).isEqualTo(1);
                assertThat(handle.createQuery("SELECT COUNT(*) AS n FROM api_keys").mapTo(Long.class).one()).isEqualTo(1);
                assertThat(handle.createQuery("""
                                SELECT COUNT(*) AS n FROM flyway_schema_history WHERE success AND version IS NOT NULL
                                GROUP BY version HAVING COUNT(*) > 1""").mapTo(Long.class).list())
                        .as("no migration ran twice").isEmpty();
                assertThat(handle.createQuery("SELECT COUNT(*) AS n FROM flyway_schema_history WHERE version = '3'")
                        .mapTo(Long.class).one()).isEqualTo(1);
            });
        } finally {
            nodes.shutdownNow();
            opened.forEach(Database::close);
        }
    }
}
