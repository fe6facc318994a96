package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.RunningServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 32 labelers at once, until the work runs out: every input ends with exactly the number of
 * labelings its task needs, never more, on SQLite and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class ConcurrentLabelingApiTest {
    private static final int LABELERS = 32;
    private static final int INPUTS = 120;

    @Parameter
    SqlDialect dialect;

    private static RunningServer server;
    private static String ownerToken;
    private static final Map<String, String> tokens = new HashMap<>();
    private static int apps;

    private DataFixtures app;
    private final List<Labeler> labelers = new ArrayList<>();

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        server = RunningServer.start(dialect);
        Fixtures fixtures = new Fixtures(server.client());
        ownerToken = fixtures.createUserWithToken("owner");
        tokens.clear();
        for (int i = 0; i < LABELERS; i++) {
            tokens.put("l" + i, fixtures.createUserWithToken("l" + i));
        }
        fixtures.createUser("r1");
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    /** Each test a fresh app of its own, with every labeler and r1 as collaborators. */
    @BeforeEach
    void setUp() {
        app = DataFixtures.newApp(server.client(), "owner", ownerToken, "crowd" + (++apps));
        app.postConcepts("cat");
        app.addCollaborators(ownerToken, tokens.keySet().toArray(String[]::new));
        app.addCollaborators(ownerToken, "r1");
        tokens.forEach((user, token) -> labelers.add(new Labeler(server.client(), user, token, app)));
        for (int from = 0; from < INPUTS; from += 100) {
            app.postTextInputs(IntStream.range(from, Math.min(from + 100, INPUTS)).mapToObj(i -> "in" + i)
                    .toArray(String[]::new));
        }
    }

    private String workersJson() {
        return labelers.stream().map(l -> "\"" + l.userId() + "\"").collect(Collectors.joining(","));
    }

    @Test
    void partitionedTwoPerInputNeverExceedsTwo() throws Exception {
        String taskId = app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"PARTITIONED\","
                + "\"user_ids\":[" + workersJson() + "],\"partitioned_strategy_info\":{\"type\":\"EVENLY\","
                + "\"workers_per_input\":2}},\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"ALL_INPUTS\"},"
                + "\"review\":{\"strategy\":\"NONE\"}}").getId();
        runAll(taskId);
        assertEveryInputLabeledExactly(taskId, 2);
    }

    @Test
    void dynamicConsensusOfTwoNeverHandsAnInputToMoreThanTwo() throws Exception {
        String taskId = app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"DYNAMIC\","
                + "\"user_ids\":[" + workersJson() + "]},\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"ALL_INPUTS\"},"
                + "\"review\":{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold\":2},"
                + "\"user_ids\":[\"r1\"]}}").getId();
        runAll(taskId);
        assertEveryInputLabeledExactly(taskId, 2);
    }

    /** Every labeler, in its own thread: take a batch, label it, turn it in, until nothing is left. */
    private void runAll(String taskId) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(LABELERS);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (Labeler labeler : labelers) {
                done.add(pool.submit(() -> {
                    int labeled = 0;
                    for (List<TaskAssignment> batch = labeler.start(taskId); !batch.isEmpty();
                         batch = labeler.start(taskId)) {
                        labeler.labelBatch(taskId, batch, "cat");
                        labeled += batch.size();
                    }
                    return labeled;
                }));
            }
            int total = 0;
            for (Future<Integer> future : done) {
                total += future.get();
            }
            assertThat(total).isEqualTo(INPUTS * 2);
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertEveryInputLabeledExactly(String taskId, int k) {
        List<Annotation> annotations = app.call("GET", "/v2/annotations?per_page=1000&task_id=" + taskId, null,
                MultiAnnotationResponse.getDefaultInstance()).message().getAnnotationsList();
        Map<String, Long> perInput = annotations.stream()
                .collect(Collectors.groupingBy(Annotation::getInputId, Collectors.counting()));
        assertThat(perInput).hasSize(INPUTS);
        assertThat(perInput.values()).allMatch(count -> count == k);
        Map<String, Long> distinctUsers = annotations.stream().collect(Collectors.groupingBy(Annotation::getInputId,
                Collectors.mapping(Annotation::getUserId, Collectors.collectingAndThen(Collectors.toSet(), s -> (long) s.size()))));
        assertThat(distinctUsers.values()).allMatch(count -> count == k);
    }
}
