package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.SingleTaskCountResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Every worker strategy with every review strategy, end to end through HTTP, on both databases. */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class StrategyMatrixApiTest {
    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("matrix");
    }

    private Labeler labeler(String userId) {
        return app.labeler(userId);
    }

    private List<String> postInputs(int count) {
        return app.postInputs(count);
    }

    private String task(String worker, String review) {
        return app.task(worker, review);
    }

    private static Set<String> inputsOf(List<TaskAssignment> assignments) {
        return LabelingApp.inputsOf(assignments);
    }

    static Stream<Arguments> strategies() {
        String reviewers = ",\"user_ids\":[\"r1\"]";
        List<String> workers = List.of(
                "{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}",
                "{\"strategy\":\"PARTITIONED\",\"user_ids\":[\"w1\",\"w2\",\"w3\"],\"partitioned_strategy_info\":"
                        + "{\"type\":\"EVENLY\",\"workers_per_input\":2}}",
                "{\"strategy\":\"DYNAMIC\",\"user_ids\":[\"w1\",\"w2\",\"w3\"]}");
        List<String> reviews = List.of(
                "{\"strategy\":\"NONE\"}",
                "{\"strategy\":\"MANUAL\"" + reviewers + "}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold\":2}" + reviewers + "}");
        return workers.stream().flatMap(w -> reviews.stream().map(r -> Arguments.of(w, r)));
    }

    /**
     * Every worker strategy with every review strategy: the labelers work until nothing is
     * left (w1 always says cat, the others dog, so consensus needs review where they meet),
     * the reviewer approves whatever reaches them, and the task ends DONE with every input's
     * labels final and the counts adding up.
     */
    @ParameterizedTest
    @MethodSource("strategies")
    void everyStrategyCombinationRunsToCompletion(String worker, String review) {
        List<String> inputs = postInputs(12);
        String taskId = task(worker, review);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (String w : List.of("w1", "w2", "w3")) {
                if (!worker.contains("\"" + w + "\"")) {
                    continue;
                }
                List<TaskAssignment> batch = labeler(w).start(taskId);
                if (!batch.isEmpty()) {
                    labeler(w).labelBatch(taskId, batch, w.equals("w1") ? "cat" : "dog");
                    progress = true;
                }
            }
            if (!review.contains("NONE")) {
                for (List<TaskAssignment> queue = reviewStart(taskId); !queue.isEmpty(); queue = reviewStart(taskId)) {
                    String ids = queue.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
                    var approved = labeler("r1").put(taskId, "{\"action\":\"REVIEW_APPROVE\",\"review_approve_config\":"
                            + "{\"task_assignments\":[" + ids + "]}}");
                    assertThat(approved.code()).as(approved.body()).isEqualTo(10000);
                    progress = true;
                }
            }
        }
        var task = app.call("GET", "/v2/tasks/" + taskId + "?additional_fields=all", null,
                SingleTaskResponse.getDefaultInstance()).message().getTask();
        assertThat(task.getStatus().getCodeValue()).as("the task completes by itself").isEqualTo(54002);
        assertThat(task.getMetrics().getReview().getInputsCountEstimated()).isEqualTo(inputs.size());
        assertThat(task.getMetrics().getReview().getInputsPercentEstimated()).isEqualTo(100);

        var annotations = app.call("GET", "/v2/annotations?per_page=1000&task_id=" + taskId, null,
                MultiAnnotationResponse.getDefaultInstance()).message().getAnnotationsList();
        Map<String, Long> perInput = annotations.stream().collect(Collectors.groupingBy(a -> a.getInputId(),
                Collectors.counting()));
        assertThat(perInput.keySet()).containsExactlyInAnyOrderElementsOf(inputs);
        long expectedPerInput = worker.contains("FULL") || worker.contains("PARTITIONED") ? 2 : review.contains("CONSENSUS") ? 2 : 1;
        assertThat(perInput.values()).as("labelings per input").allMatch(n -> n <= expectedPerInput);
        if (!review.contains("CONSENSUS")) {
            assertThat(perInput.values()).allMatch(n -> n == expectedPerInput);
        }
        assertThat(annotations).as("every label is final: approved, or outvoted by consensus")
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isIn(24150, 24158));

        var counts = app.call("GET", "/v2/tasks/" + taskId + "/annotations/count", null,
                SingleTaskCountResponse.getDefaultInstance()).message();
        long counted = counts.getCountsList().stream().mapToLong(c -> c.getSuccess() + c.getReviewDenied()).sum();
        assertThat(counted).isEqualTo(annotations.size());
        assertThat(counts.getCountsList()).allSatisfy(c -> assertThat(c.getPending() + c.getAwaitingReview()
                + c.getAwaitingConsensusReview()).isZero());
    }

    private List<TaskAssignment> reviewStart(String taskId) {
        var reply = labeler("r1").put(taskId, "{\"action\":\"REVIEW_START\"}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTaskAssignmentsList();
    }
}
