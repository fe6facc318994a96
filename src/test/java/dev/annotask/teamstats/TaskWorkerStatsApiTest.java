package dev.annotask.teamstats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.admin.GetTaskWorkerStatsRequest;
import dev.annotask.proto.admin.TaskWorkerStatsResponse;
import dev.annotask.proto.admin.WorkerStats;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GetTaskWorkerStats and the task statuses the owner's task page sets, through the API on both
 * databases (the shared world, whose clock the test moves): each labeler's turned-in work,
 * agreement with the reviewer's verdicts, labelings per bucket and median time per input
 * weighted by inputs; reviewers' verdicts; who may read it; pausing (TASK_IDLE) and reopening
 * a task, with the labeling it stops and the task.reopened event it writes.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class TaskWorkerStatsApiTest {
    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("stats");
    }

    private ApiClient.Reply<TaskWorkerStatsResponse> stats(String token, String taskId, String query) {
        return world.client().send("GET", app.data().longPath() + "/tasks/" + taskId + "/worker_stats" + query, token,
                null, TaskWorkerStatsResponse.getDefaultInstance());
    }

    private static WorkerStats row(TaskWorkerStatsResponse response, String role, String userId) {
        return response.getWorkersList().stream()
                .filter(w -> w.getRole().equals(role) && w.getUser().getId().equals(userId)).findFirst().orElseThrow();
    }

    private static String verdict(String action, String config, List<TaskAssignment> assignments) {
        String ids = assignments.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
        return "{\"action\":\"" + action + "\",\"" + config + "\":{\"task_assignments\":[" + ids + "]}}";
    }

    private void labelAndSubmit(Labeler labeler, String taskId, List<TaskAssignment> turn) {
        for (TaskAssignment assignment : turn) {
            assertThat(labeler.classify(taskId, assignment.getInput().getId(), "cat").code()).isEqualTo(10000);
        }
        var submitted = labeler.submit(taskId, turn);
        assertThat(submitted.code()).as(submitted.body()).isEqualTo(10000);
    }

    @Test
    void theOwnerSeesEachLabelersWorkAgreementThroughputAndMedianTime() {
        app.postInputs(4);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\",\"w3\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        Labeler w1 = app.labeler("w1");
        Labeler w2 = app.labeler("w2");
        List<TaskAssignment> w1Batch = w1.start(taskId);
        List<TaskAssignment> w2Batch = w2.start(taskId);
        assertThat(w1Batch).hasSize(4);
        // w1: one input after 30 s, then three after 270 s more (90 s each): the median over
        // inputs is 90 s (a median over turns would not tell 30 from 90). w2: four after 40 s.
        world.clock().advance(Duration.ofSeconds(30));
        labelAndSubmit(w1, taskId, w1Batch.subList(0, 1));
        world.clock().advance(Duration.ofSeconds(10));
        labelAndSubmit(w2, taskId, w2Batch);
        world.clock().advance(Duration.ofSeconds(260));
        labelAndSubmit(w1, taskId, w1Batch.subList(1, 4));

        Labeler r1 = app.labeler("r1");
        List<TaskAssignment> held = r1.reviewStart(taskId);
        List<TaskAssignment> ofW1 = held.stream().filter(a -> a.getWorker().getUser().getId().equals("w1")).toList();
        assertThat(ofW1).hasSize(4);
        world.clock().advance(Duration.ofSeconds(20));
        assertThat(r1.put(taskId, verdict("REVIEW_APPROVE", "review_approve_config", ofW1.subList(0, 3))).code())
                .isEqualTo(10000);
        assertThat(r1.put(taskId, verdict("REVIEW_REJECT", "review_reject_config", ofW1.subList(3, 4))).code())
                .isEqualTo(10000);

        var reply = stats(world.ownerToken(), taskId, "");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        TaskWorkerStatsResponse response = reply.message();
        assertThat(response.getBucketSeconds()).isEqualTo(3600);
        assertThat(response.getBucketCount()).isEqualTo(24);
        assertThat(response.getWorkersList()).extracting(w -> w.getRole() + ":" + w.getUser().getId())
                .containsExactly("labeler:w1", "labeler:w2", "labeler:w3", "reviewer:r1");

        WorkerStats first = row(response, "labeler", "w1");
        assertThat(first.getDone()).isEqualTo(4);
        assertThat(first.getApproved()).isEqualTo(3);
        assertThat(first.getRejected()).isEqualTo(1);
        assertThat(first.getAgreement()).isEqualTo(0.75);
        assertThat(first.getMedianSecondsPerInput()).isEqualTo(90.0);
        assertThat(first.getPerBucketList()).hasSize(24);
        assertThat(first.getPerBucketList().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);

        WorkerStats second = row(response, "labeler", "w2");
        assertThat(second.getDone()).isEqualTo(4);
        assertThat(second.getAwaiting()).isEqualTo(4);
        assertThat(second.getAgreement()).as("nothing of w2 decided yet").isEqualTo(-1.0);
        assertThat(second.getMedianSecondsPerInput()).isEqualTo(10.0);

        WorkerStats idle = row(response, "labeler", "w3");
        assertThat(idle.getDone()).isZero();
        assertThat(idle.getMedianSecondsPerInput()).isEqualTo(-1.0);
        assertThat(idle.getPerBucketList()).hasSize(24).containsOnly(0L);

        WorkerStats reviewer = row(response, "reviewer", "r1");
        assertThat(reviewer.getDone()).isEqualTo(4);
        assertThat(reviewer.getApproved()).isEqualTo(3);
        assertThat(reviewer.getRejected()).isEqualTo(1);
        assertThat(reviewer.getPending()).as("w2's work held without a verdict").isEqualTo(4);
        assertThat(reviewer.getPerBucketList().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);

        var week = stats(world.ownerToken(), taskId, "?window_hours=168");
        assertThat(week.message().getBucketSeconds()).isEqualTo(86400);
        assertThat(week.message().getBucketCount()).isEqualTo(7);
        assertThat(row(week.message(), "labeler", "w1").getPerBucket(6)).as("all today").isEqualTo(4);
        // The app key's short path reads the same.
        var short_ = app.call("GET", "/v2/tasks/" + taskId + "/worker_stats", null,
                TaskWorkerStatsResponse.getDefaultInstance());
        assertThat(short_.code()).as(short_.body()).isEqualTo(10000);
        assertThat(short_.message().getWorkersCount()).isEqualTo(4);
        // gRPC reaches the same handler, and refuses a labeler the same way.
        UserAppIDSet ids = UserAppIDSet.newBuilder().setUserId(LabelingWorld.OWNER).setAppId(app.data().appId()).build();
        try (GrpcClient grpc = new GrpcClient(world.grpcPort())) {
            GetTaskWorkerStatsRequest request = GetTaskWorkerStatsRequest.newBuilder().setUserAppId(ids).setTaskId(taskId).build();
            TaskWorkerStatsResponse overGrpc = grpc.callWithAuthorization("annotask.admin.Admin/GetTaskWorkerStats", request,
                    TaskWorkerStatsResponse.getDefaultInstance(), "Key " + world.ownerToken());
            assertThat(overGrpc.getStatus().getCodeValue()).as(overGrpc.getStatus().getDetails()).isEqualTo(10000);
            assertThat(row(overGrpc, "labeler", "w1").getAgreement()).isEqualTo(0.75);
            TaskWorkerStatsResponse refused = grpc.callWithAuthorization("annotask.admin.Admin/GetTaskWorkerStats", request,
                    TaskWorkerStatsResponse.getDefaultInstance(), "Key " + world.token("w1"));
            assertThat(refused.getStatus().getCodeValue()).isEqualTo(11007);
        }
    }

    @Test
    void labelersReviewersAndOtherAppsAreRefusedWithAClearStatus() {
        app.postInputs(1);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        for (String person : List.of("w1", "r1", "stranger")) {
            var refused = stats(world.token(person), taskId, "");
            assertThat(refused.code()).as(person + ": " + refused.body()).isIn(11007, 11200);
            assertThat(refused.httpStatus()).as(person).isIn(401, 403);
            assertThat(refused.message().getWorkersList()).as(person).isEmpty();
        }
        assertThat(stats(world.token("w1"), taskId, "").message().getStatus().getDetails())
                .contains("only the app's owner");

        LabelingApp other = world.newApp("stats-other");
        var elsewhere = other.call("GET", "/v2/tasks/" + taskId + "/worker_stats", null,
                TaskWorkerStatsResponse.getDefaultInstance());
        assertThat(elsewhere.code()).as("a task of another app").isEqualTo(54102);
        assertThat(stats(world.ownerToken(), "no-such-task", "").code()).isEqualTo(54102);
        var tooLong = stats(world.ownerToken(), taskId, "?window_hours=721");
        assertThat(tooLong.code()).as(tooLong.body()).isEqualTo(11102);
        assertThat(tooLong.httpStatus()).isEqualTo(400);
    }

    private ApiClient.Reply<MultiTaskResponse> setStatus(String taskId, String code) {
        return app.call("PATCH", "/v2/tasks", "{\"action\":\"merge\",\"tasks\":[{\"id\":\"" + taskId
                + "\",\"status\":{\"code\":\"" + code + "\"}}]}", MultiTaskResponse.getDefaultInstance());
    }

    private List<String> eventTypes() {
        return world.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT e.type FROM events e JOIN apps a ON a.uid = e.app_uid WHERE a.id = :app ORDER BY e.seq")
                .bind("app", app.data().appId()).mapTo(String.class).list());
    }

    @Test
    void aPausedTaskHandsOutNothingUntilReopenedAndEachChangeIsAnEvent() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        var hook = app.call("POST", "/v2/webhooks", "{\"webhooks\":[{\"id\":\"watch\",\"url\":"
                + "\"https://hooks.example.com/annotask\",\"events\":[\"task.updated\",\"task.reopened\"],"
                + "\"secret\":\"a-secret-of-sixteen-chars\"}]}",
                dev.annotask.proto.webhooks.MultiWebhookResponse.getDefaultInstance());
        assertThat(hook.code()).as(hook.body()).isEqualTo(10000);

        var paused = setStatus(taskId, "TASK_IDLE");
        assertThat(paused.code()).as(paused.body()).isEqualTo(10000);
        assertThat(paused.message().getTasks(0).getStatus().getCodeValue()).isEqualTo(54006);
        assertThat(app.data().getTask(taskId).getStatus().getCodeValue()).isEqualTo(54006);
        var nothing = app.labeler("w1").put(taskId, "{\"action\":\"LABEL_START\"}");
        assertThat(nothing.code()).as(nothing.body()).isEqualTo(10000);
        assertThat(nothing.message().getTaskAssignmentsList()).as("a paused task hands out nothing").isEmpty();

        assertThat(setStatus(taskId, "TASK_IN_PROGRESS").code()).isEqualTo(10000);
        assertThat(app.labeler("w1").start(taskId)).hasSize(2);
        // Closed, then reopened: the same event.
        assertThat(setStatus(taskId, "TASK_WONT_DO").code()).isEqualTo(10000);
        assertThat(app.labeler("w2").put(taskId, "{\"action\":\"LABEL_START\"}").message().getTaskAssignmentsList())
                .isEmpty();
        assertThat(setStatus(taskId, "TASK_IN_PROGRESS").code()).isEqualTo(10000);
        assertThat(eventTypes()).containsExactly("task.updated", "task.updated", "task.reopened", "task.updated",
                "task.updated", "task.reopened");
        // Patching to the status it has already is an update, not a reopening.
        assertThat(setStatus(taskId, "TASK_IN_PROGRESS").code()).isEqualTo(10000);
        assertThat(eventTypes()).endsWith("task.reopened", "task.updated");
        assertThat(setStatus(taskId, "TASK_FAILED").code()).as("not the owner's to set").isEqualTo(11102);
    }
}
