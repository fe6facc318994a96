package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.annotask.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SQLite's writer thread: many requests' units commit together, and a unit that fails inside
 * a group rolls back alone, whatever it wrote before failing, while the rest of its group
 * commits. The writer is held by a first unit until every other unit is queued, so the group
 * is the same on every run.
 */
class GroupCommitTest {
    private static final int UNITS = 40;

    private Database database;
    private ExecutorService callers;

    @BeforeEach
    void open() {
        database = Database.open(TestDatabases.newDatabase(SqlDialect.SQLITE), null, null, 0, Duration.ofSeconds(30));
        callers = Executors.newFixedThreadPool(UNITS + 1);
    }

    @AfterEach
    void close() throws InterruptedException {
        callers.shutdownNow();
        callers.awaitTermination(30, TimeUnit.SECONDS);
        database.close();
    }

    @Test
    void failingUnitsRollBackAloneAndTheRestOfTheirGroupCommitsOnce() throws Exception {
        GroupCommit writer = writer();
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = callers.submit(() -> database.units().write(handle -> {
            insertUser(handle, "holder");
            await(release);
            return null;
        }));
        awaitRunning(writer, 1);

        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < UNITS; i++) {
            String id = "user" + i;
            int kind = i % 4;
            outcomes.add(callers.submit(() -> database.units().write(handle -> {
                insertUser(handle, id);
                switch (kind) {
                    case 1 -> throw new IllegalStateException("refused after writing " + id);
                    case 2 -> insertUser(handle, "holder"); // a unique-key violation on the database
                    default -> insertUser(handle, id + "-second");
                }
                return id;
            })));
        }
        awaitQueued(writer, UNITS);
        long commitsBefore = writer.commits();
        release.countDown();
        holder.get(30, TimeUnit.SECONDS);

        List<String> committed = new ArrayList<>();
        int refused = 0;
        int duplicates = 0;
        for (int i = 0; i < UNITS; i++) {
            Throwable failure = catchThrowable(outcomes.get(i)::get);
            switch (i % 4) {
                case 1 -> {
                    assertThat(failure).hasRootCauseInstanceOf(IllegalStateException.class);
                    refused++;
                }
                case 2 -> {
                    assertThat(StoreFailures.isUniqueViolation(failure)).as("unit %d", i).isTrue();
                    duplicates++;
                }
                default -> {
                    assertThat(failure).isNull();
                    committed.add("user" + i);
                    committed.add("user" + i + "-second");
                }
            }
        }
        assertThat(refused).isEqualTo(UNITS / 4);
        assertThat(duplicates).isEqualTo(UNITS / 4);

        List<String> stored = database.jdbi().withHandle(handle ->
                handle.createQuery("SELECT id FROM users WHERE id <> 'holder' ORDER BY id").mapTo(String.class).list());
        assertThat(stored).containsExactlyInAnyOrderElementsOf(committed);
        // The holder's group, then every queued unit in one more commit (at most 64 a group).
        assertThat(writer.commits() - commitsBefore).isEqualTo(2);
        assertThat(writer.units()).isEqualTo(UNITS + 1);
    }

    @Test
    void aUnitWhoseCallerGaveUpWaitingNeverRuns() throws Exception {
        database.close();
        database = Database.open(TestDatabases.newDatabase(SqlDialect.SQLITE), null, null, 0, Duration.ofSeconds(1));
        GroupCommit writer = writer();
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = callers.submit(() -> database.units().write(handle -> {
            await(release);
            return null;
        }));
        awaitRunning(writer, 1);

        Throwable timedOut = catchThrowable(() -> database.units().write(handle -> insertUser(handle, "late")));
        release.countDown();
        holder.get(30, TimeUnit.SECONDS);
        database.units().write(handle -> insertUser(handle, "after"));

        assertThat(StoreFailures.isTimeout(timedOut)).isTrue();
        List<String> stored = database.jdbi().withHandle(handle ->
                handle.createQuery("SELECT id FROM users ORDER BY id").mapTo(String.class).list());
        assertThat(stored).containsExactly("after");
    }

    @Test
    void readsSeeOneSnapshotAndNeverWaitForTheWriter() throws Exception {
        database.units().write(handle -> insertUser(handle, "before"));
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = callers.submit(() -> database.units().write(handle -> {
            insertUser(handle, "uncommitted");
            await(release);
            return null;
        }));
        awaitRunning(writer(), 2);

        Set<String> seen = database.units().read(handle ->
                Set.copyOf(handle.createQuery("SELECT id FROM users").mapTo(String.class).list()));
        release.countDown();
        holder.get(30, TimeUnit.SECONDS);

        assertThat(seen).containsExactly("before");
    }

    private GroupCommit writer() {
        return database.groupCommit();
    }

    private static Integer insertUser(org.jdbi.v3.core.Handle handle, String id) {
        return handle.createUpdate("INSERT INTO users (id, created_at) VALUES (:id, 1)")
                .bind("id", id).execute();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits (bounded) until the writer has started this many units in all. */
    private static void awaitRunning(GroupCommit writer, long units) throws InterruptedException {
        for (int i = 0; i < 3_000 && writer.units() < units; i++) {
            Thread.sleep(10);
        }
        assertThat(writer.units()).isEqualTo(units);
    }

    /** Waits (bounded) until this many units wait in the writer's queue. */
    private static void awaitQueued(GroupCommit writer, int queued) throws InterruptedException {
        for (int i = 0; i < 3_000 && writer.queued() < queued; i++) {
            Thread.sleep(10);
        }
        assertThat(writer.queued()).isEqualTo(queued);
    }
}
