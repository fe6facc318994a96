package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiCollaboratorsResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.SingleTaskCountResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DeleteCollaborators takes the removed users out of the app's tasks in the same transaction:
 * their unfinished work is released and rebalanced, their review holds go back to the pool,
 * the lists stop naming them, and every task can still complete. One server per database;
 * each test gets a fresh app in which w1–w4, r1, r2 and a stranger collaborate with {@code All}.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class CollaboratorRemovalApiTest {
    private static final int TASK_DONE = 54002;
    private static final int TASK_IN_PROGRESS = 54001;
    private static final int ASSIGNMENT_SUCCESS = 54200;
    private static final int AWAITING_REVIEW = 54202;
    private static final int ANNOTATION_REVIEW_DENIED = 24158;

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("removal");
    }

    private Labeler labeler(String userId) {
        return app.labeler(userId);
    }

    private Labeler owner() {
        return new Labeler(world.client(), LabelingWorld.OWNER, world.ownerToken(), app.data());
    }

    /** DeleteCollaborators with the given token on the app's long path. */
    private ApiClient.Reply<BaseResponse> removeWith(String token, String... userIds) {
        String ids = java.util.Arrays.stream(userIds).map(id -> "\"" + id + "\"").collect(Collectors.joining(","));
        return world.client().send("DELETE", app.data().longPath() + "/collaborators", token,
                "{\"collaborator_ids\":[" + ids + "]}", BaseResponse.getDefaultInstance());
    }

    private void remove(String... userIds) {
        var reply = removeWith(world.ownerToken(), userIds);
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    private Task task(String taskId) {
        return app.data().getTask(taskId);
    }

    private static String batch(String action, String config, List<TaskAssignment> assignments) {
        String ids = assignments.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
        return "{\"action\":\"" + action + "\",\"" + config + "\":{\"task_assignments\":[" + ids + "]}}";
    }

    private List<TaskAssignment> reviewStart(Labeler reviewer, String taskId) {
        var reply = reviewer.put(taskId, "{\"action\":\"REVIEW_START\"}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTaskAssignmentsList();
    }

    private List<TaskAssignment> approve(Labeler reviewer, String taskId, List<TaskAssignment> assignments) {
        var reply = reviewer.put(taskId, batch("REVIEW_APPROVE", "review_approve_config", assignments));
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTaskAssignmentsList();
    }

    /** Labels with "cat" until the task hands the labeler nothing more; returns the inputs labeled. */
    private List<String> labelAll(Labeler labeler, String taskId) {
        List<String> labeled = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            List<TaskAssignment> batch = labeler.start(taskId);
            if (batch.isEmpty()) {
                return labeled;
            }
            labeler.labelBatch(taskId, batch, "cat");
            labeled.addAll(LabelingApp.inputsOf(batch));
        }
        throw new AssertionError(labeler.userId() + " still gets work after 20 batches");
    }

    private Map<String, Integer> pendingByWorker(String taskId) {
        var reply = app.call("GET", "/v2/tasks/" + taskId + "/inputs/count", null,
                SingleTaskCountResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getCountsList().stream()
                .collect(Collectors.toMap(c -> c.getUserId(), c -> c.getPending()));
    }

    @Test
    void onlyTheOwnerAddsAndRemovesCollaborators() {
        var byCollaborator = removeWith(world.token("w1"), "w2");
        assertThat(byCollaborator.code()).as("an All grant covers data, not membership").isEqualTo(11007);
        assertThat(byCollaborator.httpStatus()).isEqualTo(403);
        var invite = world.client().send("POST", app.data().longPath() + "/collaborators", world.token("w1"),
                "{\"collaborators\":[{\"user\":{\"id\":\"w2\"}}]}", MultiCollaboratorsResponse.getDefaultInstance());
        assertThat(invite.code()).isEqualTo(11007);

        var byAppKey = removeWith(app.data().appKey(), "w2");
        assertThat(byAppKey.code()).as("the app's own key has the owner's rights").isEqualTo(10000);
        var listed = app.call("GET", app.data().longPath() + "/collaborators", null,
                MultiCollaboratorsResponse.getDefaultInstance());
        assertThat(listed.message().getCollaboratorsList()).extracting(c -> c.getUser().getId())
                .contains("w1").doesNotContain("w2");
    }

    @Test
    void partitionedShareMovesToTheOthersAndTheTaskCompletes() {
        List<String> inputs = app.postInputs(30);
        String taskId = app.task("{\"strategy\":\"PARTITIONED\",\"user_ids\":[\"w1\",\"w2\",\"w3\"],"
                + "\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":1}}", "{\"strategy\":\"NONE\"}");
        List<TaskAssignment> held = labeler("w3").start(taskId);
        assertThat(held).isNotEmpty();
        List<String> labeledBefore = new ArrayList<>(labelAll(labeler("w1"), taskId));

        remove("w3");

        Task after = task(taskId);
        DataFixtures.assertWorkers(after, "w1", "w2");
        assertThat(app.data().taskIds("?worker_user_ids=w3")).isEmpty();
        assertThat(pendingByWorker(taskId).getOrDefault("w3", 0)).as("w3's batch was released").isZero();
        assertThat(labeler("w3").put(taskId, "{\"action\":\"LABEL_START\"}").code())
                .as("their token no longer reaches the app").isEqualTo(11008);

        List<String> labeled = new ArrayList<>(labeledBefore);
        labeled.addAll(labelAll(labeler("w1"), taskId));
        labeled.addAll(labelAll(labeler("w2"), taskId));
        assertThat(labeled).as("every input labeled exactly once").containsExactlyInAnyOrderElementsOf(inputs);
        assertThat(labeled).containsAll(LabelingApp.inputsOf(held));
        assertThat(task(taskId).getStatus().getCodeValue()).isEqualTo(TASK_DONE);
    }

    @Test
    void aFullTaskNeedsOneLabelerLessAndCompletesAtOnce() {
        app.postInputs(3);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        labelAll(labeler("w1"), taskId);
        assertThat(labeler("w2").start(taskId)).hasSize(3);
        assertThat(task(taskId).getStatus().getCodeValue()).isEqualTo(TASK_IN_PROGRESS);

        remove("w2");

        DataFixtures.assertWorkers(task(taskId), "w1");
        assertThat(task(taskId).getStatus().getCodeValue()).as("w1 labeled everything the task still needs")
                .isEqualTo(TASK_DONE);
    }

    @Test
    void dynamicLeasesAreReleasedToTheOthers() {
        List<String> inputs = app.postInputs(10);
        String taskId = app.task("{\"strategy\":\"DYNAMIC\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        assertThat(LabelingApp.inputsOf(labeler("w2").start(taskId))).containsExactlyInAnyOrderElementsOf(inputs);
        assertThat(labeler("w1").start(taskId)).as("all leased to w2").isEmpty();

        remove("w2");

        assertThat(labelAll(labeler("w1"), taskId)).containsExactlyInAnyOrderElementsOf(inputs);
        assertThat(task(taskId).getStatus().getCodeValue()).isEqualTo(TASK_DONE);
    }

    @Test
    void workersPerInputDropsToTheWorkersLeftAndWeightsFollow() {
        app.postInputs(4);
        String taskId = app.task("{\"strategy\":\"PARTITIONED\",\"user_ids\":[\"w1\",\"w2\"],"
                + "\"partitioned_strategy_info\":{\"type\":\"WEIGHTED\",\"workers_per_input\":2,"
                + "\"weights\":{\"w1\":1,\"w2\":1}}}", "{\"strategy\":\"NONE\"}");
        labelAll(labeler("w1"), taskId);

        remove("w2");

        Task after = task(taskId);
        DataFixtures.assertWorkers(after, "w1");
        assertThat(after.getWorker().getPartitionedStrategyInfo().getWorkersPerInput()).isEqualTo(1);
        assertThat(after.getWorker().getPartitionedStrategyInfo().getWeights().getFieldsMap()).containsOnlyKeys("w1");
        assertThat(after.getStatus().getCodeValue()).isEqualTo(TASK_DONE);
    }

    @Test
    void consensusThatCanNoLongerBeReachedGoesToReview() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\",\"w3\"]}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold_labelers\":3},"
                        + "\"user_ids\":[\"r1\"]}");
        labelAll(labeler("w1"), taskId);
        labelAll(labeler("w2"), taskId);
        assertThat(labeler("w3").start(taskId)).hasSize(1);

        remove("w3");

        Task after = task(taskId);
        assertThat(after.getReview().getConsensusStrategyInfo().getApprovalThresholdLabelers())
                .as("the bar stays").isEqualTo(3);
        List<TaskAssignment> queue = reviewStart(labeler("r1"), taskId);
        assertThat(queue).as("two labelings can never make three: both go to review").hasSize(2)
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(AWAITING_REVIEW));
        approve(labeler("r1"), taskId, queue);
        assertThat(task(taskId).getStatus().getCodeValue()).isEqualTo(TASK_DONE);
    }

    @Test
    void aRemovedReviewersHeldWorkGoesBackToThePool() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\",\"r2\"]}");
        labelAll(labeler("w1"), taskId);
        assertThat(reviewStart(labeler("r1"), taskId)).hasSize(2);
        assertThat(reviewStart(labeler("r2"), taskId)).as("held by r1").isEmpty();

        remove("r1");

        DataFixtures.assertReviewers(task(taskId), "r2");
        assertThat(app.data().taskIds("?review_user_ids=r1")).isEmpty();
        List<TaskAssignment> queue = reviewStart(labeler("r2"), taskId);
        assertThat(queue).hasSize(2);
        assertThat(approve(labeler("r2"), taskId, queue))
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(ASSIGNMENT_SUCCESS));
        assertThat(task(taskId).getStatus().getCodeValue()).isEqualTo(TASK_DONE);
    }

    @Test
    void whenTheOnlyReviewerOrWorkerGoesTheOwnerTakesTheirPlace() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        labelAll(labeler("w1"), taskId);

        remove("r1", "w1");

        Task after = task(taskId);
        DataFixtures.assertWorkers(after, LabelingWorld.OWNER);
        DataFixtures.assertReviewers(after, LabelingWorld.OWNER);
        List<TaskAssignment> queue = reviewStart(owner(), taskId);
        assertThat(queue).as("w1's finished work is still reviewed").hasSize(2);
        approve(owner(), taskId, queue);
        assertThat(task(taskId).getStatus().getCodeValue()).isEqualTo(TASK_DONE);
    }

    @Test
    void whenTheOneReviewerLeftAlsoLabelsTheOwnerJoinsTheReviewers() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\",\"w2\"]}");
        labelAll(labeler("w2"), taskId);

        remove("r1");

        DataFixtures.assertReviewers(task(taskId), "w2", LabelingWorld.OWNER);
        assertThat(reviewStart(labeler("w2"), taskId)).as("nobody reviews their own labeling").isEmpty();
        List<TaskAssignment> queue = reviewStart(owner(), taskId);
        assertThat(queue).extracting(a -> a.getWorker().getUser().getId()).containsExactly("w2");
        assertThat(approve(owner(), taskId, queue))
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(ASSIGNMENT_SUCCESS));
    }

    @Test
    void whenEveryReviewerMustApproveOnlyTheListedReviewersCount() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":{\"approval_threshold_labelers\":2,"
                        + "\"approval_threshold_reviewers\":-1},\"user_ids\":[\"r1\",\"r2\",\"w4\"]}");
        labelAll(labeler("w1"), taskId);
        List<TaskAssignment> queue = reviewStart(labeler("r1"), taskId);
        assertThat(queue).hasSize(2);
        TaskAssignment first = queue.get(0);
        TaskAssignment second = queue.get(1);
        approve(labeler("r1"), taskId, List.of(first));
        approve(labeler("r2"), taskId, List.of(first, second));
        assertThat(approve(labeler("w4"), taskId, List.of(second)))
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).as("r1 has not approved it").isEqualTo(AWAITING_REVIEW));

        remove("w4");

        assertThat(app.data().listTasks("?ids=" + taskId)).singleElement().satisfies(t ->
                DataFixtures.assertReviewers(t, "r1", "r2"));
        List<TaskAssignment> r1Queue = reviewStart(labeler("r1"), taskId);
        assertThat(r1Queue).extracting(TaskAssignment::getId)
                .as("the first was settled by the removal: r1 and r2, every reviewer left, had approved it")
                .containsExactly(second.getId());
        approve(labeler("r1"), taskId, r1Queue);
        assertThat(task(taskId).getStatus().getCodeValue()).isEqualTo(TASK_DONE);
    }

    @Test
    void changesRequestedOfARemovedLabelerReturnTheInputToThePool() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"DYNAMIC\",\"user_ids\":[\"w1\",\"w2\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        labelAll(labeler("w2"), taskId);
        List<TaskAssignment> queue = reviewStart(labeler("r1"), taskId);

        remove("w2");

        var sentBack = labeler("r1").put(taskId, batch("REVIEW_REQUEST_CHANGES", "review_request_changes_config", queue));
        assertThat(sentBack.code()).as(sentBack.body()).isEqualTo(10000);
        var annotations = app.call("GET", "/v2/annotations?task_id=" + taskId + "&user_ids=w2", null,
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(annotations.message().getAnnotationsList()).singleElement()
                .satisfies(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(ANNOTATION_REVIEW_DENIED));
        assertThat(labelAll(labeler("w1"), taskId)).as("the input went back to the pool").hasSize(1);
        approve(labeler("r1"), taskId, reviewStart(labeler("r1"), taskId));
        assertThat(task(taskId).getStatus().getCodeValue()).isEqualTo(TASK_DONE);
    }

    @Test
    void aTaskCannotBeGivenSomeoneNoLongerCollaborating() {
        remove("w3");
        var posted = app.call("POST", "/v2/tasks", "{\"tasks\":[{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":"
                        + "{\"strategy\":\"FULL\",\"user_ids\":[\"w3\"]},\"concept_ids\":[\"cat\"],"
                        + "\"input_source\":{\"type\":\"ALL_INPUTS\"}}]}", MultiTaskResponse.getDefaultInstance());
        assertThat(posted.code()).as(posted.body()).isEqualTo(11102);
        assertThat(posted.status().getDetails()).contains("'w3' is neither the app's owner nor a collaborator");
    }

    @Test
    void labelStartsRacingTheRemovalLeaveTheRemovedWorkerNothing() throws Exception {
        app.postInputs(40);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w3\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w3 = labeler("w3");
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(3);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<?>> racers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                racers.add(pool.submit(() -> {
                    started.countDown();
                    for (int call = 0; call < 40; call++) {
                        var reply = w3.put(taskId, "{\"action\":\"LABEL_START\"}");
                        if (reply.code() != 10000) {
                            assertThat(reply.code()).as(reply.body()).isIn(11008, 54103);
                            return;
                        }
                        w3.submit(taskId, reply.message().getTaskAssignmentsList().subList(0,
                                Math.min(1, reply.message().getTaskAssignmentsCount())));
                    }
                }));
            }
            started.await();
            remove("w3");
            for (var racer : racers) {
                racer.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        long stillHeld = world.database().jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT COUNT(*) FROM task_assignments WHERE task_id = :task AND worker_id = 'w3' AND status = 54201""")
                .bind("task", taskId).mapTo(Long.class).one());
        assertThat(stillHeld).as("no call that began before the removal left w3 holding work").isZero();
        labelAll(labeler("w1"), taskId);
        assertThat(task(taskId).getStatus().getCodeValue()).isEqualTo(TASK_DONE);
    }
}
