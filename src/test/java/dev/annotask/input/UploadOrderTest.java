package dev.annotask.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.annotask.api.ApiException;
import dev.annotask.identity.App;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Image;
import dev.annotask.proto.api.InputIDConflictResolution;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.Text;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import dev.annotask.task.TaskStore;
import dev.annotask.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Uploads as PostInputs runs them: prepared outside the transaction, then one write unit.
 *
 * <p>On PostgreSQL an upload draws its inputs' arrival numbers (seq) only once it holds its
 * app's lock, and holds it to its commit: so one app's inputs commit in seq order and a task's
 * scan by seq never passes one that commits late (docs/ARCHITECTURE.md, "Uploads"). Shown by
 * holding the lock in another session while an upload waits for it: the sequence has not
 * moved, one input or many, alone, with bytes or joining a dataset. (SQLite's one writer runs
 * one upload at a time whatever the statements do.) On both databases: an upload stopped by a
 * taken id or an unknown dataset is settled the slow way in the same transaction, and the
 * counters agree with the rows.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class UploadOrderTest {
    private static final App APP = new App("app", "u", "a", "", "", "", "", "{}", 0, 0);

    @Parameter
    SqlDialect dialect;

    private static String url;
    private static Database database;
    private static PostInputs postInputs;

    @BeforeParameterizedClassInvocation
    static void open(SqlDialect dialect) throws Exception {
        url = TestDatabases.newDatabase(dialect);
        database = Database.open(url, null, null, 4);
        TaskStore tasks = new TaskStore();
        postInputs = new PostInputs(new InputStore(), Clock.systemUTC(), tasks::reopenCompleted,
                new InputWire(new HostedUrls(() -> "http://annotask.test")), UrlFetching.OFF,
                dev.annotask.event.Events.none());
        try (Connection db = DriverManager.getConnection(url); Statement sql = db.createStatement()) {
            sql.execute("INSERT INTO users (id, created_at) VALUES ('u', 0)");
            sql.execute("INSERT INTO apps (uid, user_id, id, created_at, modified_at) VALUES ('app', 'u', 'a', 0, 0)");
            sql.execute("INSERT INTO datasets (app_uid, id, created_at, modified_at) VALUES ('app', 'd', 0, 0)");
        }
    }

    @AfterParameterizedClassInvocation
    static void close() {
        database.close();
    }

    @Test
    void anUploadAloneDrawsNoSeqBeforeTheAppLock() throws Exception {
        assertWaitsForTheLockBeforeDrawing(request("alone", 3, false, List.of()));
    }

    @Test
    void aSingleInputDrawsNoSeqBeforeTheAppLock() throws Exception {
        assertWaitsForTheLockBeforeDrawing(request("single", 1, false, List.of()));
    }

    @Test
    void anUploadWithBytesDrawsNoSeqBeforeTheAppLock() throws Exception {
        assertWaitsForTheLockBeforeDrawing(request("bytes", 3, true, List.of()));
    }

    @Test
    void anUploadJoiningADatasetDrawsNoSeqBeforeTheAppLock() throws Exception {
        assertWaitsForTheLockBeforeDrawing(request("joining", 3, false, List.of("d")));
    }

    @Test
    void takenIdsAreSettledInTheSameTransactionAndTheCountsAgree() throws Exception {
        post(request("taken", 3, true, List.of("d")));
        PostInputsRequest again = request("taken", 2, true, List.of("d")).toBuilder()
                .addAllInputs(request("fresh", 3, true, List.of("d")).getInputsList())
                .setInputIdConflictResolution(InputIDConflictResolution.SKIP).build();

        MultiInputResponse answer = post(again);

        assertThat(answer.getInputsList()).extracting(i -> i.getId())
                .containsExactly("taken-0", "taken-1", "fresh-0", "fresh-1", "fresh-2");
        assertThat(answer.getInputs(2).getDatasetIdsList()).containsExactly("d");
        assertThat(query("SELECT COUNT(*) FROM input_bytes WHERE input_id LIKE 'fresh-%'")).isEqualTo(3);
        assertCountsAgree();
    }

    @Test
    void anUnknownDatasetIsRefusedAfterTheStatementsStopAndNothingIsLeft() throws Exception {
        long before = query("SELECT COUNT(*) FROM inputs");

        assertThatThrownBy(() -> post(request("lost", 3, true, List.of("d", "nope"))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.CONN_INVALID_REQUEST);
                    assertThat(e.details()).contains("inputs[0].dataset_ids", "'nope'");
                });

        assertThat(query("SELECT COUNT(*) FROM inputs")).isEqualTo(before);
        assertThat(query("SELECT COUNT(*) FROM input_bytes WHERE input_id LIKE 'lost-%'")).isZero();
        assertCountsAgree();
    }

    @Test
    void anIdTakenWithoutAResolutionIsADuplicateKeyAndNothingIsLeft() throws Exception {
        post(request("once", 1, false, List.of()));
        long before = query("SELECT COUNT(*) FROM inputs");

        assertThatThrownBy(() -> post(request("once", 2, false, List.of("d"))))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo(StatusCode.DATABASE_DUPLICATE_KEY));

        assertThat(query("SELECT COUNT(*) FROM inputs")).isEqualTo(before);
        assertCountsAgree();
    }

    private void assertWaitsForTheLockBeforeDrawing(PostInputsRequest request) throws Exception {
        assumeTrue(dialect == SqlDialect.POSTGRESQL, "row locks and a sequence outside transactions: PostgreSQL's");
        try (Connection holder = DriverManager.getConnection(url); Statement sql = holder.createStatement()) {
            holder.setAutoCommit(false);
            sql.executeUpdate("UPDATE apps SET input_count = input_count WHERE uid = 'app'");
            long before = lastSeq(sql);
            CompletableFuture<MultiInputResponse> upload = CompletableFuture.supplyAsync(() -> post(request));
            awaitWaitingForALock(sql);

            assertThat(lastSeq(sql)).as("no seq drawn while the lock is held elsewhere").isEqualTo(before);
            holder.commit();
            assertThat(upload.get(30, TimeUnit.SECONDS).getInputsCount()).isEqualTo(request.getInputsCount());
            assertThat(lastSeq(sql)).isEqualTo(before + request.getInputsCount());
        }
        assertCountsAgree();
    }

    private static MultiInputResponse post(PostInputsRequest request) {
        Caller caller = new Caller(null, null, "u", APP, Set.of());
        return database.units().write(postInputs.prepare(caller, request));
    }

    private static void assertCountsAgree() throws Exception {
        assertThat(query("SELECT input_count FROM apps WHERE uid = 'app'"))
                .isEqualTo(query("SELECT COUNT(*) FROM inputs WHERE app_uid = 'app'"));
        assertThat(query("SELECT input_count FROM datasets WHERE id = 'd'"))
                .isEqualTo(query("SELECT COUNT(*) FROM dataset_inputs WHERE dataset_id = 'd'"));
        assertThat(query("SELECT COUNT(DISTINCT input_seq) FROM dataset_inputs WHERE dataset_id = 'd'"))
                .as("every member has a place of its own")
                .isEqualTo(query("SELECT COUNT(*) FROM dataset_inputs WHERE dataset_id = 'd'"));
    }

    private static long query(String select) throws Exception {
        try (Connection db = DriverManager.getConnection(url); Statement sql = db.createStatement();
             ResultSet result = sql.executeQuery(select)) {
            result.next();
            return result.getLong(1);
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

    private static PostInputsRequest request(String prefix, int count, boolean bytes, List<String> datasets) {
        PostInputsRequest.Builder request = PostInputsRequest.newBuilder();
        for (int i = 0; i < count; i++) {
            Data data = bytes
                    ? Data.newBuilder().setImage(Image.newBuilder().setBase64(ByteString.copyFromUtf8("bytes " + i))).build()
                    : Data.newBuilder().setText(Text.newBuilder().setRaw("x")).build();
            request.addInputsBuilder().setId(prefix + "-" + i).setData(data).addAllDatasetIds(datasets);
        }
        return request.build();
    }
}
