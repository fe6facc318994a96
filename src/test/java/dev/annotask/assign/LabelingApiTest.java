package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.config.ServerConfig;
import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiInputResponse;
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

/** Labelers taking, annotating and turning in work through HTTP, per worker strategy, on both databases. */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class LabelingApiTest {
    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("labeling");
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

    private List<Annotation> annotationsOf(String taskId, String userId) {
        return app.call("GET", "/v2/annotations?per_page=1000&task_id=" + taskId + "&user_ids=" + userId, null,
                MultiAnnotationResponse.getDefaultInstance()).message().getAnnotationsList();
    }

    private static Set<String> inputsOf(List<TaskAssignment> assignments) {
        return LabelingApp.inputsOf(assignments);
    }

    @Test
    void aRepeatedLabelStartIsAnsweredFromAReadWithoutTheWriter() {
        postInputs(3);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = labeler("w1");
        List<TaskAssignment> batch = w1.start(taskId);
        long writesBefore = world.database().groupCommitUnits();

        List<TaskAssignment> again = w1.start(taskId);

        assertThat(again).extracting(TaskAssignment::getId)
                .containsExactlyElementsOf(batch.stream().map(TaskAssignment::getId).toList());
        // Counted on SQLite's writer thread; PostgreSQL has none, and answers the same.
        assertThat(world.database().groupCommitUnits()).isEqualTo(writesBefore);
        w1.labelBatch(taskId, batch, "cat");
        assertThat(w1.start(taskId)).as("nothing left after the batch is turned in").isEmpty();
        if (dialect == SqlDialect.SQLITE) {
            assertThat(world.database().groupCommitUnits()).as("the counter counts writes").isGreaterThan(writesBefore);
        }
    }

    @Test
    void fullTaskGivesEveryWorkerEveryInputAndNoReviewMakesLabelsFinal() {
        postInputs(3);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = labeler("w1");
        List<TaskAssignment> batch = w1.start(taskId);
        assertThat(inputsOf(batch)).containsExactlyInAnyOrder("in0", "in1", "in2");
        assertThat(batch).allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(54201));
        assertThat(w1.start(taskId)).as("the same batch while unfinished").extracting(TaskAssignment::getId)
                .containsExactlyElementsOf(batch.stream().map(TaskAssignment::getId).toList());
        assertThat(inputsOf(labeler("w2").start(taskId))).containsExactlyInAnyOrder("in0", "in1", "in2");

        List<TaskAssignment> done = w1.labelBatch(taskId, batch, "cat");
        assertThat(done).allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(54200));
        assertThat(w1.start(taskId)).as("nothing left for w1").isEmpty();
        var annotations = app.call("GET", "/v2/annotations?task_id=" + taskId + "&user_ids=w1", null,
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(annotations.message().getAnnotationsList()).hasSize(3)
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(24150));
    }

    @Test
    void partitionedTaskSplitsInputsWithoutOverlap() {
        postInputs(30);
        String taskId = task("{\"strategy\":\"PARTITIONED\",\"user_ids\":[\"w1\",\"w2\",\"w3\"],"
                + "\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":1}}", "{\"strategy\":\"NONE\"}");
        Map<String, Set<String>> byWorker = new HashMap<>();
        for (String worker : List.of("w1", "w2", "w3")) {
            Labeler labeler = labeler(worker);
            Set<String> mine = new HashSet<>();
            for (List<TaskAssignment> batch = labeler.start(taskId); !batch.isEmpty(); batch = labeler.start(taskId)) {
                mine.addAll(inputsOf(batch));
                labeler.labelBatch(taskId, batch, "cat");
            }
            byWorker.put(worker, mine);
        }
        Set<String> union = new HashSet<>();
        byWorker.values().forEach(union::addAll);
        assertThat(union).hasSize(30);
        assertThat(byWorker.values().stream().mapToInt(Set::size).sum()).as("no input twice").isEqualTo(30);
        assertThat(byWorker.values()).allSatisfy(mine -> assertThat(mine).isNotEmpty());
    }

    @Test
    void dynamicLeaseExpiresAndTheInputsReturnToThePool() {
        postInputs(12);
        String taskId = task("{\"strategy\":\"DYNAMIC\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = labeler("w1");
        Labeler w2 = labeler("w2");
        List<TaskAssignment> first = w1.start(taskId);
        assertThat(first).hasSize(10);
        List<TaskAssignment> second = w2.start(taskId);
        assertThat(inputsOf(second)).hasSize(2).doesNotContainAnyElementsOf(inputsOf(first));
        w2.labelBatch(taskId, second, "dog");
        assertThat(w2.start(taskId)).as("w1 still holds the rest").isEmpty();
        String drafted = first.get(0).getInput().getId();
        assertThat(w1.classify(taskId, drafted, "cat").code()).isEqualTo(10000);

        world.clock().advance(ServerConfig.DEFAULT_LEASE.plusSeconds(1));
        List<TaskAssignment> returned = w2.start(taskId);
        assertThat(inputsOf(returned)).isEqualTo(inputsOf(first));
        assertThat(annotationsOf(taskId, "w1")).as("w1's label never turned in went with the lease").isEmpty();
        w2.labelBatch(taskId, returned, "dog");
        assertThat(annotationsOf(taskId, "w1")).isEmpty();
        assertThat(annotationsOf(taskId, "w2")).hasSize(12);

        var late = w1.classify(taskId, first.get(0).getInput().getId(), "cat");
        assertThat(late.code()).as("an expired lease no longer lets w1 annotate").isEqualTo(54103);
        var lateSubmit = w1.submit(taskId, first);
        assertThat(lateSubmit.code()).isIn(11101, 54100);
    }

    @Test
    void listNextTaskAssignmentsReturnsTheBatchInputs() {
        postInputs(2);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        var reply = world.client().send("GET", app.data().longPath() + "/tasks/" + taskId + "/assignments", world.token("w1"),
                null, MultiInputResponse.getDefaultInstance());
        assertThat(reply.code()).isEqualTo(10000);
        assertThat(reply.message().getInputsList()).extracting(i -> i.getId()).containsExactlyInAnyOrder("in0", "in1");
    }

    @Test
    void onlyWorkersLabelAndOnlyOnTheirOwnInputs() {
        List<String> inputs = postInputs(20);
        String taskId = task("{\"strategy\":\"PARTITIONED\",\"user_ids\":[\"w1\",\"w2\"],"
                + "\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":1}}", "{\"strategy\":\"NONE\"}");
        var stranger = labeler("stranger").put(taskId, "{\"action\":\"LABEL_START\"}");
        assertThat(stranger.code()).isEqualTo(54103);
        assertThat(stranger.httpStatus()).isEqualTo(403);

        Set<String> mine = inputsOf(labeler("w1").start(taskId));
        // A batch holds at most 10 of the 20 inputs, so some input is not w1's to annotate now.
        String notMine = inputs.stream().filter(i -> !mine.contains(i)).findFirst().orElseThrow();
        var refused = labeler("w1").classify(taskId, notMine, "cat");
        assertThat(refused.code()).isEqualTo(54103);

        var wrongConcept = labeler("w1").annotate("{\"annotations\":[{\"input_id\":\"" + mine.iterator().next()
                + "\",\"task_id\":\"" + taskId + "\",\"data\":{\"concepts\":[{\"id\":\"horse\"}]}}]}");
        assertThat(wrongConcept.code()).isEqualTo(24155);
        var badBox = labeler("w1").annotate("{\"annotations\":[{\"input_id\":\"" + mine.iterator().next()
                + "\",\"data\":{\"regions\":[{\"region_info\":{\"bounding_box\":{\"top_row\":0.6,\"bottom_row\":0.2,"
                + "\"left_col\":0.1,\"right_col\":0.5}},\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}]}}]}");
        assertThat(badBox.code()).isEqualTo(24155);
        assertThat(badBox.status().getDetails()).contains("bounding_box");
    }

    @Test
    void consensusReachedEarlyClosesTheInputAndSkipsTheRemainingLabeler() {
        postInputs(1);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\",\"w3\"]}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold\":2},\"user_ids\":[\"r1\"]}");
        List<TaskAssignment> first = labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        assertThat(first.get(0).getStatus().getCodeValue()).isEqualTo(54203);
        List<TaskAssignment> second = labeler("w2").labelBatch(taskId, labeler("w2").start(taskId), "cat");
        assertThat(second.get(0).getStatus().getCodeValue()).as("two agree: final").isEqualTo(54200);
        assertThat(labeler("w3").start(taskId)).as("the third labeler is not asked").isEmpty();

        List<Annotation> annotations = app.call("GET", "/v2/annotations?task_id=" + taskId, null,
                MultiAnnotationResponse.getDefaultInstance()).message().getAnnotationsList();
        assertThat(annotations).hasSize(2).allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(24150));
    }

    @Test
    void outvotedLabelingIsDeniedAndNoted() {
        postInputs(1);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\",\"w3\"]}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold\":2},\"user_ids\":[\"r1\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        labeler("w2").labelBatch(taskId, labeler("w2").start(taskId), "dog");
        labeler("w3").labelBatch(taskId, labeler("w3").start(taskId), "cat");
        Map<String, Annotation> byUser = new HashMap<>();
        app.call("GET", "/v2/annotations?task_id=" + taskId, null, MultiAnnotationResponse.getDefaultInstance())
                .message().getAnnotationsList().forEach(a -> byUser.put(a.getUserId(), a));
        assertThat(byUser.get("w1").getStatus().getCodeValue()).isEqualTo(24150);
        assertThat(byUser.get("w3").getStatus().getCodeValue()).isEqualTo(24150);
        assertThat(byUser.get("w2").getStatus().getCodeValue()).isEqualTo(24158);
        assertThat(byUser.get("w2").getConsensusInfo().getFieldsMap().get("consensus").getStringValue())
                .isEqualTo("outvoted");
    }

    @Test
    void seedConsensusWithOneLabelerPerInputSendsEveryInputToReview() {
        postInputs(3);
        String taskId = task("{\"strategy\":\"PARTITIONED\",\"user_ids\":[\"w1\",\"w2\",\"w3\"],"
                        + "\"partitioned_strategy_info\":{\"type\":\"WEIGHTED\",\"workers_per_input\":1,"
                        + "\"weights\":{\"w1\":1,\"w2\":1,\"w3\":1}}}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold\":2},\"user_ids\":[\"r1\"]}");
        for (String worker : List.of("w1", "w2", "w3")) {
            List<TaskAssignment> batch = labeler(worker).start(taskId);
            if (!batch.isEmpty()) {
                assertThat(labeler(worker).labelBatch(taskId, batch, "cat"))
                        .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(54202));
            }
        }
        assertThat(app.call("GET", "/v2/annotations?task_id=" + taskId, null, MultiAnnotationResponse.getDefaultInstance())
                .message().getAnnotationsList()).hasSize(3)
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(24157));
    }
}
