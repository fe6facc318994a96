package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.config.ServerConfig;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.SingleTaskCountResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.TaskStatusCountPerUser;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.Worker;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The counts behind GetTaskInputCount and GetTaskAnnotationCount ({@code task_status_counts},
 * kept by database triggers) against a fresh GROUP BY over the rows they count, after each
 * step of the ways those rows change: labeling, annotating, PatchAnnotations,
 * DeleteAnnotations, submitting, every review verdict, a worker removed, lease expiry, an
 * input deleted (its annotations go by foreign-key cascade), a task deleted (its assignments
 * go by cascade, its annotations stay) and an app deleted. Any drift fails the step that caused
 * it. On both databases.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class TaskStatusCountsApiTest {
    private static final Map<Integer, String> ASSIGNMENT_FIELDS = Map.of(
            StatusCode.TASK_ASSIGNMENT_PENDING_VALUE, "pending",
            StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW_VALUE, "awaiting_review",
            StatusCode.TASK_ASSIGNMENT_SUCCESS_VALUE, "success",
            StatusCode.TASK_ASSIGNMENT_REJECTED_VALUE, "review_denied",
            StatusCode.TASK_ASSIGNMENT_AWAITING_CONSENSUS_REVIEW_VALUE, "awaiting_consensus_review");
    private static final Map<Integer, String> ANNOTATION_FIELDS = Map.of(
            StatusCode.ANNOTATION_PENDING_VALUE, "pending",
            StatusCode.ANNOTATION_AWAITING_REVIEW_VALUE, "awaiting_review",
            StatusCode.ANNOTATION_SUCCESS_VALUE, "success",
            StatusCode.ANNOTATION_REVIEW_DENIED_VALUE, "review_denied",
            StatusCode.ANNOTATION_AWAITING_CONSENSUS_REVIEW_VALUE, "awaiting_consensus_review");

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("counts");
    }

    @Test
    void countsFollowLabelingReviewAndDeletionsExactly() {
        app.postInputs(6);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        List<String> workers = List.of("w1", "w2");
        assertCountsExact(taskId, workers);
        assertThat(counts(taskId, "inputs").getCountsList()).as("every worker has a row, even before any work")
                .extracting(TaskStatusCountPerUser::getUserId).containsExactly("w1", "w2");

        Labeler w1 = app.labeler("w1");
        List<TaskAssignment> w1Batch = w1.start(taskId);
        assertCountsExact(taskId, workers);

        List<String> w1Annotations = new ArrayList<>();
        for (TaskAssignment assignment : w1Batch.subList(0, 3)) {
            var posted = w1.classify(taskId, assignment.getInput().getId(), "cat");
            assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
            w1Annotations.add(posted.message().getAnnotations(0).getId());
        }
        var outsideTasks = app.call("POST", "/v2/annotations", "{\"annotations\":[{\"input_id\":\"in0\","
                + "\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}}]}", MultiAnnotationResponse.getDefaultInstance());
        assertThat(outsideTasks.code()).as(outsideTasks.body()).isEqualTo(10000);
        assertCountsExact(taskId, workers);

        var patched = w1.patchAnnotations("{\"action\":\"overwrite\",\"annotations\":[{\"id\":\"" + w1Annotations.get(0)
                + "\",\"input_id\":\"" + w1Batch.get(0).getInput().getId()
                + "\",\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}}]}");
        assertThat(patched.code()).as(patched.body()).isEqualTo(10000);
        assertCountsExact(taskId, workers);

        var deleted = app.call("DELETE", "/v2/annotations", "{\"ids\":[\"" + w1Annotations.get(2) + "\"],\"input_ids\":[\""
                + w1Batch.get(2).getInput().getId() + "\"]}", BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);
        assertCountsExact(taskId, workers);

        assertThat(w1.submit(taskId, w1Batch).code()).isEqualTo(10000);
        assertCountsExact(taskId, workers);

        Labeler w2 = app.labeler("w2");
        w2.labelBatch(taskId, w2.start(taskId), "dog");
        assertCountsExact(taskId, workers);

        Labeler r1 = app.labeler("r1");
        List<TaskAssignment> queue = r1.put(taskId, "{\"action\":\"REVIEW_START\"}").message().getTaskAssignmentsList();
        assertThat(queue).hasSizeGreaterThanOrEqualTo(3);
        assertThat(r1.put(taskId, verdict("REVIEW_APPROVE", "review_approve_config", queue.get(0))).code())
                .isEqualTo(10000);
        assertCountsExact(taskId, workers);
        assertThat(r1.put(taskId, verdict("REVIEW_REJECT", "review_reject_config", queue.get(1))).code())
                .isEqualTo(10000);
        assertCountsExact(taskId, workers);
        assertThat(r1.put(taskId, verdict("REVIEW_REQUEST_CHANGES", "review_request_changes_config", queue.get(2)))
                .code()).isEqualTo(10000);
        assertCountsExact(taskId, workers);

        // w2 leaves the task: their turned-in work stays, and so does their row, after the workers.
        var overwrite = app.call("PATCH", "/v2/tasks", "{\"action\":\"overwrite\",\"tasks\":[{\"id\":\"" + taskId
                + "\",\"type\":\"CONCEPTS_CLASSIFICATION\",\"name\":\"t\",\"worker\":{\"strategy\":\"FULL\","
                + "\"user_ids\":[\"w3\",\"w1\"]},\"concept_ids\":[\"cat\",\"dog\"],\"input_source\":{\"type\":"
                + "\"ALL_INPUTS\"},\"review\":{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}}]}",
                MultiTaskResponse.getDefaultInstance());
        assertThat(overwrite.code()).as(overwrite.body()).isEqualTo(10000);
        workers = List.of("w3", "w1");
        assertCountsExact(taskId, workers);
        assertThat(counts(taskId, "annotations").getCountsList()).extracting(TaskStatusCountPerUser::getUserId)
                .containsExactly("w3", "w1", "w2");

        String labeledInput = w1Batch.get(1).getInput().getId();
        assertThat(app.call("DELETE", "/v2/inputs/" + labeledInput, null, BaseResponse.getDefaultInstance()).code())
                .isEqualTo(10000);
        assertCountsExact(taskId, workers);

        assertThat(app.call("DELETE", "/v2/tasks", "{\"ids\":[\"" + taskId + "\"]}", BaseResponse.getDefaultInstance())
                .code()).isEqualTo(10000);
        assertTableExact(appUid());
        assertThat(countRows(taskId, "assignment")).as("the task's assignments went, and their counts").isZero();
        assertThat(countRows(taskId, "annotation")).as("its annotations stay, and so do their counts").isPositive();
    }

    @Test
    void expiredLeasesLeaveTheCounts() {
        app.postInputs(12);
        String taskId = app.task("{\"strategy\":\"DYNAMIC\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        List<String> workers = List.of("w1", "w2");
        Labeler w1 = app.labeler("w1");
        Labeler w2 = app.labeler("w2");
        List<TaskAssignment> held = w1.start(taskId);
        assertThat(w1.classify(taskId, held.get(0).getInput().getId(), "cat").code()).isEqualTo(10000);
        w2.labelBatch(taskId, w2.start(taskId), "dog");
        assertCountsExact(taskId, workers);

        world.clock().advance(ServerConfig.DEFAULT_LEASE.plusSeconds(1));
        assertThat(w2.start(taskId)).hasSize(10);
        assertCountsExact(taskId, workers);
        assertThat(counts(taskId, "inputs").getCountsList()).filteredOn(c -> c.getUserId().equals("w1"))
                .singleElement().satisfies(c -> assertThat(c.getPending()).isZero());
    }

    @Test
    void consensusOutcomesAreCounted() {
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\",\"w3\"]}",
                "{\"strategy\":\"CONSENSUS\",\"user_ids\":[\"r1\"],\"consensus_strategy_info\":"
                        + "{\"approval_threshold_labelers\":2}}");
        List<String> workers = List.of("w1", "w2", "w3");
        app.labeler("w1").labelBatch(taskId, app.labeler("w1").start(taskId), "cat");
        assertCountsExact(taskId, workers);
        app.labeler("w2").labelBatch(taskId, app.labeler("w2").start(taskId), "dog");
        assertCountsExact(taskId, workers);
        app.labeler("w3").labelBatch(taskId, app.labeler("w3").start(taskId), "cat");
        assertCountsExact(taskId, workers);
        assertThat(counts(taskId, "annotations").getCountsList()).filteredOn(c -> c.getUserId().equals("w2"))
                .singleElement().satisfies(c -> assertThat(c.getReviewDenied()).isEqualTo(2));
    }

    @Test
    void deletingTheAppTakesItsCountsAlong() {
        app.postInputs(3);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        app.labeler("w1").labelBatch(taskId, app.labeler("w1").start(taskId), "cat");
        String appUid = appUid();
        assertThat(countRowsOfApp(appUid)).isPositive();

        var deleted = world.client().send("DELETE", app.data().longPath(), world.ownerToken(), null,
                BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);
        assertTableExact(appUid);
        assertThat(countRowsOfApp(appUid)).as("no rows are left to count, and no counts").isZero();
    }

    /**
     * PostAnnotations does not lock the task's row, so on PostgreSQL it can meet another
     * transaction on a shared count row in the other order. Here a transaction holds the count
     * the request's trigger needs and then waits for the request's new annotation: a real
     * deadlock (40P01). The request is its victim (this transaction waits a minute before
     * looking for deadlocks, the request one second), the dispatcher runs it again, and the
     * client sees success, with the counts exact.
     */
    @Test
    void aDeadlockOverACountIsRetriedNotAnError() throws Exception {
        if (dialect != SqlDialect.POSTGRESQL) {
            return; // SQLite has one writer: no deadlocks
        }
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = app.labeler("w1");
        w1.start(taskId);
        assertThat(w1.classify(taskId, "in0", "cat").code()).isEqualTo(10000);
        String appUid = appUid();
        try (Handle other = world.database().jdbi().open()) {
            other.begin();
            other.execute("SET LOCAL deadlock_timeout = '60s'");
            other.execute("UPDATE task_status_counts SET n = n WHERE app_uid = ? AND task_id = ? AND kind = 'annotation'"
                    + " AND user_id = 'w1' AND status = ?", appUid, taskId, StatusCode.ANNOTATION_PENDING_VALUE);
            CompletableFuture<ApiClient.Reply<MultiAnnotationResponse>> posting = CompletableFuture.supplyAsync(() ->
                    w1.annotate("{\"annotations\":[{\"id\":\"crossed\",\"input_id\":\"in1\",\"task_id\":\"" + taskId
                            + "\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}"));
            awaitWaitingForALock();
            // Returns only once the request's transaction, holding annotation 'crossed', is gone.
            other.execute("INSERT INTO annotations (app_uid, id, input_id, task_id, user_id, data, status, created_at,"
                    + " modified_at) VALUES (?, 'crossed', 'in1', '', 'owner', '{}', 24150, 0, 0)", appUid);
            other.rollback();
            var reply = posting.get(30, TimeUnit.SECONDS);
            assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
            assertThat(reply.httpStatus()).isEqualTo(200);
        }
        assertCountsExact(taskId, List.of("w1"));
        assertThat(counts(taskId, "annotations").getCounts(0).getPending()).isEqualTo(2);
    }

    private void awaitWaitingForALock() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            boolean waiting = world.database().jdbi().withHandle(handle -> handle.createQuery("""
                    SELECT COUNT(*) AS n FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'""").mapTo(Long.class).one() > 0);
            if (waiting) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the request never waited for the count's row");
    }

    private static String verdict(String action, String config, TaskAssignment assignment) {
        return "{\"action\":\"" + action + "\",\"" + config + "\":{\"task_assignments\":[{\"id\":\"" + assignment.getId()
                + "\"}]}}";
    }

    private SingleTaskCountResponse counts(String taskId, String what) {
        var reply = app.call("GET", "/v2/tasks/" + taskId + "/" + what + "/count", null,
                SingleTaskCountResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().toBuilder().clearStatus().build();
    }

    /** Both RPCs answer what the GROUP BY over the base rows answers, and the whole table agrees. */
    private void assertCountsExact(String taskId, List<String> workers) {
        String appUid = appUid();
        assertTableExact(appUid);
        assertThat(counts(taskId, "inputs")).as("GetTaskInputCount").isEqualTo(expected(taskId, workers, """
                SELECT worker_id AS user_id, status, COUNT(*) AS n FROM task_assignments
                WHERE app_uid = :app AND task_id = :task GROUP BY worker_id, status""", appUid, ASSIGNMENT_FIELDS));
        assertThat(counts(taskId, "annotations")).as("GetTaskAnnotationCount").isEqualTo(expected(taskId, workers, """
                SELECT user_id, status, COUNT(*) AS n FROM annotations
                WHERE app_uid = :app AND task_id = :task GROUP BY user_id, status""", appUid, ANNOTATION_FIELDS));
    }

    /**
     * The reply as the counts were computed before the counts table: every worker in the task's
     * order with every counter, then anyone else with rows, by id.
     */
    private SingleTaskCountResponse expected(String taskId, List<String> workers, String groupBy, String appUid,
                                             Map<Integer, String> fields) {
        Map<String, TaskStatusCountPerUser.Builder> rows = new LinkedHashMap<>();
        workers.forEach(w -> rows.put(w, row(w)));
        Map<String, TaskStatusCountPerUser.Builder> others = new TreeMap<>();
        world.database().jdbi().useHandle(handle -> handle.createQuery(groupBy).bind("app", appUid).bind("task", taskId)
                .map((rs, ctx) -> {
                    String user = rs.getString("user_id");
                    String field = fields.get(rs.getInt("status"));
                    TaskStatusCountPerUser.Builder row = rows.containsKey(user) ? rows.get(user)
                            : others.computeIfAbsent(user, TaskStatusCountsApiTest::row);
                    if (field != null) {
                        var descriptor = TaskStatusCountPerUser.getDescriptor().findFieldByName(field);
                        row.setField(descriptor, (Integer) row.getField(descriptor) + rs.getInt("n"));
                    }
                    return 0;
                }).list());
        rows.putAll(others);
        SingleTaskCountResponse.Builder response = SingleTaskCountResponse.newBuilder()
                .setAppId(app.data().appId()).setTaskId(taskId);
        rows.values().forEach(response::addCounts);
        return response.build();
    }

    private static TaskStatusCountPerUser.Builder row(String userId) {
        return TaskStatusCountPerUser.newBuilder().setUserId(userId)
                .setWorker(Worker.newBuilder().setUser(User.newBuilder().setId(userId)));
    }

    /** The app's counts, every task's, equal a fresh GROUP BY over its assignments and task annotations. */
    private void assertTableExact(String appUid) {
        String order = " ORDER BY app_uid, task_id, kind, user_id, status";
        List<String> stored = world.database().jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT app_uid, task_id, kind, user_id, status, n FROM task_status_counts WHERE app_uid = :app"
                                + order)
                .bind("app", appUid).map((rs, ctx) -> line(rs)).list());
        List<String> fresh = world.database().jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT * FROM (
                          SELECT app_uid, task_id, 'assignment' AS kind, worker_id AS user_id, status, COUNT(*) AS n
                          FROM task_assignments WHERE app_uid = :app GROUP BY app_uid, task_id, worker_id, status
                          UNION ALL
                          SELECT app_uid, task_id, 'annotation' AS kind, user_id, status, COUNT(*) AS n
                          FROM annotations WHERE app_uid = :app AND task_id <> ''
                          GROUP BY app_uid, task_id, user_id, status) AS c""" + order)
                .bind("app", appUid).map((rs, ctx) -> line(rs)).list());
        assertThat(stored).as("task_status_counts against the rows").isEqualTo(fresh);
    }

    private static String line(ResultSet rs) throws SQLException {
        return List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6)).stream().collect(Collectors.joining(" "));
    }

    private String appUid() {
        return world.database().jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT uid FROM apps WHERE id = :id").bind("id", app.data().appId()).mapTo(String.class).one());
    }

    private long countRows(String taskId, String kind) {
        String appUid = appUid();
        return world.database().jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT COUNT(*) FROM task_status_counts WHERE app_uid = :app AND task_id = :task AND kind = :kind""")
                .bind("app", appUid).bind("task", taskId).bind("kind", kind).mapTo(Long.class).one());
    }

    private long countRowsOfApp(String appUid) {
        return world.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM task_status_counts WHERE app_uid = :app").bind("app", appUid).mapTo(Long.class).one());
    }
}
