package dev.annotask.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.annotask.event.EventType;
import dev.annotask.proto.webhooks.MultiWebhookResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Balancer;
import dev.annotask.testing.Crowd;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's delivery promise on two server processes (the built jar, each its own JVM) sharing
 * one PostgreSQL behind a balancer, with a receiver started here and three subscriptions (every
 * type; the labeling events; annotation.created), each with a secret of its own.
 *
 * <p>Labelers homed on both nodes work a task; every event must then have arrived, each signature
 * verified with an HMAC computed here, none missing and none invented (against the outbox and
 * against what the labelers were told succeeded), per subscription in the order their changes
 * happened (a labeler's later call after its earlier one; a task's creation before its work, its
 * completion after), and no event twice. Then the receiver answers slowly, so that deliveries
 * queue, and while labelers work a second task the node holding the every-type subscription's
 * lease (its process id is in {@code webhooks.lease_owner}) is killed with SIGKILL. Its labelers
 * go on through the survivor, which takes the subscription over once the lease lapses
 * ({@code --webhooks-lease-seconds}); every event must still arrive, and an event received twice
 * only around the kill: per subscription at most the run of deliveries the killed node had sent
 * but not recorded yet ({@link DeliveryWorker#PER_RUN}), each first received before the kill and
 * again after. Nothing is timed; conditions are polled with
 * generous bounds.
 */
class WebhooksAcrossNodesIT {
    private static final int LABELERS = 8;
    private static final int QUIET_INPUTS = 120;
    private static final int BUSY_INPUTS = 240;
    /** Killed after about a third of the second task's rounds. */
    private static final int KILL_AFTER_SUBMITS = BUSY_INPUTS / 10 / 3;
    private static final int LEASE_SECONDS = 12;
    private static final Duration SLOW_ANSWER = Duration.ofMillis(15);
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final Map<String, List<String>> SUBSCRIPTIONS = new LinkedHashMap<>();

    static {
        SUBSCRIPTIONS.put("all", Arrays.stream(EventType.values()).map(EventType::wireName).toList());
        SUBSCRIPTIONS.put("labeling", List.of("task.created", "assignment.submitted", "task.completed"));
        SUBSCRIPTIONS.put("annotations", List.of("annotation.created"));
    }

    private final List<ServerProcess> nodes = new ArrayList<>();
    private final Receiver receiver = new Receiver();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    /** Process ids seen holding each subscription's lease, before and after the kill. */
    private final Map<String, Set<Long>> holdersBefore = new ConcurrentHashMap<>();
    private final Map<String, Set<Long>> holdersAfter = new ConcurrentHashMap<>();
    private String databaseUrl;
    private DataFixtures app;
    private Crowd crowd;
    private List<String> labelers;
    private volatile ServerProcess killed;
    private volatile long killStartedNanos;
    private volatile long killDoneNanos;

    @AfterEach
    void stopEverything() {
        sampler.shutdownNow();
        nodes.forEach(ServerProcess::close);
        receiver.close();
    }

    @Test
    void everyEventArrivesSignedAndInOrderFromBothNodesAndAKillNineOfTheSenderLosesNone() throws Exception {
        databaseUrl = TestDatabases.newDatabase(SqlDialect.POSTGRESQL);
        nodes.addAll(ServerProcess.startAll(2, "--data", TestDatabases.tempDirectory().toString(), "--db", databaseUrl,
                "--admin-token", RunningServer.ADMIN_TOKEN, "--webhooks-allow-private-addresses",
                "--webhooks-lease-seconds", String.valueOf(LEASE_SECONDS)));
        Balancer balancer = new Balancer(nodes.stream().map(ServerProcess::client).toList());
        Map<String, String> tokens = setUpPeopleAndInputs(nodes.get(0).client());
        crowd = new Crowd(balancer, nodes.size(), app, tokens, (person, assignment) -> { });
        labelers = List.copyOf(tokens.keySet());
        subscribe();
        awaitTheOtherNodeWritesEvents();
        sampler.scheduleWithFixedDelay(this::sampleHolders, 0, 100, TimeUnit.MILLISECONDS);

        String quiet = app.postTask(task("quiet")).getId();
        crowd.work(quiet, "q", labelers, () -> { });
        awaitEverythingDelivered();
        Map<String, Arrivals> quietRun = arrivals();
        assertNoneLostNoneInventedSignedAndInOrder(quietRun);
        assertThat(quietRun).allSatisfy((id, got) -> assertThat(got.repeats()).as(id + ": twice without a kill").isEmpty());

        receiver.delay(SLOW_ANSWER);
        String busy = app.through(nodes.get(1).client()).postTask(task("busy")).getId();
        AtomicInteger submits = new AtomicInteger();
        crowd.work(busy, "b", labelers, () -> {
            if (submits.incrementAndGet() >= KILL_AFTER_SUBMITS) {
                killTheSender();
            }
        });
        boolean duringLabeling = killed != null;
        await("a node holding the every-type subscription with deliveries queued, to kill", this::killTheSender);
        ServerProcess survivor = nodes.stream().filter(node -> node != killed).findFirst().orElseThrow();
        awaitEverythingDelivered();
        Map<String, Arrivals> all = arrivals();
        assertNoneLostNoneInventedSignedAndInOrder(all);
        assertThat(holdersAfter.getOrDefault("all", Set.of())).as("the survivor took the subscription over").contains(survivor.pid());
        List<String> repeats = new ArrayList<>();
        all.forEach((id, got) -> {
            assertThat(got.repeats()).as(id + ": at most the run the killed node had sent and not recorded")
                    .hasSizeLessThanOrEqualTo(DeliveryWorker.PER_RUN);
            got.repeats().forEach(repeat -> {
                assertThat(repeat.firstAtNanos()).as(id + " " + repeat + ": first received before the kill")
                        .isLessThan(killDoneNanos);
                assertThat(repeat.againAtNanos()).as(id + " " + repeat + ": again after it").isGreaterThan(killStartedNanos);
                repeats.add(id + " " + repeat.type());
            });
        });
        System.out.printf("webhooks across two nodes: %d annotations and %d submissions labeled; %s; killed node pid %d"
                        + " %s; events received twice: %s; lease holders before the kill %s, after %s%n",
                crowd.annotations().size(), crowd.submitted().size(), counts(all), killed.pid(),
                duringLabeling ? "while labelers worked" : "after the labelers finished, deliveries still queued",
                repeats, holdersBefore, holdersAfter);
    }

    /** The owner, labelers l0… with tokens of their own, an app, and the inputs of both tasks (before any subscription). */
    private Map<String, String> setUpPeopleAndInputs(ApiClient api) {
        Fixtures fixtures = new Fixtures(api);
        String ownerToken = fixtures.createUserWithToken("owner");
        Map<String, String> tokens = new LinkedHashMap<>();
        IntStream.range(0, LABELERS).forEach(i -> tokens.put("l" + i, fixtures.createUserWithToken("l" + i)));
        app = DataFixtures.newApp(api, "owner", ownerToken, "hooks");
        app.addCollaborators(ownerToken, tokens.keySet().toArray(String[]::new));
        app.postConcepts("cat");
        app.postDatasets("quiet", "busy");
        addInputs("quiet", QUIET_INPUTS);
        addInputs("busy", BUSY_INPUTS);
        return tokens;
    }

    private void addInputs(String datasetId, int count) {
        for (int from = 0; from < count; from += 100) {
            List<String> ids = IntStream.range(from, Math.min(from + 100, count)).mapToObj(i -> datasetId + i).toList();
            String inputs = ids.stream().map(id -> "{\"id\":\"" + id + "\",\"data\":{\"text\":{\"raw\":\"a cat\"}},"
                    + "\"dataset_ids\":[\"" + datasetId + "\"]}").collect(Collectors.joining(","));
            var reply = app.call("POST", "/v2/inputs", "{\"inputs\":[" + inputs + "]}",
                    dev.annotask.proto.api.MultiInputResponse.getDefaultInstance());
            assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        }
    }

    private static String task(String datasetId) {
        String workers = IntStream.range(0, LABELERS).mapToObj(i -> "\"l" + i + "\"").collect(Collectors.joining(","));
        return "{\"type\":\"CONCEPTS_CLASSIFICATION\",\"name\":\"" + datasetId + "\",\"worker\":{\"strategy\":"
                + "\"PARTITIONED\",\"user_ids\":[" + workers + "],\"partitioned_strategy_info\":{\"type\":\"EVENLY\","
                + "\"workers_per_input\":1}},\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"DATASET\",\"id\":\""
                + datasetId + "\"},\"review\":{\"strategy\":\"NONE\"}}";
    }

    private static String secret(String subscription) {
        return "the-secret-of-" + subscription + "-0123456789";
    }

    /** The three subscriptions in one PostWebhooks through the first node. */
    private void subscribe() {
        String webhooks = SUBSCRIPTIONS.entrySet().stream().map(e -> Hooks.webhook(e.getKey(),
                receiver.url(e.getKey()), secret(e.getKey()), e.getValue().toArray(String[]::new)))
                .collect(Collectors.joining(","));
        var reply = app.call("POST", app.longPath() + "/webhooks", "{\"webhooks\":[" + webhooks + "]}",
                MultiWebhookResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    /**
     * The other node learns of new subscriptions within a second (docs/ARCHITECTURE.md, "Events and
     * webhooks"): inputs posted through it until one has its event in the outbox.
     */
    private void awaitTheOtherNodeWritesEvents() {
        DataFixtures throughSecond = app.through(nodes.get(1).client());
        AtomicInteger probe = new AtomicInteger();
        await("the second node writing events", () -> {
            String id = "probe-" + probe.incrementAndGet();
            throughSecond.postTextInputs(id);
            return count("SELECT COUNT(*) FROM events WHERE type = 'input.created' AND data LIKE ?",
                    "%\"" + id + "\"%") == 1;
        });
    }

    /**
     * Kills the node holding the every-type subscription's lease while deliveries of it are
     * queued, once; false (nothing done) when nobody holds it at this moment.
     */
    private synchronized boolean killTheSender() {
        if (killed != null) {
            return true;
        }
        List<String> holder = strings("SELECT w.lease_owner FROM webhooks w WHERE w.id = 'all' AND w.lease_owner <> ''"
                + " AND w.lease_until > ? AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_uid = w.uid"
                + " AND d.state = 1)", System.currentTimeMillis());
        if (holder.isEmpty()) {
            return false;
        }
        long pid = Long.parseLong(holder.get(0).substring(0, holder.get(0).indexOf('-')));
        ServerProcess sender = nodes.stream().filter(node -> node.pid() == pid).findFirst()
                .orElseThrow(() -> new AssertionError("no node has the lease owner's pid " + holder));
        killStartedNanos = System.nanoTime();
        sender.kill();
        killDoneNanos = System.nanoTime();
        killed = sender;
        return true;
    }

    private void sampleHolders() {
        try {
            boolean after = killed != null;
            for (String owner : strings("SELECT id || ' ' || lease_owner FROM webhooks WHERE lease_owner <> ''")) {
                String[] parts = owner.split(" ");
                (after ? holdersAfter : holdersBefore).computeIfAbsent(parts[0], id -> ConcurrentHashMap.newKeySet())
                        .add(Long.parseLong(parts[1].substring(0, parts[1].indexOf('-'))));
            }
        } catch (RuntimeException e) {
            System.err.println("lease sampling: " + e.getMessage());
        }
    }

    /** Until no delivery is pending and each subscription's receiver has every event the outbox holds for it. */
    private void awaitEverythingDelivered() {
        await("every delivery made and received", () -> count("SELECT COUNT(*) FROM webhook_deliveries WHERE state <> 2") == 0
                && SUBSCRIPTIONS.keySet().stream().allMatch(id -> new Arrivals(receiver.received(id)).eventIds()
                .containsAll(outbox(id))));
    }

    private Map<String, Arrivals> arrivals() {
        Map<String, Arrivals> all = new LinkedHashMap<>();
        SUBSCRIPTIONS.keySet().forEach(id -> all.put(id, new Arrivals(receiver.received(id))));
        return all;
    }

    private void assertNoneLostNoneInventedSignedAndInOrder(Map<String, Arrivals> arrivals) {
        arrivals.forEach((id, got) -> {
            got.requests().forEach(request -> Hooks.assertSigned(request, secret(id)));
            assertThat(got.eventIds()).as(id + ": the outbox's events, no more, no fewer").isEqualTo(outbox(id));
            assertThat(got.firsts()).as(id + ": only the types it wants")
                    .allSatisfy(arrival -> assertThat(SUBSCRIPTIONS.get(id)).contains(arrival.type()));
            if (SUBSCRIPTIONS.get(id).contains("annotation.created")) {
                List<String> annotated = got.ofType("annotation.created").stream()
                        .map(arrival -> arrival.data().get("id").getAsString()).toList();
                assertThat(annotated).as(id + ": one event per acknowledged annotation")
                        .containsExactlyInAnyOrderElementsOf(crowd.annotations());
            }
            if (SUBSCRIPTIONS.get(id).contains("assignment.submitted")) {
                List<String> turnedIn = got.ofType("assignment.submitted").stream()
                        .map(arrival -> assignmentId(arrival.data())).toList();
                assertThat(turnedIn).as(id + ": one event per assignment turned in")
                        .containsExactlyInAnyOrderElementsOf(crowd.submitted());
            }
            assertCausalOrder(id, got.firsts());
        });
    }

    private static String assignmentId(JsonObject labelingEvent) {
        return labelingEvent.getAsJsonArray("task_assignments").get(0).getAsJsonObject().get("id").getAsString();
    }

    /**
     * Per labeler, events in the order of the calls that caused them (each call made after the
     * answer to the one before); per task, its creation before its work and its completion after.
     */
    private void assertCausalOrder(String subscription, List<Arrivals.Arrival> firsts) {
        Map<String, Integer> lastStep = new HashMap<>();
        Map<String, Integer> created = new HashMap<>();
        Map<String, Integer> completed = new HashMap<>();
        Map<String, Integer> firstWork = new HashMap<>();
        Map<String, Integer> lastWork = new HashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        for (int at = 0; at < firsts.size(); at++) {
            Arrivals.Arrival arrival = firsts.get(at);
            switch (arrival.type()) {
                case "task.created" -> created.put(arrival.data().get("id").getAsString(), at);
                case "task.completed" -> completed.put(arrival.data().get("id").getAsString(), at);
                default -> {
                    String resource = arrival.type().equals("assignment.submitted") ? assignmentId(arrival.data())
                            : arrival.type().equals("annotation.created") ? arrival.data().get("id").getAsString() : null;
                    Crowd.Step step = resource == null ? null : crowd.stepOf(resource);
                    if (step == null) {
                        continue;
                    }
                    Integer before = lastStep.merge(step.labeler(), step.index(), Math::max);
                    if (before != step.index()) {
                        outOfOrder.add(arrival.type() + " " + resource + " (step " + step.index() + " of "
                                + step.labeler() + ") after step " + before);
                    }
                    firstWork.putIfAbsent(step.taskId(), at);
                    lastWork.put(step.taskId(), at);
                }
            }
        }
        assertThat(outOfOrder).as(subscription + ": a labeler's events in the order of its calls").isEmpty();
        created.forEach((task, at) -> assertThat(at).as(subscription + ": task.created of " + task + " before its work")
                .isLessThan(firstWork.getOrDefault(task, Integer.MAX_VALUE)));
        completed.forEach((task, at) -> assertThat(at).as(subscription + ": task.completed of " + task + " after its work")
                .isGreaterThan(lastWork.getOrDefault(task, -1)));
    }

    private static String counts(Map<String, Arrivals> arrivals) {
        return arrivals.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().eventIds().size() + " events in "
                + e.getValue().requests().size() + " requests").collect(Collectors.joining(", "));
    }

    /** The event ids the outbox holds a delivery of for the subscription. */
    private Set<String> outbox(String subscription) {
        return new HashSet<>(strings("SELECT e.id FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq"
                + " JOIN webhooks w ON w.uid = d.webhook_uid WHERE w.id = ?", subscription));
    }

    private long count(String sql, Object... arguments) {
        return Long.parseLong(strings(sql, arguments).get(0));
    }

    private List<String> strings(String sql, Object... arguments) {
        try (Connection db = DriverManager.getConnection(databaseUrl); PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                statement.setObject(i + 1, arguments[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting for " + what).isLessThan(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
