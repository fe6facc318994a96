package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.review.MultiReviewNoteResponse;
import dev.annotask.proto.review.MultiReviewVerdictResponse;
import dev.annotask.proto.review.ReviewNote;
import dev.annotask.proto.review.ReviewVerdict;
import dev.annotask.store.SqlDialect;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.proto.labeling.InputAnnotations;
import dev.annotask.proto.labeling.PutTaskAnnotationsRequest;
import dev.annotask.proto.review.LabelingVerdict;
import dev.annotask.proto.review.ListReviewNotesRequest;
import dev.annotask.proto.review.PostReviewVerdictsRequest;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The review loop that talks (annotask.review): comments and marks with request-changes and
 * reject, per labeling and per input, who may read them, sent-back work first in the labeler's
 * queue, progress going down when work goes back, and the reviewer's correction recorded as
 * theirs with the labeler's original kept. On both databases.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class ReviewNotesApiTest {
    private static final String MANUAL_R1 = "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}";

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("notes");
    }

    private Labeler labeler(String userId) {
        return app.labeler(userId);
    }

    private <T extends com.google.protobuf.Message> ApiClient.Reply<T> as(String user, String verb, String rest,
                                                                          String json, T type) {
        return world.client().send(verb, app.data().longPath() + rest, world.token(user), json, type);
    }

    private ApiClient.Reply<MultiReviewVerdictResponse> verdict(String reviewer, String taskId, String verdict,
                                                                String labelingsJson) {
        return as(reviewer, "POST", "/tasks/" + taskId + "/review_verdicts", "{\"verdict\":\"" + verdict
                + "\",\"labelings\":[" + labelingsJson + "]}", MultiReviewVerdictResponse.getDefaultInstance());
    }

    private List<ReviewNote> notes(String user, String taskId, String query) {
        var reply = as(user, "GET", "/tasks/" + taskId + "/review_notes" + query, null,
                MultiReviewNoteResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getReviewNotesList();
    }

    private List<TaskAssignment> reviewStart(String reviewer, String taskId) {
        return labeler(reviewer).reviewStart(taskId);
    }

    private List<Annotation> annotations(String query) {
        return app.call("GET", "/v2/annotations?per_page=1000&" + query, null, MultiAnnotationResponse.getDefaultInstance())
                .message().getAnnotationsList();
    }

    private static TaskAssignment of(List<TaskAssignment> queue, String worker, String input) {
        return queue.stream().filter(a -> a.getWorker().getUser().getId().equals(worker)
                && a.getInput().getId().equals(input)).findFirst().orElseThrow();
    }

    private int workPercent(String taskId) {
        var reply = app.call("GET", "/v2/tasks/" + taskId + "?additional_fields=all", null,
                SingleTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTask().getMetrics().getWork().getInputsPercentEstimated();
    }

    @Test
    void commentsGoWithRequestChangesAndRejectPerLabelingAndPerInputAndOnlyTheirLabelerReadsThem() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}", MANUAL_R1);
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        labeler("w2").labelBatch(taskId, labeler("w2").start(taskId), "dog");
        List<TaskAssignment> queue = reviewStart("r1", taskId);
        assertThat(queue).hasSize(4);
        TaskAssignment w1In0 = of(queue, "w1", "in0");
        String w1Annotation = annotations("task_id=" + taskId + "&user_ids=w1&input_ids=in0").get(0).getId();
        String w2Annotation = annotations("task_id=" + taskId + "&user_ids=w2&input_ids=in0").get(0).getId();

        var flaggedWrong = verdict("r1", taskId, "REQUEST_CHANGES", "{\"task_assignment_id\":\"" + w1In0.getId()
                + "\",\"comment\":\"x\",\"flagged_annotation_ids\":[\"" + w2Annotation + "\"]}");
        assertThat(flaggedWrong.code()).as("a mark on another labeling's annotation").isEqualTo(11102);
        var sentBack = verdict("r1", taskId, "REQUEST_CHANGES", "{\"task_assignment_id\":\"" + w1In0.getId()
                + "\",\"comment\":\"The cat is a dog.\",\"flagged_annotation_ids\":[\"" + w1Annotation + "\"]}");
        assertThat(sentBack.code()).as(sentBack.body()).isEqualTo(10000);
        assertThat(sentBack.message().getTaskAssignments(0).getStatus().getCodeValue()).isEqualTo(54201);
        assertThat(sentBack.message().getReviewNotes(0).getOpen()).isTrue();

        var perInput = verdict("r1", taskId, "REJECT", "{\"input_id\":\"in1\",\"comment\":\"Too blurry to tell.\"}");
        assertThat(perInput.code()).as(perInput.body()).isEqualTo(10000);
        assertThat(perInput.message().getTaskAssignmentsList()).hasSize(2)
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(54204));
        assertThat(perInput.message().getReviewNotesList()).extracting(ReviewNote::getWorkerUserId)
                .containsExactlyInAnyOrder("w1", "w2");
        assertThat(verdict("r1", taskId, "REJECT", "{\"input_id\":\"in1\"}").code())
                .as("nothing of in1 awaits review any more").isEqualTo(54100);

        var rejected = verdict("r1", taskId, "REJECT", "{\"task_assignment_id\":\"" + of(queue, "w2", "in0").getId()
                + "\",\"comment\":\"Not a dog either.\",\"flagged_annotation_ids\":[\"" + w2Annotation + "\"]}");
        assertThat(rejected.code()).as(rejected.body()).isEqualTo(10000);
        assertThat(rejected.message().getTaskAssignments(0).getStatus().getCodeValue()).isEqualTo(54204);

        List<ReviewNote> w1Notes = notes("w1", taskId, "");
        assertThat(w1Notes).extracting(ReviewNote::getComment).containsExactly("The cat is a dog.", "Too blurry to tell.");
        assertThat(w1Notes.get(0).getFlaggedAnnotationIdsList()).containsExactly(w1Annotation);
        assertThat(w1Notes.get(0).getVerdict()).isEqualTo(ReviewVerdict.REQUEST_CHANGES);
        assertThat(w1Notes.get(0).getReviewerUserId()).isEqualTo("r1");
        assertThat(w1Notes.get(1).getVerdict()).isEqualTo(ReviewVerdict.REJECT);
        assertThat(w1Notes.get(1).getOpen()).isFalse();
        assertThat(notes("w2", taskId, "")).as("w2 reads the notes on their own labelings only")
                .extracting(ReviewNote::getComment).containsExactly("Too blurry to tell.", "Not a dog either.");
        assertThat(notes("w2", taskId, "?input_ids=in0")).singleElement()
                .satisfies(n -> assertThat(n.getFlaggedAnnotationIdsList()).containsExactly(w2Annotation));
        assertThat(notes("w2", taskId, "?worker_user_ids=w1")).as("not w1's, even when asking").isEmpty();
        assertThat(notes("stranger", taskId, "")).isEmpty();
        assertThat(notes("r1", taskId, "")).hasSize(4);
        assertThat(app.call("GET", "/v2/tasks/" + taskId + "/review_notes?input_ids=in0", null,
                MultiReviewNoteResponse.getDefaultInstance()).message().getReviewNotesList())
                .as("the owner's key reads every note").hasSize(2);

        LabelingApp other = world.newApp("notes-other");
        var elsewhere = other.call("GET", "/v2/tasks/" + taskId + "/review_notes", null,
                MultiReviewNoteResponse.getDefaultInstance());
        assertThat(elsewhere.code()).as("another app never sees them").isEqualTo(54102);
        assertThat(verdict("w1", taskId, "REJECT", "{\"input_id\":\"in0\"}").code()).as("labelers give no verdicts")
                .isEqualTo(54103);
    }

    @Test
    void sentBackWorkComesFirstInTheLabelersQueueMarkedAsSentBack() {
        app.postInputs(12);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", MANUAL_R1);
        List<TaskAssignment> first = labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        List<TaskAssignment> unfinished = labeler("w1").start(taskId);
        assertThat(unfinished).hasSize(2).allSatisfy(a -> assertThat(a.getStatus().getDetails()).isEmpty());
        reviewStart("r1", taskId);
        TaskAssignment last = first.get(first.size() - 1);
        var reply = verdict("r1", taskId, "REQUEST_CHANGES", "{\"task_assignment_id\":\"" + last.getId()
                + "\",\"comment\":\"Look again.\"}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);

        List<TaskAssignment> queue = labeler("w1").start(taskId);
        assertThat(queue).extracting(TaskAssignment::getId).as("sent back first, then the unfinished batch")
                .containsExactly(last.getId(), unfinished.get(0).getId(), unfinished.get(1).getId());
        assertThat(queue.get(0).getStatus().getDetails()).isEqualTo(AssignmentRpcs.SENT_BACK);
        assertThat(queue.subList(1, 3)).allSatisfy(a -> assertThat(a.getStatus().getDetails()).isEmpty());
        var inputs = as("w1", "GET", "/tasks/" + taskId + "/assignments", null, MultiInputResponse.getDefaultInstance());
        assertThat(inputs.message().getInputs(0).getId()).as("ListNextTaskAssignments too")
                .isEqualTo(last.getInput().getId());
        assertThat(notes("w1", taskId, "?input_ids=" + last.getInput().getId()))
                .singleElement().satisfies(n -> assertThat(n.getOpen()).isTrue());

        labeler("w1").submit(taskId, queue.subList(0, 1));
        assertThat(notes("w1", taskId, "")).as("turned in again: no longer open")
                .singleElement().satisfies(n -> assertThat(n.getOpen()).isFalse());
    }

    @Test
    void progressGoesDownWhenWorkIsSentBackAndUpWhenItIsTurnedInAgain() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", MANUAL_R1);
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        assertThat(workPercent(taskId)).isEqualTo(100);
        List<TaskAssignment> queue = reviewStart("r1", taskId);
        // Clarifai's own action, no comment: the progress follows all the same.
        var sentBack = labeler("r1").put(taskId, "{\"action\":\"REVIEW_REQUEST_CHANGES\",\"review_request_changes_config\":"
                + "{\"task_assignments\":[{\"id\":\"" + queue.get(0).getId() + "\"}]}}");
        assertThat(sentBack.code()).as(sentBack.body()).isEqualTo(10000);
        assertThat(sentBack.message().getTaskAssignments(0).getStatus().getDetails()).isEqualTo(AssignmentRpcs.SENT_BACK);
        assertThat(workPercent(taskId)).isEqualTo(50);

        labeler("w1").submit(taskId, labeler("w1").start(taskId));
        assertThat(workPercent(taskId)).isEqualTo(100);
    }

    @Test
    void aReviewersCorrectionIsTheirsFinalAndTheLabelersOriginalIsKept() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"r2\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\",\"r2\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        labeler("r2").labelBatch(taskId, labeler("r2").start(taskId), "cat");
        List<TaskAssignment> queue = reviewStart("r1", taskId);
        TaskAssignment w1In0 = of(queue, "w1", "in0");
        String dog = "\"corrections\":[{\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}}]";
        String bird = "\"corrections\":[{\"data\":{\"concepts\":[{\"id\":\"bird\",\"value\":1}]}}]";

        assertThat(verdict("r1", taskId, "APPROVE", "{\"task_assignment_id\":\"" + w1In0.getId() + "\"," + bird + "}")
                .code()).as("a concept outside the task").isEqualTo(24155);
        assertThat(verdict("r1", taskId, "REQUEST_CHANGES", "{\"task_assignment_id\":\"" + w1In0.getId() + "\"," + dog
                + "}").code()).as("corrections do not go with sending back").isEqualTo(11102);
        assertThat(verdict("r2", taskId, "APPROVE", "{\"task_assignment_id\":\"" + w1In0.getId() + "\"," + dog + "}")
                .code()).as("held by r1").isEqualTo(54103);
        assertThat(verdict("w1", taskId, "APPROVE", "{\"task_assignment_id\":\"" + w1In0.getId() + "\"," + dog + "}")
                .code()).as("no reviewer").isEqualTo(54103);
        assertThat(annotations("task_id=" + taskId + "&user_ids=r1")).as("the refusals wrote nothing").isEmpty();
        List<TaskAssignment> r2Own = reviewStart("r2", taskId);
        assertThat(r2Own).as("r2 never gets their own labeling").noneMatch(a -> a.getWorker().getUser().getId()
                .equals("r2"));

        var corrected = verdict("r1", taskId, "APPROVE", "{\"task_assignment_id\":\"" + w1In0.getId()
                + "\",\"comment\":\"It is a dog.\"," + dog + "}");
        assertThat(corrected.code()).as(corrected.body()).isEqualTo(10000);
        assertThat(corrected.message().getTaskAssignments(0).getStatus().getCodeValue()).isEqualTo(54200);
        Annotation correction = corrected.message().getCorrections(0);
        assertThat(correction.getUserId()).isEqualTo("r1");
        assertThat(correction.getInputId()).isEqualTo("in0");

        List<Annotation> onIn0 = annotations("task_id=" + taskId + "&input_ids=in0");
        Annotation original = onIn0.stream().filter(a -> a.getUserId().equals("w1")).findFirst().orElseThrow();
        assertThat(original.getData().getConcepts(0).getId()).as("the original is kept as it was").isEqualTo("cat");
        assertThat(original.getStatus().getCodeValue()).as("no longer final").isEqualTo(24158);
        Annotation stored = onIn0.stream().filter(a -> a.getUserId().equals("r1")).findFirst().orElseThrow();
        assertThat(stored.getId()).isEqualTo(correction.getId());
        assertThat(stored.getData().getConcepts(0).getId()).isEqualTo("dog");
        assertThat(stored.getStatus().getCodeValue()).as("the correction is final").isEqualTo(24150);
        assertThat(onIn0.stream().filter(a -> a.getUserId().equals("r2")).findFirst().orElseThrow().getStatus()
                .getCodeValue()).as("r2's own labeling of the input is untouched").isEqualTo(24157);
        assertThat(notes("w1", taskId, "")).singleElement().satisfies(n -> {
            assertThat(n.getCorrectionAnnotationIdsList()).containsExactly(correction.getId());
            assertThat(n.getComment()).isEqualTo("It is a dog.");
            assertThat(n.getVerdict()).isEqualTo(ReviewVerdict.APPROVE);
        });
        assertThat(labeler("r1").patchAnnotations("{\"action\":\"overwrite\",\"annotations\":[{\"id\":\""
                + correction.getId() + "\",\"input_id\":\"in0\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}")
                .code()).as("decided: only the owner changes it now").isEqualTo(54103);
    }

    @Test
    void aReviewerWhoAlsoLabelsKeepsTheirCorrectionApartFromTheirOwnLabeling() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"r2\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\",\"r2\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        labeler("r2").labelBatch(taskId, labeler("r2").start(taskId), "cat");
        TaskAssignment w1Labeling = reviewStart("r2", taskId).get(0);
        assertThat(w1Labeling.getWorker().getUser().getId()).isEqualTo("w1");
        var corrected = verdict("r2", taskId, "APPROVE", "{\"task_assignment_id\":\"" + w1Labeling.getId()
                + "\",\"corrections\":[{\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}}]}");
        assertThat(corrected.code()).as(corrected.body()).isEqualTo(10000);
        String correctionId = corrected.message().getCorrections(0).getId();

        // r1 sends r2's own labeling back: only it becomes pending, the correction stays final.
        TaskAssignment r2Labeling = reviewStart("r1", taskId).get(0);
        assertThat(verdict("r1", taskId, "REQUEST_CHANGES", "{\"task_assignment_id\":\"" + r2Labeling.getId() + "\"}")
                .code()).isEqualTo(10000);
        assertThat(annotations("ids=" + correctionId)).singleElement()
                .satisfies(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(24150));
        // r2's save replaces their labeling, never their correction.
        assertThat(labeler("r2").start(taskId)).extracting(TaskAssignment::getId).containsExactly(r2Labeling.getId());
        var saved = save("r2", taskId, concepts("in0", "dog"));
        assertThat(saved.code()).as(saved.body()).isEqualTo(10000);
        assertThat(annotations("task_id=" + taskId + "&user_ids=r2")).extracting(Annotation::getId)
                .contains(correctionId).hasSize(2);
        assertThat(labeler("r2").submit(taskId, List.of(r2Labeling)).code()).isEqualTo(10000);
        assertThat(annotations("ids=" + correctionId)).singleElement().satisfies(a -> {
            assertThat(a.getStatus().getCodeValue()).as("submitting r2's labeling leaves it").isEqualTo(24150);
            assertThat(a.getData().getConcepts(0).getId()).isEqualTo("dog");
        });
    }

    @Test
    void oneCorrectionSettlesWorkThatEveryReviewerMustApprove() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"CONSENSUS\","
                + "\"consensus_strategy_info\":{\"approval_threshold_labelers\":2,\"approval_threshold_reviewers\":-1},"
                + "\"user_ids\":[\"r1\",\"r2\"]}");
        labeler("w1").labelBatch(taskId, labeler("w1").start(taskId), "cat");
        TaskAssignment labeling = reviewStart("r1", taskId).get(0);
        assertThat(reviewStart("r2", taskId)).hasSize(1);
        var corrected = verdict("r1", taskId, "APPROVE", "{\"task_assignment_id\":\"" + labeling.getId()
                + "\",\"corrections\":[{\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}}]}");
        assertThat(corrected.code()).as(corrected.body()).isEqualTo(10000);
        assertThat(corrected.message().getTaskAssignments(0).getStatus().getCodeValue()).isEqualTo(54200);
        assertThat(reviewStart("r2", taskId)).as("withdrawn from r2").isEmpty();
    }

    private ApiClient.Reply<MultiAnnotationResponse> save(String user, String taskId, String inputsJson) {
        return as(user, "PUT", "/tasks/" + taskId + "/annotations", "{\"inputs\":[" + inputsJson + "]}",
                MultiAnnotationResponse.getDefaultInstance());
    }

    private static String concepts(String input, String... concepts) {
        return "{\"input_id\":\"" + input + "\",\"annotations\":[" + java.util.Arrays.stream(concepts)
                .map(c -> "{\"data\":{\"concepts\":[{\"id\":\"" + c + "\",\"value\":1}]}}")
                .collect(Collectors.joining(",")) + "]}";
    }

    private List<String> conceptsOn(String taskId, String input) {
        return annotations("task_id=" + taskId + "&user_ids=w1&input_ids=" + input).stream()
                .flatMap(a -> a.getData().getConceptsList().stream().map(c -> c.getId())).sorted().toList();
    }

    @Test
    void savingAnInputReplacesTheLabelersAnnotationsAtOnceOrChangesNothing() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        List<TaskAssignment> batch = labeler("w1").start(taskId);
        labeler("w2").start(taskId);
        var saved = save("w1", taskId, concepts("in0", "cat") + "," + concepts("in1", "cat", "dog"));
        assertThat(saved.code()).as(saved.body()).isEqualTo(10000);
        assertThat(saved.message().getAnnotationsList()).hasSize(3);

        var replaced = save("w1", taskId, concepts("in0", "dog"));
        assertThat(replaced.code()).as(replaced.body()).isEqualTo(10000);
        assertThat(conceptsOn(taskId, "in0")).containsExactly("dog");

        // The first input's new labels are fine, the second's are not: nothing changes at all.
        var broken = save("w1", taskId, concepts("in0", "cat") + "," + concepts("in1", "cat", "bird"));
        assertThat(broken.code()).as(broken.body()).isEqualTo(24155);
        assertThat(conceptsOn(taskId, "in0")).containsExactly("dog");
        assertThat(conceptsOn(taskId, "in1")).containsExactly("cat", "dog");

        assertThat(save("w1", taskId, concepts("in0") + "," + concepts("in0", "cat")).code())
                .as("an input twice").isEqualTo(11102);
        var cleared = save("w1", taskId, concepts("in1"));
        assertThat(cleared.code()).as(cleared.body()).isEqualTo(10000);
        assertThat(conceptsOn(taskId, "in1")).isEmpty();
        assertThat(annotations("task_id=" + taskId + "&user_ids=w2")).as("nobody else's labels are touched").isEmpty();

        assertThat(save("stranger", taskId, concepts("in0", "cat")).code()).as("not their work").isEqualTo(54103);
        labeler("w1").submit(taskId, batch);
        assertThat(save("w1", taskId, concepts("in0", "cat")).code()).as("turned in").isEqualTo(54103);
        assertThat(conceptsOn(taskId, "in0")).containsExactly("dog");
    }

    @Test
    void overGrpcTheSameHandlersAnswer() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", MANUAL_R1);
        List<TaskAssignment> batch = labeler("w1").start(taskId);
        UserAppIDSet ids = UserAppIDSet.newBuilder().setUserId(LabelingWorld.OWNER).setAppId(app.data().appId()).build();
        try (GrpcClient grpc = new GrpcClient(world.grpcPort())) {
            MultiAnnotationResponse saved = grpc.callWithAuthorization("annotask.labeling.Labeling/PutTaskAnnotations",
                    PutTaskAnnotationsRequest.newBuilder().setUserAppId(ids).setTaskId(taskId).addInputs(InputAnnotations
                            .newBuilder().setInputId("in0").addAnnotations(Annotation.newBuilder().setData(
                                    dev.annotask.proto.api.Data.newBuilder().addConcepts(dev.annotask.proto.api.Concept
                                            .newBuilder().setId("cat").setValue(1))))).build(),
                    MultiAnnotationResponse.getDefaultInstance(), "Key " + world.token("w1"));
            assertThat(saved.getStatus().getCodeValue()).as(saved.getStatus().getDetails()).isEqualTo(10000);
            labeler("w1").submit(taskId, batch);
            reviewStart("r1", taskId);
            MultiReviewVerdictResponse sentBack = grpc.callWithAuthorization("annotask.review.Review/PostReviewVerdicts",
                    PostReviewVerdictsRequest.newBuilder().setUserAppId(ids).setTaskId(taskId)
                            .setVerdict(ReviewVerdict.REQUEST_CHANGES).addLabelings(LabelingVerdict.newBuilder()
                                    .setInputId("in0").setComment("Again, please.")).build(),
                    MultiReviewVerdictResponse.getDefaultInstance(), "Key " + world.token("r1"));
            assertThat(sentBack.getStatus().getCodeValue()).as(sentBack.getStatus().getDetails()).isEqualTo(10000);
            MultiReviewNoteResponse listed = grpc.callWithAuthorization("annotask.review.Review/ListReviewNotes",
                    ListReviewNotesRequest.newBuilder().setUserAppId(ids).setTaskId(taskId).build(),
                    MultiReviewNoteResponse.getDefaultInstance(), "Key " + world.token("w1"));
            assertThat(listed.getReviewNotesList()).extracting(ReviewNote::getComment).containsExactly("Again, please.");
        }
        assertThat(notes("w1", taskId, "")).as("seen over REST").singleElement()
                .satisfies(n -> assertThat(n.getOpen()).isTrue());
    }
}
