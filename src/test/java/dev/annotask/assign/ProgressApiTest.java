package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiInputAnnotationResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.SingleTaskCountResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskStatusCountPerUser;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Counts, metrics, completion and rebalancing through HTTP, on both databases. */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class ProgressApiTest {
    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("progress");
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

    private TaskStatusCountPerUser countOf(SingleTaskCountResponse counts, String user) {
        return counts.getCountsList().stream().filter(c -> c.getUserId().equals(user)).findFirst().orElseThrow();
    }

    private Task taskWithMetrics(String taskId) {
        var reply = app.call("GET", "/v2/tasks/" + taskId + "?additional_fields=all", null,
                SingleTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTask();
    }

    @Test
    void countsAndMetricsMatchWhatTheLabelersDid() {
        postInputs(3);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        List<TaskAssignment> w2 = labeler("w2").start(taskId);
        labeler("w2").labelBatch(taskId, w2.subList(0, 1), "dog");

        var inputCounts = app.call("GET", "/v2/tasks/" + taskId + "/inputs/count", null,
                SingleTaskCountResponse.getDefaultInstance());
        assertThat(inputCounts.code()).isEqualTo(10000);
        assertThat(countOf(inputCounts.message(), "w1").getSuccess()).isEqualTo(3);
        assertThat(countOf(inputCounts.message(), "w2").getSuccess()).isEqualTo(1);
        assertThat(countOf(inputCounts.message(), "w2").getPending()).isEqualTo(2);
        assertThat(inputCounts.body()).contains("\"review_denied\":0").contains("\"awaiting_consensus_review\":0");

        var annotationCounts = app.call("GET", "/v2/tasks/" + taskId + "/annotations/count?user_ids=w2", null,
                SingleTaskCountResponse.getDefaultInstance());
        assertThat(annotationCounts.message().getCountsList()).singleElement()
                .satisfies(c -> assertThat(c.getSuccess()).isEqualTo(1));

        Task task = taskWithMetrics(taskId);
        assertThat(task.getMetrics().getInputSource().getInputsCountEstimated()).isEqualTo(3);
        assertThat(task.getMetrics().getWork().getInputsCountEstimated()).isEqualTo(3);
        assertThat(task.getMetrics().getWork().getInputsPercentEstimated()).isEqualTo(100);
        assertThat(task.getMetrics().getReview().getInputsCountEstimated()).as("only one input has both labels").isEqualTo(1);
        assertThat(task.getMetrics().getReview().getInputsPercentEstimated()).isEqualTo(33);
        assertThat(task.getStatus().getCodeValue()).isEqualTo(54001);

        var samples = app.call("GET", "/v2/tasks/" + taskId + "/inputs/samples?user_ids=w2", null,
                MultiInputAnnotationResponse.getDefaultInstance());
        assertThat(samples.message().getHitsList()).singleElement()
                .satisfies(h -> assertThat(h.getAnnotation().getUserId()).isEqualTo("w2"));
    }

    @Test
    void taskCompletesByItselfAndReopensWhenInputsJoin() {
        postInputs(2);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        assertThat(taskWithMetrics(taskId).getStatus().getCodeValue()).isEqualTo(54002);
        assertThat(labeler("w1").start(taskId)).as("a closed task hands out nothing").isEmpty();

        app.data().postTextInputs("late");
        assertThat(taskWithMetrics(taskId).getStatus().getCodeValue()).isEqualTo(54001);
        List<TaskAssignment> late = labeler("w1").start(taskId);
        assertThat(late).extracting(a -> a.getInput().getId()).containsExactly("late");
        labeler("w1").labelBatch(taskId, late, "dog");
        assertThat(taskWithMetrics(taskId).getStatus().getCodeValue()).isEqualTo(54002);
    }

    @Test
    void aWorkerRemovedMidTaskLosesUnfinishedWorkToTheOthers() {
        List<String> inputs = postInputs(20);
        String partitioned = "\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":1}";
        String taskId = task("{\"strategy\":\"PARTITIONED\",\"user_ids\":[\"w1\",\"w2\"]," + partitioned + "}",
                "{\"strategy\":\"NONE\"}");
        List<TaskAssignment> w2Held = labeler("w2").start(taskId);
        assertThat(w2Held).isNotEmpty();
        Set<String> done = new HashSet<>(inputsOf(labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat")));

        var patched = app.call("PATCH", "/v2/tasks", "{\"action\":\"overwrite\",\"tasks\":[{\"id\":\"" + taskId
                + "\",\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"PARTITIONED\",\"user_ids\":"
                + "[\"w1\",\"w3\"]," + partitioned + "},\"concept_ids\":[\"cat\",\"dog\"],\"input_source\":"
                + "{\"type\":\"ALL_INPUTS\"},\"review\":{\"strategy\":\"NONE\"}}]}", MultiTaskResponse.getDefaultInstance());
        assertThat(patched.code()).as(patched.body()).isEqualTo(10000);
        assertThat(labeler("w2").put(taskId, "{\"action\":\"LABEL_START\"}").code()).isEqualTo(54103);

        Map<String, Integer> labeledBy = new HashMap<>();
        for (String worker : List.of("w1", "w3")) {
            for (List<TaskAssignment> b = labeler(worker).start(taskId); !b.isEmpty(); b = labeler(worker).start(taskId)) {
                for (TaskAssignment a : labeler(worker).labelBatch(taskId, b, "cat")) {
                    labeledBy.merge(a.getInput().getId(), 1, Integer::sum);
                }
            }
        }
        done.forEach(input -> labeledBy.merge(input, 1, Integer::sum));
        assertThat(labeledBy.keySet()).containsExactlyInAnyOrderElementsOf(inputs);
        assertThat(labeledBy.values()).as("finished work kept, nothing labeled twice").containsOnly(1);
        assertThat(inputsOf(w2Held)).as("w2's unfinished inputs went to the others").isSubsetOf(labeledBy.keySet());
        assertThat(taskWithMetrics(taskId).getStatus().getCodeValue()).isEqualTo(54002);
    }

    @Test
    void anOverwriteNeedingFewerLabelersSettlesWhatIsNowEnoughAndCompletes() {
        postInputs(3);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        assertThat(labeler("w2").start(taskId)).hasSize(3);
        assertThat(taskWithMetrics(taskId).getStatus().getCodeValue()).isEqualTo(54001);

        var patched = app.call("PATCH", "/v2/tasks", "{\"action\":\"overwrite\",\"tasks\":[{\"id\":\"" + taskId
                + "\",\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]},"
                + "\"concept_ids\":[\"cat\",\"dog\"],\"input_source\":{\"type\":\"ALL_INPUTS\"},"
                + "\"review\":{\"strategy\":\"NONE\"}}]}", MultiTaskResponse.getDefaultInstance());

        assertThat(patched.code()).as(patched.body()).isEqualTo(10000);
        Task task = taskWithMetrics(taskId);
        assertThat(task.getStatus().getCodeValue()).as("w1's labels are all the new definition asks for").isEqualTo(54002);
        assertThat(task.getMetrics().getReview().getInputsPercentEstimated()).isEqualTo(100);
    }
    @Test
    void anOverwriteWithoutReviewMakesWorkAwaitingReviewOrConsensusFinal() {
        postInputs(2);
        String manual = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        String consensus = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold_labelers\":2},"
                        + "\"user_ids\":[\"r1\"]}");
        assertThat(labeler("w1").labelBatch(manual, labeler("w1").start(manual), "cat"))
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(54202));
        assertThat(labeler("w1").labelBatch(consensus, labeler("w1").start(consensus), "cat"))
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(54203));
        assertThat(labeler("r1").put(manual, "{\"action\":\"REVIEW_START\"}").message().getTaskAssignmentsList())
                .as("r1 holds the work awaiting review").hasSize(2);

        for (String taskId : List.of(manual, consensus)) {
            overwrite(taskId, "{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
            assertThat(taskWithMetrics(taskId).getStatus().getCodeValue()).as("nobody is left to decide: done")
                    .isEqualTo(54002);
            assertThat(app.call("GET", "/v2/annotations?per_page=100&task_id=" + taskId, null,
                    MultiAnnotationResponse.getDefaultInstance()).message().getAnnotationsList())
                    .hasSize(2).allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(24150));
        }
    }

    @Test
    void anOverwriteFromConsensusToManualReviewSendsAwaitingWorkToTheReviewers() {
        postInputs(2);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold_labelers\":2},"
                        + "\"user_ids\":[\"r1\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");

        overwrite(taskId, "{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");

        List<TaskAssignment> queue = labeler("r1").put(taskId, "{\"action\":\"REVIEW_START\"}").message()
                .getTaskAssignmentsList();
        assertThat(queue).hasSize(2).allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(54202));
        assertThat(taskWithMetrics(taskId).getStatus().getCodeValue()).isEqualTo(54001);
    }

    private void overwrite(String taskId, String worker, String review) {
        var patched = app.call("PATCH", "/v2/tasks", "{\"action\":\"overwrite\",\"tasks\":[{\"id\":\"" + taskId
                + "\",\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":" + worker + ",\"concept_ids\":[\"cat\",\"dog\"],"
                + "\"input_source\":{\"type\":\"ALL_INPUTS\"},\"review\":" + review + "}]}",
                MultiTaskResponse.getDefaultInstance());
        assertThat(patched.code()).as(patched.body()).isEqualTo(10000);
    }
}
