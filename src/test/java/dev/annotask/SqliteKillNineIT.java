package dev.annotask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiDatasetInputResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.StatusCounts;
import dev.annotask.testing.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The single-node promise, for real: the built jar on SQLite, killed with {@code kill -9}
 * while several clients write, loses nothing it acknowledged and restarts into a consistent
 * database.
 *
 * <p>Seven client threads write at once: two upload inputs (ids chosen here) and add them to a
 * dataset, one creates tasks, four labelers work a DYNAMIC task (LABEL_START, one annotation per
 * input with an id chosen here, LABEL_SUBMIT). Every write answered 10000 is recorded. Once
 * each kind has been acknowledged a few times the process is killed mid-stream (requests in
 * flight are cut off: those may or may not have landed). A new process on the same data
 * directory must then show every acknowledged write, and the derived counts (app and dataset
 * input counts, the per-status task counts kept by triggers) must equal a count of the rows,
 * in a database that passes SQLite's integrity check. Nothing is timed; the run ends by counts,
 * within generous bounds.
 */
class SqliteKillNineIT {
    private static final int LABELERS = 4;
    private static final int SEEDED_INPUTS = 400;
    private static final long DEADLINE_MILLIS = TimeUnit.MINUTES.toMillis(3);

    private final Set<String> inputs = ConcurrentHashMap.newKeySet();
    private final Set<String> members = ConcurrentHashMap.newKeySet();
    private final Set<String> tasks = ConcurrentHashMap.newKeySet();
    private final Set<String> annotations = ConcurrentHashMap.newKeySet();
    private final Set<String> submitted = ConcurrentHashMap.newKeySet();
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Set just before the kill: from then on a failed connection is the expected end of a client. */
    private final AtomicBoolean killing = new AtomicBoolean();
    private ApiClient api;
    private DataFixtures app;
    private String taskId;

    @Test
    void everyAcknowledgedWriteSurvivesKillNineAndTheCountsAgree() throws Exception {
        Path data = TestDatabases.tempDirectory();
        try (ServerProcess first = ServerProcess.start("--data", data.toString(), "--admin-token",
                RunningServer.ADMIN_TOKEN)) {
            setUp(first.client());
            ExecutorService clients = Executors.newFixedThreadPool(3 + LABELERS);
            List<Future<?>> running = new ArrayList<>();
            for (int writer = 0; writer < 2; writer++) {
                int id = writer;
                running.add(clients.submit(() -> uploadUntilStopped(id)));
            }
            running.add(clients.submit(this::createTasksUntilStopped));
            for (String labeler : tokens.keySet()) {
                running.add(clients.submit(() -> labelUntilStopped(labeler)));
            }
            awaitSomeOfEveryKind(running);
            killing.set(true);
            first.kill();
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(2, TimeUnit.MINUTES)).as("every client gave up on the dead server").isTrue();
            for (Future<?> client : running) {
                client.get(); // a client that failed for another reason than the kill fails the test
            }
            System.out.printf("killed after %d inputs, %d dataset members, %d tasks, %d annotations, %d submitted"
                    + " assignments acknowledged%n", inputs.size(), members.size(), tasks.size(), annotations.size(),
                    submitted.size());
        }

        try (ServerProcess second = ServerProcess.start("--data", data.toString())) {
            DataFixtures after = app.through(second.client());
            assertThat(inputIds(after)).as("acknowledged inputs").containsAll(inputs);
            assertThat(datasetMembers(after)).as("acknowledged dataset members").containsAll(members);
            assertThat(annotationIds(after)).as("acknowledged annotations").containsAll(annotations);
            for (String task : tasks) {
                var reply = after.call("GET", "/v2/tasks/" + task, null, SingleTaskResponse.getDefaultInstance());
                assertThat(reply.code()).as(task + ": " + reply.body()).isEqualTo(10000);
            }
            var more = after.call("POST", "/v2/inputs", "{\"inputs\":[" + DataFixtures.textInput("after-restart") + "]}",
                    MultiInputResponse.getDefaultInstance());
            assertThat(more.code()).as("the restarted server takes writes: " + more.body()).isEqualTo(10000);
        }
        assertTheDatabaseIsConsistent(data);
    }

    private void setUp(ApiClient first) {
        api = first;
        Fixtures fixtures = new Fixtures(api);
        String owner = fixtures.createUserWithToken("owner");
        for (int i = 0; i < LABELERS; i++) {
            tokens.put("l" + i, fixtures.createUserWithToken("l" + i));
        }
        app = DataFixtures.newApp(api, "owner", owner, "durable");
        app.addCollaborators(owner, tokens.keySet().toArray(String[]::new));
        app.postConcepts("cat");
        app.postDatasets("seeded", "grown");
        for (int from = 0; from < SEEDED_INPUTS; from += 100) {
            List<String> ids = IntStream.range(from, from + 100).mapToObj(i -> "s" + i).toList();
            app.postTextInputs(ids.toArray(String[]::new));
            assertThat(addToDataset("seeded", ids).code()).isEqualTo(10000);
        }
        taskId = app.postTask(task("labeling", "DYNAMIC", "seeded")).getId();
    }

    private static String task(String id, String strategy, String datasetId) {
        return "{\"id\":\"" + id + "\",\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"" + strategy
                + "\",\"user_ids\":[\"l0\",\"l1\",\"l2\",\"l3\"]},\"concept_ids\":[\"cat\"],\"input_source\":"
                + "{\"type\":\"DATASET\",\"id\":\"" + datasetId + "\"},\"review\":{\"strategy\":\"NONE\"}}";
    }

    /** Uploads five inputs at a time and adds each acknowledged batch to a dataset. */
    private Void uploadUntilStopped(int writer) {
        for (int batch = 0; !stop.get(); batch++) {
            int n = batch;
            List<String> ids = IntStream.range(0, 5).mapToObj(k -> "w" + writer + "-" + n + "-" + k).toList();
            String body = ids.stream().map(DataFixtures::textInput).collect(Collectors.joining(","));
            var posted = untilKilled(() -> app.call("POST", "/v2/inputs", "{\"inputs\":[" + body + "]}",
                    MultiInputResponse.getDefaultInstance()));
            if (posted == null) {
                return null;
            }
            assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
            inputs.addAll(ids);
            var added = untilKilled(() -> addToDataset("grown", ids));
            if (added == null) {
                return null;
            }
            assertThat(added.code()).as(added.body()).isEqualTo(10000);
            members.addAll(ids);
        }
        return null;
    }

    private Void createTasksUntilStopped() {
        for (int n = 0; !stop.get(); n++) {
            String id = "t" + n;
            var created = untilKilled(() -> app.call("POST", "/v2/tasks", "{\"tasks\":[" + task(id, "FULL", "grown")
                    + "]}", MultiTaskResponse.getDefaultInstance()));
            if (created == null) {
                return null;
            }
            assertThat(created.code()).as(created.body()).isEqualTo(10000);
            tasks.add(id);
        }
        return null;
    }

    /** Take a batch, post one annotation per input (ids chosen here), submit; until the server is gone. */
    private Void labelUntilStopped(String labeler) {
        String path = app.longPath() + "/tasks/" + taskId + "/assignments";
        while (!stop.get()) {
            var started = untilKilled(() -> send(labeler, "PUT", path, "{\"action\":\"LABEL_START\"}",
                    MultiTaskAssignmentResponse.getDefaultInstance()));
            if (started == null) {
                return null;
            }
            assertThat(started.code()).as(started.body()).isEqualTo(10000);
            List<TaskAssignment> batch = started.message().getTaskAssignmentsList();
            if (batch.isEmpty()) {
                return null; // all seeded inputs taken: this labeler is done
            }
            for (TaskAssignment assignment : batch) {
                String annotationId = "a-" + labeler + "-" + assignment.getInput().getId();
                if (annotations.contains(annotationId)) {
                    continue;
                }
                String body = "{\"annotations\":[{\"id\":\"" + annotationId + "\",\"input_id\":\""
                        + assignment.getInput().getId() + "\",\"task_id\":\"" + taskId
                        + "\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}";
                var posted = untilKilled(() -> send(labeler, "POST", app.longPath() + "/annotations", body,
                        MultiAnnotationResponse.getDefaultInstance()));
                if (posted == null) {
                    return null;
                }
                assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
                annotations.add(annotationId);
            }
            String ids = batch.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
            var turnedIn = untilKilled(() -> send(labeler, "PUT", path, "{\"action\":\"LABEL_SUBMIT\","
                    + "\"label_submit_config\":{\"task_assignments\":[" + ids + "]}}",
                    MultiTaskAssignmentResponse.getDefaultInstance()));
            if (turnedIn == null) {
                return null;
            }
            assertThat(turnedIn.code()).as(turnedIn.body()).isEqualTo(10000);
            batch.forEach(a -> submitted.add(a.getId()));
        }
        return null;
    }

    private <T extends com.google.protobuf.Message> ApiClient.Reply<T> send(String labeler, String verb, String path,
                                                                           String json, T type) {
        return api.send(verb, path, tokens.get(labeler), json, type);
    }

    private ApiClient.Reply<MultiDatasetInputResponse> addToDataset(String datasetId, List<String> ids) {
        String body = ids.stream().map(id -> "{\"input\":{\"id\":\"" + id + "\"}}").collect(Collectors.joining(","));
        return app.call("POST", "/v2/datasets/" + datasetId + "/inputs", "{\"dataset_inputs\":[" + body + "]}",
                MultiDatasetInputResponse.getDefaultInstance());
    }

    /** The call's reply, or null when the connection failed because the server is being killed. */
    private <T extends com.google.protobuf.Message> ApiClient.Reply<T> untilKilled(Supplier<ApiClient.Reply<T>> call) {
        try {
            return call.get();
        } catch (IllegalStateException e) {
            if (killing.get()) {
                return null;
            }
            throw e;
        }
    }

    /** Waits until every kind of write has been acknowledged a few times; fails a client that failed. */
    private void awaitSomeOfEveryKind(List<Future<?>> running) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (inputs.size() < 50 || members.size() < 50 || tasks.size() < 3 || annotations.size() < 40
                || submitted.size() < 40) {
            for (Future<?> client : running) {
                if (client.isDone()) {
                    client.get();
                }
            }
            assertThat(System.currentTimeMillis()).as("writes acknowledged before the deadline").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Set<String> inputIds(DataFixtures app) {
        Set<String> ids = new HashSet<>();
        for (int page = 1; ; page++) {
            var reply = app.call("GET", "/v2/inputs?per_page=1000&page=" + page, null,
                    MultiInputResponse.getDefaultInstance());
            assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
            reply.message().getInputsList().forEach(input -> ids.add(input.getId()));
            if (reply.message().getInputsCount() < 1000) {
                return ids;
            }
        }
    }

    private static Set<String> datasetMembers(DataFixtures app) {
        Set<String> ids = new HashSet<>();
        for (int page = 1; ; page++) {
            var reply = app.call("GET", "/v2/datasets/grown/inputs?per_page=1000&page=" + page, null,
                    MultiDatasetInputResponse.getDefaultInstance());
            assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
            reply.message().getDatasetInputsList().forEach(member -> ids.add(member.getInput().getId()));
            if (reply.message().getDatasetInputsCount() < 1000) {
                return ids;
            }
        }
    }

    private static Set<String> annotationIds(DataFixtures app) {
        Set<String> ids = new HashSet<>();
        for (int page = 1; ; page++) {
            var reply = app.call("GET", "/v2/annotations?per_page=1000&page=" + page, null,
                    MultiAnnotationResponse.getDefaultInstance());
            assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
            reply.message().getAnnotationsList().forEach(annotation -> ids.add(annotation.getId()));
            if (reply.message().getAnnotationsCount() < 1000) {
                return ids;
            }
        }
    }

    /** Read with the server stopped: the file as the next start finds it. */
    private void assertTheDatabaseIsConsistent(Path data) {
        Jdbi.create(SqlDialect.sqliteUrl(data.resolve("annotask.db"))).useHandle(handle -> {
            assertThat(handle.createQuery("PRAGMA integrity_check").mapTo(String.class).list()).containsExactly("ok");
            assertThat(lines(handle, "SELECT uid, input_count, (SELECT COUNT(*) FROM inputs i WHERE i.app_uid = a.uid)"
                    + " FROM apps a")).as("app input counts").allSatisfy(SqliteKillNineIT::assertLastTwoEqual);
            assertThat(lines(handle, "SELECT id, input_count, (SELECT COUNT(*) FROM dataset_inputs m"
                    + " WHERE m.app_uid = d.app_uid AND m.dataset_id = d.id) FROM datasets d"))
                    .as("dataset input counts").hasSize(2).allSatisfy(SqliteKillNineIT::assertLastTwoEqual);
            assertThat(StatusCounts.stored(handle)).as("task counts kept by the triggers")
                    .isNotEmpty().isEqualTo(StatusCounts.fresh(handle));
            Map<String, Integer> statusOf = new java.util.HashMap<>();
            handle.createQuery("SELECT id, status FROM task_assignments WHERE task_id = :task").bind("task", taskId)
                    .map((rs, ctx) -> statusOf.put(rs.getString("id"), rs.getInt("status"))).list();
            assertThat(submitted).as("acknowledged submissions").allSatisfy(id -> assertThat(statusOf.get(id)).as(id)
                    .isEqualTo(StatusCode.TASK_ASSIGNMENT_SUCCESS_VALUE));
        });
    }

    private static List<String> lines(Handle handle, String sql) {
        return handle.createQuery(sql).map((rs, ctx) -> {
            int columns = rs.getMetaData().getColumnCount();
            return IntStream.rangeClosed(1, columns).mapToObj(i -> {
                try {
                    return String.valueOf(rs.getObject(i));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.joining(" "));
        }).list();
    }

    private static void assertLastTwoEqual(String line) {
        String[] fields = line.split(" ");
        assertThat(fields[fields.length - 2]).as(line).isEqualTo(fields[fields.length - 1]);
    }
}
