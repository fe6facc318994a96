package dev.annotask.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.InputIDConflictResolution;
import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL an upload draws its inputs' arrival numbers (seq) only once it holds its app's
 * lock, and holds it to its commit: so one app's inputs commit in seq order and a task's scan by
 * seq never passes one that commits late (docs/ARCHITECTURE.md). Shown by holding the lock in
 * another session while uploads wait for it: the sequence has not moved, whichever way the
 * upload is written (one statement committing alone, or the transaction that settles taken ids
 * and joins datasets).
 */
class UploadOrderTest {
    private static String url;
    private static Database database;
    private static InputStore inputs;

    @BeforeAll
    static void open() throws Exception {
        url = TestDatabases.newDatabase(SqlDialect.POSTGRESQL);
        database = Database.open(url, null, null, 4);
        inputs = new InputStore();
        try (Connection db = DriverManager.getConnection(url); Statement sql = db.createStatement()) {
            sql.execute("INSERT INTO users (id, created_at) VALUES ('u', 0)");
            sql.execute("INSERT INTO apps (uid, user_id, id, created_at, modified_at) VALUES ('app', 'u', 'a', 0, 0)");
            sql.execute("INSERT INTO datasets (app_uid, id, created_at, modified_at) VALUES ('app', 'd', 0, 0)");
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void anUploadAloneDrawsNoSeqBeforeTheAppLock() throws Exception {
        assertWaitsForTheLockBeforeDrawing(batch("alone", List.of()));
    }

    @Test
    void aSingleInputDrawsNoSeqBeforeTheAppLock() throws Exception {
        assertWaitsForTheLockBeforeDrawing(batch("single", List.of()).subList(0, 1));
    }

    @Test
    void anUploadJoiningADatasetDrawsNoSeqBeforeTheAppLock() throws Exception {
        assertWaitsForTheLockBeforeDrawing(batch("joining", List.of("d")));
    }

    @Test
    void anUploadWithATakenIdIsSettledAfterTheStatementFailsAndStillCountsRight() throws Exception {
        database.units().write(h -> inputs.insertAll(h, "app", batch("taken", List.of()), (b, taken) -> InputIds.resolve(b, taken,
                InputIDConflictResolution.SKIP)));
        List<InputStore.NewInput> again = new ArrayList<>(batch("taken", List.of()).subList(0, 2));
        again.addAll(batch("fresh", List.of()));
        List<InputStore.NewInput> stored = database.units().write(h -> inputs.insertAll(h, "app", again, (b, taken) -> InputIds.resolve(b, taken,
                InputIDConflictResolution.SKIP)));

        assertThat(stored).extracting(n -> n.input().id()).containsExactly("fresh-0", "fresh-1", "fresh-2");
        try (Connection db = DriverManager.getConnection(url); Statement sql = db.createStatement();
             ResultSet counts = sql.executeQuery("SELECT input_count, (SELECT COUNT(*) FROM inputs WHERE app_uid = 'app')"
                     + " FROM apps WHERE uid = 'app'")) {
            counts.next();
            assertThat(counts.getLong(1)).isEqualTo(counts.getLong(2));
        }
    }

    private static void assertWaitsForTheLockBeforeDrawing(List<InputStore.NewInput> batch) throws Exception {
        try (Connection holder = DriverManager.getConnection(url); Statement sql = holder.createStatement()) {
            holder.setAutoCommit(false);
            sql.executeUpdate("UPDATE apps SET input_count = input_count WHERE uid = 'app'");
            long before = lastSeq(sql);
            CompletableFuture<List<InputStore.NewInput>> upload = CompletableFuture.supplyAsync(() ->
                    database.units().write(h -> inputs.insertAll(h, "app", batch, (b, taken) -> InputIds.resolve(b, taken,
                            InputIDConflictResolution.INPUT_ID_CONFLICT_RESOLUTION_NOT_SET))));
            awaitWaitingForALock(sql);

            assertThat(lastSeq(sql)).as("no seq drawn while the lock is held elsewhere").isEqualTo(before);
            holder.commit();
            assertThat(upload.get(30, TimeUnit.SECONDS)).hasSize(batch.size());
            assertThat(lastSeq(sql)).isEqualTo(before + batch.size());
        }
    }

    /** Until another session of this database waits on a lock (bounded: 30 s). */
    private static void awaitWaitingForALock(Statement sql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (ResultSet waiting = sql.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")) {
                waiting.next();
                if (waiting.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the upload never waited for the app's lock");
    }

    /** The sequence's last value, which moves outside transactions (is_called: whether it was drawn at all). */
    private static long lastSeq(Statement sql) throws Exception {
        try (ResultSet seq = sql.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM inputs_seq_seq")) {
            seq.next();
            return seq.getLong(1);
        }
    }

    private static List<InputStore.NewInput> batch(String prefix, List<String> datasets) {
        List<InputStore.NewInput> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(new InputStore.NewInput(new Input("app", prefix + "-" + i, "{\"text\":{\"raw\":\"x\"}}", 0, 30000, 1, 1),
                    null, datasets));
        }
        return batch;
    }
}
