package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.SingleAnnotationResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules that keep labeling work honest, through HTTP on both databases: nobody reviews
 * their own labeling, turned-in work is frozen for its labeler and final once decided (the
 * owner's changes recorded), and annotation statuses are the server's.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class WorkIntegrityApiTest {
    private static final String APPROVE = "REVIEW_APPROVE";
    private static final String REQUEST_CHANGES = "REVIEW_REQUEST_CHANGES";
    private static final String REJECT = "REVIEW_REJECT";

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("integrity");
    }

    private Labeler labeler(String userId) {
        return app.labeler(userId);
    }

    private static int code(TaskAssignment assignment) {
        return assignment.getStatus().getCodeValue();
    }

    private static String verdict(String action, List<TaskAssignment> assignments) {
        String ids = assignments.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
        return "{\"action\":\"" + action + "\",\"" + configOf(action) + "\":{\"task_assignments\":[" + ids + "]}}";
    }

    private static String bulkVerdict(String action, String worker) {
        return "{\"action\":\"" + action + "\",\"" + configOf(action) + "\":{\"workers\":[{\"user\":{\"id\":\""
                + worker + "\"}}]}}";
    }

    private static String configOf(String action) {
        return switch (action) {
            case APPROVE -> "review_approve_config";
            case REQUEST_CHANGES -> "review_request_changes_config";
            default -> "review_reject_config";
        };
    }

    private List<TaskAssignment> reviewStart(String reviewer, String taskId) {
        var reply = labeler(reviewer).put(taskId, "{\"action\":\"REVIEW_START\"}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTaskAssignmentsList();
    }

    private List<Annotation> annotationsOf(String taskId) {
        var reply = app.call("GET", "/v2/annotations?per_page=1000&task_id=" + taskId, null,
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getAnnotationsList();
    }

    private Annotation onlyAnnotationOf(String taskId) {
        List<Annotation> annotations = annotationsOf(taskId);
        assertThat(annotations).hasSize(1);
        return annotations.get(0);
    }

    private static String overwrite(Annotation annotation, String conceptId) {
        return "{\"action\":\"overwrite\",\"annotations\":[{\"id\":\"" + annotation.getId() + "\",\"input_id\":\""
                + annotation.getInputId() + "\",\"data\":{\"concepts\":[{\"id\":\"" + conceptId + "\",\"value\":1}]}}]}";
    }

    private ApiClient.Reply<BaseResponse> deleteOne(String userId, Annotation annotation) {
        return world.client().send("DELETE", app.data().longPath() + "/inputs/" + annotation.getInputId()
                + "/annotations/" + annotation.getId(), world.token(userId), null, BaseResponse.getDefaultInstance());
    }

    private ApiClient.Reply<BaseResponse> deleteMany(String userId, String json) {
        return world.client().send("DELETE", app.data().longPath() + "/annotations", world.token(userId), json,
                BaseResponse.getDefaultInstance());
    }

    private static void assertRefused(ApiClient.Reply<?> reply, int code, int http) {
        assertThat(reply.code()).as(reply.body()).isEqualTo(code);
        assertThat(reply.httpStatus()).as(reply.body()).isEqualTo(http);
        assertThat(reply.status().getDetails()).as("details say why").isNotEmpty();
    }

    // ---- No self-review ----

    @Test
    void aReviewerWhoAlsoLabelsNeverReceivesNorSettlesTheirOwnWork() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"r1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\",\"r2\"]}");
        List<TaskAssignment> own = labeler("r1").labelBatch(taskId, labeler("r1").start(taskId), "cat");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "dog");

        List<TaskAssignment> r1Queue = reviewStart("r1", taskId);
        assertThat(r1Queue).hasSize(2).allSatisfy(a -> assertThat(a.getWorker().getUser().getId()).isEqualTo("w1"));
        for (String action : List.of(APPROVE, REQUEST_CHANGES, REJECT)) {
            var byId = labeler("r1").put(taskId, verdict(action, own));
            assertRefused(byId, 54103, 403);
            assertThat(byId.status().getDetails()).contains("own");
            assertRefused(labeler("r1").put(taskId, bulkVerdict(action, "r1")), 54103, 403);
        }
        assertThat(labeler("r1").put(taskId, verdict(APPROVE, List.of(r1Queue.get(0), own.get(0)))).code())
                .as("all or nothing: one own assignment refuses the batch").isEqualTo(54103);
        assertThat(annotationsOf(taskId)).as("nothing was decided").extracting(a -> a.getStatus().getCodeValue())
                .containsOnly(24157);

        List<TaskAssignment> r2Queue = reviewStart("r2", taskId);
        assertThat(r2Queue).extracting(TaskAssignment::getId)
                .containsExactlyInAnyOrderElementsOf(own.stream().map(TaskAssignment::getId).toList());
        var approved = labeler("r2").put(taskId, verdict(APPROVE, r2Queue));
        assertThat(approved.message().getTaskAssignmentsList()).allSatisfy(a -> assertThat(code(a)).isEqualTo(54200));
        var r1Approves = labeler("r1").put(taskId, verdict(APPROVE, r1Queue));
        assertThat(r1Approves.message().getTaskAssignmentsList()).allSatisfy(a -> assertThat(code(a)).isEqualTo(54200));
    }

    @Test
    void whenEveryReviewerMustApproveALabelersOwnApprovalIsNotAwaited() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"r1\"]}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold_labelers\":2,"
                        + "\"approval_threshold_reviewers\":-1},\"user_ids\":[\"r1\",\"r2\"]}");
        List<TaskAssignment> own = labeler("r1").labelBatch(taskId, labeler("r1").start(taskId), "cat");
        assertThat(own).allSatisfy(a -> assertThat(code(a)).isEqualTo(54202));
        assertThat(reviewStart("r1", taskId)).isEmpty();
        assertRefused(labeler("r1").put(taskId, verdict(APPROVE, own)), 54103, 403);

        List<TaskAssignment> r2Queue = reviewStart("r2", taskId);
        assertThat(r2Queue).hasSize(1);
        var approved = labeler("r2").put(taskId, verdict(APPROVE, r2Queue));
        assertThat(code(approved.message().getTaskAssignments(0))).as("r2 is every reviewer but the labeler")
                .isEqualTo(54200);
    }

    @Test
    void workWhoseOnlyReviewerIsItsLabelerStaysAwaitingReview() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"r1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        List<TaskAssignment> own = labeler("r1").labelBatch(taskId, labeler("r1").start(taskId), "cat");
        assertThat(reviewStart("r1", taskId)).isEmpty();
        assertRefused(labeler("r1").put(taskId, verdict(APPROVE, own)), 54103, 403);
        assertThat(onlyAnnotationOf(taskId).getStatus().getCodeValue()).isEqualTo(24157);
    }

    // ---- Turned-in work is frozen for its labeler ----

    @Test
    void turnedInWorkIsFrozenForItsLabelerUntilAReviewerRequestsChanges() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        Annotation submitted = onlyAnnotationOf(taskId);

        var patched = labeler("w1").patchAnnotations(overwrite(submitted, "dog"));
        assertRefused(patched, 54103, 403);
        assertThat(patched.status().getDetails()).contains(submitted.getId());
        assertRefused(deleteOne("w1", submitted), 54103, 403);
        assertRefused(deleteMany("w1", "{\"ids\":[\"" + submitted.getId() + "\"],\"input_ids\":[\""
                + submitted.getInputId() + "\"]}"), 54103, 403);
        assertRefused(deleteMany("w1", "{\"input_ids\":[\"" + submitted.getInputId() + "\"]}"), 54103, 403);
        Annotation unchanged = onlyAnnotationOf(taskId);
        assertThat(unchanged.getData().getConcepts(0).getId()).isEqualTo("cat");
        assertThat(unchanged.getStatus().getCodeValue()).isEqualTo(24157);

        List<TaskAssignment> queue = reviewStart("r1", taskId);
        labeler("r1").put(taskId, verdict(REQUEST_CHANGES, queue));
        var reopened = labeler("w1").patchAnnotations(overwrite(submitted, "dog"));
        assertThat(reopened.code()).as(reopened.body()).isEqualTo(10000);
        assertThat(reopened.message().getAnnotations(0).getStatus().getCodeValue()).isEqualTo(24151);
        assertThat(editsOf(submitted.getId())).as("the labeler's own open work is not audited").isEmpty();
    }

    @Test
    void approvedWorkIsFinalForAllButTheOwnerWhoseChangesAreRecorded() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        labeler("r1").put(taskId, verdict(APPROVE, reviewStart("r1", taskId)));
        Annotation approved = onlyAnnotationOf(taskId);
        assertThat(approved.getStatus().getCodeValue()).isEqualTo(24150);

        assertRefused(labeler("w1").patchAnnotations(overwrite(approved, "dog")), 54103, 403);
        assertRefused(deleteOne("w1", approved), 54103, 403);
        assertRefused(labeler("r1").patchAnnotations(overwrite(approved, "dog")), 24156, 403);
        assertThat(onlyAnnotationOf(taskId).getData().getConcepts(0).getId()).isEqualTo("cat");

        var byOwner = app.call("PATCH", "/v2/annotations", overwrite(approved, "dog"),
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(byOwner.code()).as(byOwner.body()).isEqualTo(10000);
        Annotation edited = onlyAnnotationOf(taskId);
        assertThat(edited.getData().getConcepts(0).getId()).isEqualTo("dog");
        assertThat(edited.getStatus().getCodeValue()).as("stays approved").isEqualTo(24150);
        List<Map<String, Object>> edits = editsOf(approved.getId());
        assertThat(edits).hasSize(1);
        assertThat(edits.get(0)).containsEntry("editor_id", LabelingWorld.OWNER).containsEntry("labeler_id", "w1")
                .containsEntry("action", "patch").containsEntry("task_id", taskId);
        assertThat(((Number) edits.get(0).get("status")).intValue()).isEqualTo(24150);
        assertThat(edits.get(0).get("old_data").toString()).contains("cat").doesNotContain("dog");
        assertThat(edits.get(0).get("new_data").toString()).contains("dog");
        assertThat(((Number) edits.get(0).get("edited_at")).longValue()).isPositive();

        var deleted = app.call("DELETE", "/v2/inputs/" + approved.getInputId() + "/annotations/" + approved.getId(),
                null, BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);
        assertThat(annotationsOf(taskId)).isEmpty();
        assertThat(editsOf(approved.getId())).extracting(e -> e.get("action")).containsExactly("patch", "delete");
        assertThat(editsOf(approved.getId()).get(1).get("old_data").toString()).contains("dog");
    }

    @Test
    void aReviewersCorrectionOfHeldWorkIsRecordedToo() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        reviewStart("r1", taskId);
        Annotation held = onlyAnnotationOf(taskId);
        assertThat(labeler("r1").patchAnnotations(overwrite(held, "dog")).code()).isEqualTo(10000);
        assertRefused(deleteOne("r1", held), 24156, 403);
        assertThat(editsOf(held.getId())).singleElement().satisfies(edit -> {
            assertThat(edit).containsEntry("editor_id", "r1").containsEntry("labeler_id", "w1");
            assertThat(((Number) edit.get("status")).intValue()).isEqualTo(24157);
        });
        assertThat(onlyAnnotationOf(taskId).getStatus().getCodeValue()).isEqualTo(24157);
    }

    @Test
    void rejectedWorkIsFinalForItsLabelerAndItsReviewer() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        labeler("r1").put(taskId, verdict(REJECT, reviewStart("r1", taskId)));
        Annotation rejected = onlyAnnotationOf(taskId);
        assertThat(rejected.getStatus().getCodeValue()).isEqualTo(24158);

        assertRefused(labeler("w1").patchAnnotations(overwrite(rejected, "dog")), 54103, 403);
        assertRefused(deleteMany("w1", "{\"input_ids\":[\"" + rejected.getInputId() + "\"]}"), 54103, 403);
        assertRefused(labeler("r1").patchAnnotations(overwrite(rejected, "dog")), 24156, 403);
        assertThat(onlyAnnotationOf(taskId).getData().getConcepts(0).getId()).isEqualTo("cat");
    }

    @Test
    void withoutReviewTurnedInWorkIsFinalAtOnce() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        Annotation done = onlyAnnotationOf(taskId);
        assertRefused(labeler("w1").patchAnnotations(overwrite(done, "dog")), 54103, 403);
        assertThat(onlyAnnotationOf(taskId).getData().getConcepts(0).getId()).isEqualTo("cat");
    }

    private List<Map<String, Object>> editsOf(String annotationId) {
        return world.database().jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT * FROM annotation_edits WHERE annotation_id = :id ORDER BY seq""")
                .bind("id", annotationId).mapToMap().list());
    }

    // ---- Annotation statuses are the server's ----

    private ApiClient.Reply<MultiAnnotationResponse> postOutsideTasks(String id, String status) {
        return app.call("POST", "/v2/annotations", "{\"annotations\":[{\"id\":\"" + id + "\",\"input_id\":\"in0\","
                + "\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]},\"status\":{\"code\":" + status + "}}]}",
                MultiAnnotationResponse.getDefaultInstance());
    }

    private List<Annotation> allAnnotations() {
        var reply = app.call("GET", "/v2/annotations?per_page=1000", null, MultiAnnotationResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getAnnotationsList();
    }

    @Test
    void anUnknownStatusIsRefusedAndNeverStored() {
        app.postInputs(1);
        assertRefused(postOutsideTasks("bogus", "12345"), 11102, 400);
        assertRefused(postOutsideTasks("bogus", "\"ANNOTATION_AWAITING_REVIEW\""), 11102, 400);
        assertThat(allAnnotations()).as("nothing stored, and listing still works").isEmpty();

        var pending = postOutsideTasks("for-later", "\"ANNOTATION_PENDING\"");
        assertThat(pending.code()).as(pending.body()).isEqualTo(10000);
        assertThat(pending.message().getAnnotations(0).getStatus().getCodeValue()).isEqualTo(24151);
        Annotation stored = allAnnotations().get(0);
        String patchTo12345 = "{\"action\":\"merge\",\"annotations\":[{\"id\":\"for-later\",\"input_id\":\"in0\","
                + "\"status\":{\"code\":12345}}]}";
        assertRefused(app.call("PATCH", "/v2/annotations", patchTo12345, MultiAnnotationResponse.getDefaultInstance()),
                11102, 400);
        var done = app.call("PATCH", "/v2/annotations", patchTo12345.replace("12345", "24150"),
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(done.code()).as(done.body()).isEqualTo(10000);
        assertThat(allAnnotations().get(0).getStatus().getCodeValue()).isEqualTo(24150);
        assertThat(allAnnotations().get(0).getData()).isEqualTo(stored.getData());
    }

    @Test
    void inATaskTheWorkflowSetsTheStatus() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        String inputId = labeler("w1").start(taskId).get(0).getInput().getId();
        String post = "{\"annotations\":[{\"input_id\":\"" + inputId + "\",\"task_id\":\"" + taskId
                + "\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]},\"status\":{\"code\":%s}}]}";
        assertRefused(labeler("w1").annotate(post.formatted("24150")), 11102, 400);
        assertThat(annotationsOf(taskId)).isEmpty();
        var asPending = labeler("w1").annotate(post.formatted("24151"));
        assertThat(asPending.code()).as("the status it gets anyway may be named").isEqualTo(10000);
        Annotation mine = asPending.message().getAnnotations(0);

        String patch = "{\"action\":\"merge\",\"annotations\":[{\"id\":\"" + mine.getId() + "\",\"input_id\":\""
                + inputId + "\",\"status\":{\"code\":%s}}]}";
        assertRefused(labeler("w1").patchAnnotations(patch.formatted("24150")), 11102, 400);
        assertRefused(app.call("PATCH", "/v2/annotations", patch.formatted("24150"),
                MultiAnnotationResponse.getDefaultInstance()), 11102, 400);
        assertThat(labeler("w1").patchAnnotations(patch.formatted("24151")).code()).isEqualTo(10000);
        assertThat(onlyAnnotationOf(taskId).getStatus().getCodeValue()).isEqualTo(24151);
    }

    @Test
    void aBadStatusStoredBeforeDoesNotBreakReading() {
        app.postInputs(1);
        assertThat(postOutsideTasks("old", "24150").code()).isEqualTo(10000);
        assertThat(postOutsideTasks("fine", "24150").code()).isEqualTo(10000);
        world.database().jdbi().useHandle(handle -> handle.createUpdate(
                "UPDATE annotations SET status = 12345 WHERE id = 'old'").execute());

        List<Annotation> listed = allAnnotations();
        assertThat(listed).hasSize(2);
        Map<String, Integer> statuses = listed.stream()
                .collect(Collectors.toMap(Annotation::getId, a -> a.getStatus().getCodeValue()));
        assertThat(statuses).containsEntry("old", 24154).containsEntry("fine", 24150);
        var one = app.call("GET", "/v2/inputs/in0/annotations/old", null, SingleAnnotationResponse.getDefaultInstance());
        assertThat(one.code()).as(one.body()).isEqualTo(10000);
        assertThat(one.message().getAnnotation().getStatus().getCodeValue()).isEqualTo(24154);
    }
}
