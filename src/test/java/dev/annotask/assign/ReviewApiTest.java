package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Reviewers settling submitted work through HTTP, on both databases. */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class ReviewApiTest {
    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("review");
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

    private static int code(TaskAssignment assignment) {
        return assignment.getStatus().getCodeValue();
    }

    private Map<String, Integer> annotationStatusByInput(String taskId) {
        Map<String, Integer> statuses = new HashMap<>();
        app.call("GET", "/v2/annotations?per_page=1000&task_id=" + taskId, null, MultiAnnotationResponse.getDefaultInstance())
                .message().getAnnotationsList().forEach(a -> statuses.put(a.getInputId(), a.getStatus().getCodeValue()));
        return statuses;
    }

    private static String batch(String action, String config, List<TaskAssignment> assignments) {
        String ids = assignments.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
        return "{\"action\":\"" + action + "\",\"" + config + "\":{\"task_assignments\":[" + ids + "]}}";
    }

    @Test
    void manualReviewApprovesAndRejectsAndOnlyReviewersReview() {
        postInputs(2);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\",\"r2\"]}");
        List<TaskAssignment> submitted = labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        assertThat(submitted).allSatisfy(a -> assertThat(code(a)).isEqualTo(54202));

        assertThat(labeler("w1").put(taskId, "{\"action\":\"REVIEW_START\"}").code()).isEqualTo(54103);
        List<TaskAssignment> queue = labeler("r1").put(taskId, "{\"action\":\"REVIEW_START\"}").message()
                .getTaskAssignmentsList();
        assertThat(queue).hasSize(2);
        assertThat(labeler("r2").put(taskId, "{\"action\":\"REVIEW_START\"}").message().getTaskAssignmentsList())
                .as("one reviewer's verdict settles it, so r1's queue is not r2's").isEmpty();
        var elsewhere = labeler("r2").put(taskId, batch("REVIEW_APPROVE", "review_approve_config", queue.subList(0, 1)));
        assertThat(elsewhere.code()).isEqualTo(54103);

        var approved = labeler("r1").put(taskId, batch("REVIEW_APPROVE", "review_approve_config", queue.subList(0, 1)));
        assertThat(approved.message().getTaskAssignmentsList()).allSatisfy(a -> assertThat(code(a)).isEqualTo(54200));
        var rejected = labeler("r1").put(taskId, batch("REVIEW_REJECT", "review_reject_config", queue.subList(1, 2)));
        assertThat(rejected.message().getTaskAssignmentsList()).allSatisfy(a -> assertThat(code(a)).isEqualTo(54204));

        Map<String, Integer> statuses = annotationStatusByInput(taskId);
        assertThat(statuses.get(queue.get(0).getInput().getId())).isEqualTo(24150);
        assertThat(statuses.get(queue.get(1).getInput().getId())).isEqualTo(24158);
    }

    @Test
    void requestedChangesGoBackToTheLabelerAndAreReviewedAgain() {
        postInputs(1);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "dog");
        List<TaskAssignment> queue = labeler("r1").put(taskId, "{\"action\":\"REVIEW_START\"}").message()
                .getTaskAssignmentsList();
        var sentBack = labeler("r1").put(taskId, batch("REVIEW_REQUEST_CHANGES", "review_request_changes_config", queue));
        assertThat(sentBack.message().getTaskAssignmentsList()).allSatisfy(a -> assertThat(code(a)).isEqualTo(54201));
        assertThat(annotationStatusByInput(taskId).values()).containsOnly(24151);

        List<TaskAssignment> again = labeler("w1").start(taskId);
        assertThat(again).extracting(TaskAssignment::getId).containsExactly(queue.get(0).getId());
        assertThat(labeler("w1").submit(taskId, again).message().getTaskAssignmentsList())
                .allSatisfy(a -> assertThat(code(a)).isEqualTo(54202));
        List<TaskAssignment> secondLook = labeler("r1").put(taskId, "{\"action\":\"REVIEW_START\"}").message()
                .getTaskAssignmentsList();
        assertThat(secondLook).extracting(TaskAssignment::getId).containsExactly(queue.get(0).getId());
        labeler("r1").put(taskId, batch("REVIEW_APPROVE", "review_approve_config", secondLook));
        assertThat(annotationStatusByInput(taskId).values()).containsOnly(24150);
    }

    @Test
    void aReviewerCorrectsOnlyTheWorkTheyHoldAndOnlyBeforeTheVerdict() {
        postInputs(1);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\",\"r2\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        var annotation = app.call("GET", "/v2/annotations?task_id=" + taskId, null,
                MultiAnnotationResponse.getDefaultInstance()).message().getAnnotations(0);
        String toDog = "{\"action\":\"overwrite\",\"annotations\":[{\"id\":\"" + annotation.getId()
                + "\",\"input_id\":\"" + annotation.getInputId() + "\",\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}}]}";

        assertThat(labeler("r1").patchAnnotations(toDog).code()).as("not held yet").isEqualTo(24156);
        List<TaskAssignment> queue = labeler("r1").put(taskId, "{\"action\":\"REVIEW_START\"}").message()
                .getTaskAssignmentsList();
        assertThat(labeler("r2").patchAnnotations(toDog).code()).as("held by r1, not r2").isEqualTo(24156);
        assertThat(labeler("w2").patchAnnotations(toDog).code()).as("not a reviewer").isEqualTo(24156);
        var corrected = labeler("r1").patchAnnotations(toDog);
        assertThat(corrected.code()).as(corrected.body()).isEqualTo(10000);
        assertThat(corrected.message().getAnnotations(0).getData().getConcepts(0).getId()).isEqualTo("dog");
        assertThat(corrected.message().getAnnotations(0).getUserId()).as("still the labeler's").isEqualTo("w1");

        labeler("r1").put(taskId, batch("REVIEW_APPROVE", "review_approve_config", queue));
        assertThat(labeler("r1").patchAnnotations(toDog).code()).as("after the verdict").isEqualTo(24156);
    }

    @Test
    void everyReviewerMustApproveAndOneRejectionIsFinal() {
        postInputs(2);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold_labelers\":2,"
                        + "\"approval_threshold_reviewers\":-1},\"user_ids\":[\"r1\",\"r2\"]}");
        List<TaskAssignment> submitted = labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        assertThat(submitted).as("one labeler cannot reach a consensus of two").allSatisfy(a ->
                assertThat(code(a)).isEqualTo(54202));
        List<TaskAssignment> r1Queue = labeler("r1").put(taskId, "{\"action\":\"REVIEW_START\"}").message()
                .getTaskAssignmentsList();
        List<TaskAssignment> r2Queue = labeler("r2").put(taskId, "{\"action\":\"REVIEW_START\"}").message()
                .getTaskAssignmentsList();
        assertThat(r1Queue).hasSize(2);
        assertThat(r2Queue).as("stacked: every reviewer sees every input").hasSize(2);

        TaskAssignment first = r1Queue.get(0);
        var oneApproval = labeler("r1").put(taskId, batch("REVIEW_APPROVE", "review_approve_config", List.of(first)));
        assertThat(code(oneApproval.message().getTaskAssignments(0))).isEqualTo(54202);
        var both = labeler("r2").put(taskId, batch("REVIEW_APPROVE", "review_approve_config", List.of(first)));
        assertThat(code(both.message().getTaskAssignments(0))).isEqualTo(54200);

        TaskAssignment second = r1Queue.get(1);
        var rejected = labeler("r1").put(taskId, batch("REVIEW_REJECT", "review_reject_config", List.of(second)));
        assertThat(code(rejected.message().getTaskAssignments(0))).isEqualTo(54204);
        assertThat(labeler("r2").put(taskId, "{\"action\":\"REVIEW_START\"}").message().getTaskAssignmentsList())
                .as("the rejection withdrew it from r2").isEmpty();
        var tooLate = labeler("r2").put(taskId, batch("REVIEW_APPROVE", "review_approve_config", List.of(second)));
        assertThat(tooLate.code()).isEqualTo(54100);
    }

    @Test
    void bulkApprovalSettlesEveryAwaitingAssignmentOfALabeler() {
        postInputs(3);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        labeler("w2").labelBatch(taskId, labeler("w2").start(taskId), "dog");
        var bulk = labeler("r1").put(taskId, "{\"action\":\"REVIEW_APPROVE\",\"review_approve_config\":"
                + "{\"workers\":[{\"user\":{\"id\":\"w1\"}}]}}");
        assertThat(bulk.code()).as(bulk.body()).isEqualTo(10000);
        assertThat(bulk.message().getTaskAssignmentsList()).hasSize(3)
                .allSatisfy(a -> assertThat(a.getWorker().getUser().getId()).isEqualTo("w1"))
                .allSatisfy(a -> assertThat(code(a)).isEqualTo(54200));
        assertThat(labeler("r1").put(taskId, "{\"action\":\"REVIEW_START\"}").message().getTaskAssignmentsList())
                .hasSize(3).allSatisfy(a -> assertThat(a.getWorker().getUser().getId()).isEqualTo("w2"));
    }

    @Test
    void samplePercentageSendsADeterministicShareToReview() {
        postInputs(40);
        String taskId = task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"manual_strategy_info\":{\"sample_percentage\":0.5},\"user_ids\":[\"r1\"]}");
        int reviewed = 0;
        int total = 0;
        for (List<TaskAssignment> batch = labeler("w1").start(taskId); !batch.isEmpty(); batch = labeler("w1").start(taskId)) {
            for (TaskAssignment a : labeler("w1").labelBatch(taskId, batch, "cat")) {
                total++;
                assertThat(code(a)).isIn(54200, 54202);
                reviewed += code(a) == 54202 ? 1 : 0;
            }
        }
        assertThat(total).isEqualTo(40);
        assertThat(reviewed).isBetween(8, 32);
    }
}
