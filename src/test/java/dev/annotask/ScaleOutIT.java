package dev.annotask;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiDatasetInputResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.SingleTaskCountResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Balancer;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's promise, for real: two server processes (the built jar, each its own JVM) on one
 * PostgreSQL behind a balancer keep the labeling guarantees, and losing one to {@code kill -9}
 * loses nothing that was acknowledged.
 *
 * <p>Both nodes start at the same moment on an empty database. 32 labelers, half on each node,
 * work a PARTITIONED task (2 per input, CONSENSUS; they agree, so inputs settle) and then a
 * DYNAMIC task with a short lease. Four more DYNAMIC labelers take a batch on the second node
 * and are never seen again; once a third of the DYNAMIC work is in, that node is killed. Its
 * labelers go on through the first node (the balancer fails over, resending the cut-off call:
 * annotation ids are chosen by the labeler, so a resent post is recognised), the abandoned
 * leases expire and their inputs go to others. Nothing here is timed; conditions are polled
 * with generous bounds.
 */
class ScaleOutIT {
    private static final int LABELERS = 32;
    private static final int QUITTERS = 4;
    private static final int PARTITIONED_INPUTS = 160;
    private static final int DYNAMIC_INPUTS = 360;
    private static final int BATCH = 10;
    private static final int LEASE_SECONDS = 5;
    private static final long DEADLINE_MILLIS = TimeUnit.MINUTES.toMillis(4);
    private static final int TASK_DONE = 54002;

    private final List<ServerProcess> nodes = new ArrayList<>();
    private final Map<String, String> tokens = new LinkedHashMap<>();
    /** Every assignment id LABEL_START handed out, and to whom. */
    private final Map<String, String> handedTo = new ConcurrentHashMap<>();
    /** Every labeler an input was handed to, per task. */
    private final Map<String, Set<String>> holdersOfInput = new ConcurrentHashMap<>();
    private final List<String> doubleHandouts = java.util.Collections.synchronizedList(new ArrayList<>());
    /**
     * Every annotation id a post acknowledged, less those whose work was then taken away (a
     * lease that ran out under its labeler): labels never turned in go with released work.
     */
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** Acknowledged labels of work that was released before it was turned in. */
    private final Set<String> released = ConcurrentHashMap.newKeySet();
    private String databaseUrl;
    private DataFixtures app;
    private Balancer balancer;

    @AfterEach
    void stopNodes() {
        nodes.forEach(ServerProcess::close);
    }

    @Test
    void twoNodesKeepExactlyKAndTheSurvivorFinishesAfterKillNine() throws Exception {
        databaseUrl = TestDatabases.newDatabase(SqlDialect.POSTGRESQL);
        nodes.addAll(ServerProcess.startAll(2, "--data", TestDatabases.tempDirectory().toString(), "--db", databaseUrl,
                "--admin-token", RunningServer.ADMIN_TOKEN, "--lease-seconds", String.valueOf(LEASE_SECONDS)));
        balancer = new Balancer(nodes.stream().map(ServerProcess::client).toList());
        setUpPeopleAndInputs(nodes.get(0).client());

        String partitioned = app.postTask(task("PARTITIONED", "part", ",\"partitioned_strategy_info\":{\"type\":\"EVENLY\","
                + "\"workers_per_input\":2}", "{\"strategy\":\"CONSENSUS\",\"consensus_strategy_info\":"
                + "{\"approval_threshold_labelers\":2},\"user_ids\":[\"r1\"]}", labelers())).getId();
        runLabelers(partitioned, "p", labelers(), () -> { });
        assertEveryInputEndsWith(partitioned, PARTITIONED_INPUTS, 2);
        assertThat(holdersOfInput).allSatisfy((input, holders) -> assertThat(holders).as(input).hasSize(2));
        assertBothNodesReportTheSame(nodes.get(0).client(), nodes.get(1).client(), partitioned);

        holdersOfInput.clear();
        List<String> dynamicWorkers = new ArrayList<>(labelers());
        dynamicWorkers.addAll(quitters());
        String dynamic = app.postTask(task("DYNAMIC", "dyn", "", "{\"strategy\":\"NONE\"}", dynamicWorkers)).getId();
        List<String> abandoned = takeBatchesAndWalkAway(dynamic);
        AtomicInteger submitted = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        int killAfter = DYNAMIC_INPUTS / BATCH / 3;
        runLabelers(dynamic, "d", labelers(), () -> {
            if (submitted.incrementAndGet() >= killAfter && killed.compareAndSet(false, true)) {
                nodes.get(1).kill();
            }
        });
        assertThat(killed).as("the second node was killed mid-run").isTrue();
        assertThat(balancer.nodesOut()).containsExactly(1);
        assertEveryInputEndsWith(dynamic, DYNAMIC_INPUTS, 1);
        assertThat(onePerInputAllFinal(dynamic)).isTrue();
        assertThat(abandoned).as("the walked-away labelers' leases expired and their inputs went to others")
                .allSatisfy(input -> assertThat(holdersOfInput.get(input)).hasSizeGreaterThan(1));
        assertThat(doubleHandouts).as("no assignment handed to two labelers").isEmpty();
        Set<String> kept = annotationIds();
        assertThat(kept).as("every acknowledged annotation of work turned in is still there").containsAll(acknowledged);
        assertThat(annotations(dynamic)).as("no label left pending: released work took its labels never turned in")
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).as(a.getId()).isEqualTo(24150));
        assertThat(released).as("the walked-away labelers' labels went with their expired leases")
                .filteredOn(id -> id.startsWith("d-") && quitterLabel(id)).isNotEmpty().doesNotContainAnyElementsOf(kept);
        System.out.printf("killed node 2 after %d of %d DYNAMIC batches; %d acknowledged annotations kept, %d released"
                        + " with their work; %d DYNAMIC inputs handed out more than once (expired leases)%n", killAfter,
                submitted.get(), acknowledged.size(), released.size(),
                holdersOfInput.values().stream().filter(holders -> holders.size() > 1).count());

        try (ServerProcess replacement = ServerProcess.start("--data", TestDatabases.tempDirectory().toString(),
                "--db", databaseUrl)) {
            assertBothNodesReportTheSame(nodes.get(0).client(), replacement.client(), dynamic);
            assertBothNodesReportTheSame(nodes.get(0).client(), replacement.client(), partitioned);
        }
    }

    private void setUpPeopleAndInputs(ApiClient api) {
        Fixtures fixtures = new Fixtures(api);
        String ownerToken = fixtures.createUserWithToken("owner");
        for (String person : labelersAndQuitters()) {
            tokens.put(person, fixtures.createUserWithToken(person));
        }
        fixtures.createUser("r1");
        app = DataFixtures.newApp(api, "owner", ownerToken, "scale");
        List<String> collaborators = new ArrayList<>(labelersAndQuitters());
        collaborators.add("r1");
        app.addCollaborators(ownerToken, collaborators.toArray(String[]::new));
        app.postConcepts("cat");
        app.postDatasets("part", "dyn");
        addInputs("part", "p", PARTITIONED_INPUTS);
        addInputs("dyn", "d", DYNAMIC_INPUTS);
    }

    private void addInputs(String datasetId, String prefix, int count) {
        for (int from = 0; from < count; from += 100) {
            List<String> ids = IntStream.range(from, Math.min(from + 100, count)).mapToObj(i -> prefix + i).toList();
            app.postTextInputs(ids.toArray(String[]::new));
            String members = ids.stream().map(id -> "{\"input\":{\"id\":\"" + id + "\"}}").collect(Collectors.joining(","));
            var reply = app.call("POST", "/v2/datasets/" + datasetId + "/inputs", "{\"dataset_inputs\":[" + members + "]}",
                    MultiDatasetInputResponse.getDefaultInstance());
            assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        }
    }

    private static String task(String strategy, String datasetId, String strategyInfo, String review, List<String> workers) {
        return "{\"type\":\"CONCEPTS_CLASSIFICATION\",\"name\":\"" + strategy + "\",\"worker\":{\"strategy\":\""
                + strategy + "\",\"user_ids\":[" + workers.stream().map(w -> "\"" + w + "\"").collect(Collectors.joining(","))
                + "]" + strategyInfo + "},\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"DATASET\",\"id\":\""
                + datasetId + "\"},\"review\":" + review + "}";
    }

    /** Each labeler in its own thread, homed on the nodes in turn, until the task is done. */
    private void runLabelers(String taskId, String tag, List<String> people, Runnable afterEachSubmit) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(people.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < people.size(); i++) {
                String person = people.get(i);
                int home = i % nodes.size();
                running.add(pool.submit(() -> {
                    labelUntilDone(taskId, tag, person, home, afterEachSubmit);
                    return null;
                }));
            }
            for (Future<?> labeler : running) {
                labeler.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Take a batch, label every input "cat" (one post, ids chosen here), turn it in; when no
     * work is free, look again until the task is done (leases of others may still return work).
     * A lease that ran out under us is an expected outcome: the batch is dropped and work taken anew.
     */
    private void labelUntilDone(String taskId, String tag, String person, int home, Runnable afterEachSubmit)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            List<TaskAssignment> batch = start(taskId, person, home);
            if (batch.isEmpty()) {
                if (taskStatus(taskId, home) == TASK_DONE) {
                    return;
                }
                Thread.sleep(500);
                continue;
            }
            if (!annotateAll(taskId, tag, person, home, batch)) {
                forget(tag, person, batch);
                continue;
            }
            String ids = batch.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
            var turnedIn = assignments(taskId, person, home, "{\"action\":\"LABEL_SUBMIT\",\"label_submit_config\":"
                    + "{\"task_assignments\":[" + ids + "]}}");
            if (turnedIn.code() == 54100 || turnedIn.code() == 11101) {
                forget(tag, person, batch);
                continue;
            }
            assertThat(turnedIn.code()).as(turnedIn.body()).isEqualTo(10000);
            afterEachSubmit.run();
        }
        throw new AssertionError(person + " was still labeling task " + taskId + " at the deadline");
    }

    /**
     * Posts the batch's labels not acknowledged yet, in one call; when some were there already
     * (a post resent after failover, or a batch handed out again), one call each. False when
     * the lease ran out under us.
     */
    private boolean annotateAll(String taskId, String tag, String person, int home, List<TaskAssignment> batch) {
        List<TaskAssignment> missing = batch.stream().filter(a -> !acknowledged.contains(annotationId(tag, a, person)))
                .toList();
        if (missing.isEmpty()) {
            return true;
        }
        var posted = annotate(taskId, tag, person, home, missing);
        if (posted.code() == 40010 && missing.size() > 1) {
            return missing.stream().allMatch(one -> annotateAll(taskId, tag, person, home, List.of(one)));
        }
        if (posted.code() == 54103) {
            return false;
        }
        assertThat(posted.code()).as(posted.body()).isIn(10000, 40010);
        missing.forEach(a -> acknowledged.add(annotationId(tag, a, person)));
        return true;
    }

    /** The batch's lease ran out under its labeler: its labels go with the work (posted again if it comes back). */
    private void forget(String tag, String person, List<TaskAssignment> batch) {
        for (TaskAssignment assignment : batch) {
            String id = annotationId(tag, assignment, person);
            if (acknowledged.remove(id)) {
                released.add(id);
            }
        }
    }

    private List<TaskAssignment> start(String taskId, String person, int home) {
        var reply = assignments(taskId, person, home, "{\"action\":\"LABEL_START\"}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        for (TaskAssignment assignment : reply.message().getTaskAssignmentsList()) {
            String earlier = handedTo.putIfAbsent(assignment.getId(), person);
            if (earlier != null && !earlier.equals(person)) {
                doubleHandouts.add(assignment.getId() + " to " + earlier + " and " + person);
            }
            holdersOfInput.computeIfAbsent(assignment.getInput().getId(), input -> ConcurrentHashMap.newKeySet())
                    .add(person);
        }
        return reply.message().getTaskAssignmentsList();
    }

    private ApiClient.Reply<MultiTaskAssignmentResponse> assignments(String taskId, String person, int home, String json) {
        return balancer.send(home, "PUT", app.longPath() + "/tasks/" + taskId + "/assignments", tokens.get(person), json,
                MultiTaskAssignmentResponse.getDefaultInstance());
    }

    private ApiClient.Reply<MultiAnnotationResponse> annotate(String taskId, String tag, String person, int home,
                                                             List<TaskAssignment> batch) {
        String annotations = batch.stream().map(a -> "{\"id\":\"" + annotationId(tag, a, person) + "\",\"input_id\":\""
                        + a.getInput().getId() + "\",\"task_id\":\"" + taskId + "\",\"data\":{\"concepts\":"
                        + "[{\"id\":\"cat\",\"value\":1}]}}")
                .collect(Collectors.joining(","));
        return balancer.send(home, "POST", app.longPath() + "/annotations", tokens.get(person),
                "{\"annotations\":[" + annotations + "]}", MultiAnnotationResponse.getDefaultInstance());
    }

    /** One id per labeler, input and task: a resent post of the same work is a duplicate, not a second labeling. */
    private static String annotationId(String tag, TaskAssignment assignment, String person) {
        return tag + "-" + assignment.getInput().getId() + "-" + person;
    }

    private int taskStatus(String taskId, int home) {
        var reply = balancer.send(home, "GET", "/v2/tasks/" + taskId, app.appKey(), null,
                SingleTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTask().getStatus().getCodeValue();
    }

    /** Quitters take a batch on the second node, post one label (acknowledged) and are never seen again. */
    private List<String> takeBatchesAndWalkAway(String taskId) {
        List<String> taken = new ArrayList<>();
        for (String quitter : quitters()) {
            List<TaskAssignment> batch = start(taskId, quitter, 1);
            assertThat(batch).isNotEmpty();
            var posted = annotate(taskId, "d", quitter, 1, batch.subList(0, 1));
            assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
            released.add(annotationId("d", batch.get(0), quitter));
            batch.forEach(a -> taken.add(a.getInput().getId()));
        }
        return taken;
    }

    /** Every input of the task has exactly k final (SUCCESS) labelings, from k different labelers. */
    private void assertEveryInputEndsWith(String taskId, int inputs, int k) {
        Map<String, List<Annotation>> finalByInput = annotations(taskId).stream()
                .filter(a -> a.getStatus().getCodeValue() == 24150)
                .collect(Collectors.groupingBy(Annotation::getInputId));
        assertThat(finalByInput).hasSize(inputs);
        assertThat(finalByInput).allSatisfy((input, labelings) -> {
            assertThat(labelings).as(input).hasSize(k);
            assertThat(labelings.stream().map(Annotation::getUserId).distinct()).as(input).hasSize(k);
        });
        assertThat(taskStatus(taskId, 0)).isEqualTo(TASK_DONE);
    }

    private List<Annotation> annotations(String taskId) {
        List<Annotation> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            var reply = balancer.send(0, "GET", "/v2/annotations?task_id=" + taskId + "&per_page=1000&page=" + page,
                    app.appKey(), null, MultiAnnotationResponse.getDefaultInstance());
            assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
            all.addAll(reply.message().getAnnotationsList());
            if (reply.message().getAnnotationsCount() < 1000) {
                return all;
            }
        }
    }

    private Set<String> annotationIds() {
        Set<String> ids = new java.util.HashSet<>();
        for (int page = 1; ; page++) {
            var reply = balancer.send(0, "GET", "/v2/annotations?per_page=1000&page=" + page, app.appKey(), null,
                    MultiAnnotationResponse.getDefaultInstance());
            assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
            reply.message().getAnnotationsList().forEach(a -> ids.add(a.getId()));
            if (reply.message().getAnnotationsCount() < 1000) {
                return ids;
            }
        }
    }

    /** In the database: one assignment left per input (released leases are gone), every one turned in. */
    private boolean onePerInputAllFinal(String taskId) throws Exception {
        try (Connection connection = DriverManager.getConnection(databaseUrl);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT input_id, COUNT(*) AS n, MIN(status) AS lowest,"
                     + " MAX(status) AS highest FROM task_assignments WHERE task_id = '" + taskId + "' GROUP BY input_id")) {
            Map<String, String> wrong = new HashMap<>();
            int inputs = 0;
            while (rows.next()) {
                inputs++;
                if (rows.getInt("n") != 1 || rows.getInt("lowest") != 54200 || rows.getInt("highest") != 54200) {
                    wrong.put(rows.getString("input_id"), rows.getInt("n") + " assignments");
                }
            }
            assertThat(wrong).isEmpty();
            return inputs == DYNAMIC_INPUTS;
        }
    }

    /** The task, its per-worker assignment counts and per-labeler annotation counts, as each node answers. */
    private void assertBothNodesReportTheSame(ApiClient one, ApiClient other, String taskId) {
        assertThat(reportOf(other, taskId)).isEqualTo(reportOf(one, taskId));
    }

    private List<Message> reportOf(ApiClient node, String taskId) {
        String task = app.longPath() + "/tasks/" + taskId;
        List<Message> report = List.of(
                node.send("GET", task + "?additional_fields=all", app.appKey(), null, SingleTaskResponse.getDefaultInstance())
                        .message(),
                node.send("GET", task + "/inputs/count", app.appKey(), null, SingleTaskCountResponse.getDefaultInstance())
                        .message(),
                node.send("GET", task + "/annotations/count", app.appKey(), null,
                        SingleTaskCountResponse.getDefaultInstance()).message());
        return report.stream().map(reply -> (Message) reply.toBuilder()
                .clearField(reply.getDescriptorForType().findFieldByName("status")).build()).toList();
    }

    private static List<String> labelers() {
        return IntStream.range(0, LABELERS).mapToObj(i -> "l" + i).toList();
    }

    private static boolean quitterLabel(String annotationId) {
        return quitters().stream().anyMatch(quitter -> annotationId.endsWith("-" + quitter));
    }

    private static List<String> quitters() {
        return IntStream.range(0, QUITTERS).mapToObj(i -> "q" + i).toList();
    }

    private static List<String> labelersAndQuitters() {
        List<String> all = new ArrayList<>(labelers());
        all.addAll(quitters());
        return all;
    }
}
