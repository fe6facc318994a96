package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.RunningServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many labelers of one task at once, with no lock on the task's row (docs/ARCHITECTURE.md,
 * "Locks on the labeling path"): every input gets exactly k labelers, the per-worker counters
 * add up to what the slot rows say, and a task whose last inputs settle in concurrent
 * LABEL_SUBMITs completes. On SQLite the same holds with its single writer.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class NoTaskLockLabelingApiTest {
    private static final int LABELERS = 16;
    private static final int INPUTS = 32;

    @Parameter
    SqlDialect dialect;

    private static RunningServer server;
    private static DataFixtures app;
    private static final List<Labeler> labelers = new ArrayList<>();

    @BeforeParameterizedClassInvocation
    static void start(SqlDialect dialect) {
        server = RunningServer.start(dialect);
        Fixtures fixtures = new Fixtures(server.client());
        String ownerToken = fixtures.createUserWithToken("owner");
        app = DataFixtures.newApp(server.client(), "owner", ownerToken, "crowd");
        app.postConcepts("cat");
        labelers.clear();
        for (int i = 0; i < LABELERS; i++) {
            String userId = "l" + i;
            String token = fixtures.createUserWithToken(userId);
            app.addCollaborators(ownerToken, userId);
            labelers.add(new Labeler(server.client(), userId, token, app));
        }
        app.postTextInputs(IntStream.range(0, INPUTS).mapToObj(i -> "in" + i).toArray(String[]::new));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void manyLabelersAtOnceGiveEveryInputExactlyKAndLoseNoCount() throws Exception {
        String taskId = postTask("PARTITIONED", ",\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":3}");
        List<Callable<Void>> work = new ArrayList<>();
        for (Labeler labeler : labelers) {
            work.add(() -> {
                for (int round = 0; round < INPUTS; round++) {
                    List<TaskAssignment> batch = labeler.start(taskId);
                    if (batch.isEmpty()) {
                        return null;
                    }
                    labeler.labelBatch(taskId, batch, "cat");
                }
                throw new AssertionError(labeler.userId() + " still gets work after " + INPUTS + " batches");
            });
        }
        runTogether(work);

        Map<String, Long> labelersPerInput = query(handle -> handle.createQuery("""
                        SELECT input_id, COUNT(*) AS n FROM task_assignments WHERE task_id = :task GROUP BY input_id""")
                .bind("task", taskId).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).list()
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(labelersPerInput).hasSize(INPUTS);
        assertThat(labelersPerInput.values()).allMatch(n -> n == 3);
        assertCountersMatchSlotRows(taskId);
        assertDone(taskId);
    }

    /**
     * Each round every labeler holds a share of a fresh task's inputs, and all turn their work
     * in at the same moment, so the task's last inputs settle in concurrent transactions that
     * cannot see each other's: the task must complete every time.
     */
    @Test
    void lastInputsSettledConcurrentlyCompleteTheTask() throws Exception {
        for (int round = 0; round < 4; round++) {
            String taskId = postTask("PARTITIONED", ",\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":1}");
            List<List<TaskAssignment>> held = new ArrayList<>();
            int taken = 0;
            for (Labeler labeler : labelers) {
                List<TaskAssignment> batch = labeler.start(taskId);
                for (TaskAssignment assignment : batch) {
                    var posted = labeler.classify(taskId, assignment.getInput().getId(), "cat");
                    assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
                }
                held.add(batch);
                taken += batch.size();
            }
            assertThat(taken).as("every input is held before anyone turns work in").isEqualTo(INPUTS);
            List<Callable<Void>> submits = new ArrayList<>();
            for (int i = 0; i < LABELERS; i++) {
                Labeler labeler = labelers.get(i);
                List<TaskAssignment> batch = held.get(i);
                submits.add(() -> {
                    if (!batch.isEmpty()) {
                        var reply = labeler.submit(taskId, batch);
                        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
                    }
                    return null;
                });
            }
            runTogether(submits);
            assertCountersMatchSlotRows(taskId);
            assertDone(taskId);
        }
    }

    private String postTask(String strategy, String info) {
        String workers = labelers.stream().map(l -> "\"" + l.userId() + "\"").collect(Collectors.joining(","));
        return app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"" + strategy + "\","
                + "\"user_ids\":[" + workers + "]" + info + "},\"concept_ids\":[\"cat\"],"
                + "\"input_source\":{\"type\":\"ALL_INPUTS\"},\"review\":{\"strategy\":\"NONE\"}}").getId();
    }

    /** Runs the calls in as many threads, released at once; rethrows the first failure. */
    private static void runTogether(List<Callable<Void>> calls) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(calls.size());
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (Callable<Void> call : calls) {
                running.add(pool.submit(() -> {
                    barrier.await(60, TimeUnit.SECONDS);
                    return call.call();
                }));
            }
            for (Future<Void> future : running) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The per-worker counter rows summed equal what the task's slot rows say, input by input. */
    private static void assertCountersMatchSlotRows(String taskId) {
        List<Long> summed = query(handle -> handle.createQuery("""
                        SELECT COALESCE(SUM(taken), 0), COALESCE(SUM(worked), 0), COALESCE(SUM(settled), 0)
                        FROM task_progress WHERE task_id = :task""")
                .bind("task", taskId).map((rs, ctx) -> List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3))).one());
        List<Long> rows = query(handle -> handle.createQuery("""
                        SELECT COUNT(*) FILTER (WHERE claimed > 0 OR settled), COUNT(*) FILTER (WHERE worked),
                               COUNT(*) FILTER (WHERE settled)
                        FROM task_inputs WHERE task_id = :task""")
                .bind("task", taskId).map((rs, ctx) -> List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3))).one());
        assertThat(summed).as("taken, worked, settled").isEqualTo(rows).containsExactly((long) INPUTS, (long) INPUTS,
                (long) INPUTS);
    }

    private static void assertDone(String taskId) {
        var reply = app.call("GET", "/v2/tasks/" + taskId + "?additional_fields=all", null,
                SingleTaskResponse.getDefaultInstance());
        Task task = reply.message().getTask();
        assertThat(task.getStatus().getCode()).as(reply.body()).isEqualTo(StatusCode.TASK_DONE);
        assertThat(task.getMetrics().getReview().getInputsPercentEstimated()).isEqualTo(100);
        assertThat(task.getMetrics().getWork().getInputsCountEstimated()).isEqualTo(INPUTS);
    }

    private static <T> T query(java.util.function.Function<Handle, T> read) {
        return server.server().database().jdbi().withHandle(read::apply);
    }
}
