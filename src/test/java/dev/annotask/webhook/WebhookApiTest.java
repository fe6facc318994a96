package dev.annotask.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import dev.annotask.AnnotaskServer;
import dev.annotask.event.EventType;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.webhooks.ListWebhooksRequest;
import dev.annotask.proto.webhooks.MultiWebhookResponse;
import dev.annotask.proto.webhooks.PostWebhooksRequest;
import dev.annotask.proto.webhooks.SingleWebhookDeliveryResponse;
import dev.annotask.proto.webhooks.SingleWebhookResponse;
import dev.annotask.proto.webhooks.Webhook;
import dev.annotask.proto.webhooks.WebhookDelivery;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Webhooks through the API, on both databases, one server each: managing subscriptions
 * (validation all or nothing, owner only, secrets never shown, REST and gRPC), and events
 * reaching a receiver started by the test: signed, retried after errors and timeouts, in order
 * per subscription, failed after the retry window and sent again on request, never for a change
 * that was rolled back. The server's clock is moved by hand, so retries fall due without
 * waiting. On PostgreSQL also: what events add to a labeling round in statements (printed), and
 * two nodes sharing one subscription's deliveries.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class WebhookApiTest {
    private static final String URL = "https://hooks.example.com/annotask";
    private static final Duration RETRY = Duration.ofSeconds(3);
    private static LabelingWorld world;
    private static Receiver receiver;

    @Parameter
    SqlDialect dialect;

    private LabelingApp app;
    private String path;
    private String hook;

    @BeforeAll
    static void startReceiver() {
        receiver = new Receiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        world = Hooks.world(dialect);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        world.close();
    }

    @BeforeEach
    void newApp() {
        app = world.newApp("hooks");
        path = app.data().longPath() + "/webhooks";
        hook = dialect.name().toLowerCase() + "-" + app.data().appId();
    }

    private int send(String verb, String suffix, String token, String json) {
        return world.client().send(verb, path + suffix, token, json, MultiWebhookResponse.getDefaultInstance()).code();
    }

    @Test
    void theOwnerSubscribesListsGetsAndDeletesAndTheSecretNeverComesBack() {
        var posted = Hooks.post(world, app, "{\"webhooks\":[" + Hooks.webhook("done", URL, Hooks.SECRET,
                "task.completed", "labeling.rejected") + "]}");
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        assertThat(posted.body()).doesNotContain(Hooks.SECRET);
        assertThat(posted.message().getWebhooks(0).getSecretSet()).isTrue();

        var listed = world.client().send("GET", path, world.ownerToken(), null, MultiWebhookResponse.getDefaultInstance());
        assertThat(listed.message().getWebhooksList()).singleElement().satisfies(w -> {
            assertThat(w.getId()).isEqualTo("done");
            assertThat(w.getUrl()).isEqualTo(URL);
            assertThat(w.getEventsList()).containsExactlyInAnyOrder("task.completed", "labeling.rejected");
            assertThat(w.getSecret()).isEmpty();
            assertThat(w.getSecretSet()).isTrue();
        });
        var one = world.client().send("GET", path + "/done", world.ownerToken(), null,
                SingleWebhookResponse.getDefaultInstance());
        assertThat(one.message().getWebhook().getId()).isEqualTo("done");
        assertThat(one.body()).doesNotContain(Hooks.SECRET);
        // The app key's short path reaches the same subscriptions.
        assertThat(app.call("GET", "/v2/webhooks/done", null, SingleWebhookResponse.getDefaultInstance()).code())
                .isEqualTo(10000);
        String secretColumn = world.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT secret FROM webhooks WHERE id = 'done' AND url = :url").bind("url", URL).mapTo(String.class).one());
        assertThat(secretColumn).as("stored sealed").startsWith("v1:").doesNotContain(Hooks.SECRET);

        assertThat(Hooks.post(world, app, "{\"webhooks\":[" + Hooks.webhook("done", URL, Hooks.SECRET, "task.created")
                + "]}").code()).as("id taken").isEqualTo(40010);
        assertThat(send("DELETE", "", world.ownerToken(), "{\"ids\":[\"done\",\"nope\"]}"))
                .as("one unknown id: nothing deleted").isEqualTo(11101);
        assertThat(send("GET", "/done", world.ownerToken(), null)).isEqualTo(10000);
        assertThat(world.client().send("DELETE", path, world.ownerToken(), "{\"ids\":[\"done\"]}",
                BaseResponse.getDefaultInstance()).code()).isEqualTo(10000);
        assertThat(send("GET", "/done", world.ownerToken(), null)).isEqualTo(11101);
    }

    @Test
    void invalidSubscriptionsAreRefusedAllOrNothing() {
        String valid = Hooks.webhook("ok", URL, Hooks.SECRET, "task.created");
        String[] invalid = {
                Hooks.webhook("ftp", "ftp://hooks.example.com/x", Hooks.SECRET, "task.created"),
                Hooks.webhook("nourl", "", Hooks.SECRET, "task.created"),
                Hooks.webhook("creds", "https://user:pw@hooks.example.com/x", Hooks.SECRET, "task.created"),
                Hooks.webhook("type", URL, Hooks.SECRET, "task.exploded"),
                Hooks.webhook("none", URL, Hooks.SECRET),
                Hooks.webhook("twice", URL, Hooks.SECRET, "task.created", "task.created"),
                Hooks.webhook("short", URL, "short", "task.created"),
                Hooks.webhook("bad id!", URL, Hooks.SECRET, "task.created"),
        };
        for (String item : invalid) {
            var reply = Hooks.post(world, app, "{\"webhooks\":[" + valid + "," + item + "]}");
            assertThat(reply.code()).as(item + " → " + reply.body()).isEqualTo(11102);
            assertThat(reply.message().getStatus().getDetails()).as(reply.body()).startsWith("webhooks[1]");
        }
        assertThat(Hooks.post(world, app, "{\"webhooks\":[" + valid + "," + valid + "]}").code())
                .as("one id twice").isEqualTo(40010);
        assertThat(send("GET", "", world.ownerToken(), null)).isEqualTo(10000);
        assertThat(world.client().send("GET", path, world.ownerToken(), null, MultiWebhookResponse.getDefaultInstance())
                .message().getWebhooksList()).as("nothing written").isEmpty();
    }

    @Test
    void onlyTheOwnerManagesWebhooksAndAnotherAppsKeyReachesNothing() {
        Hooks.subscribe(world, app, "mine", URL, "task.created");
        String body = "{\"webhooks\":[" + Hooks.webhook("theirs", URL, Hooks.SECRET, "task.created") + "]}";
        assertThat(send("POST", "", world.token("w1"), body)).as("a collaborator with All").isEqualTo(11007);
        assertThat(send("GET", "", world.token("w1"), null)).isEqualTo(11007);
        assertThat(send("DELETE", "", world.token("w1"), "{\"ids\":[\"mine\"]}")).isEqualTo(11007);
        LabelingApp other = world.newApp("other");
        String otherKey = other.data().appKey();
        assertThat(send("GET", "", otherKey, null)).as("another app's key").isEqualTo(11008);
        assertThat(send("POST", "", otherKey, body)).isEqualTo(11008);
        assertThat(world.client().send("GET", "/v2/webhooks", otherKey, null, MultiWebhookResponse.getDefaultInstance())
                .message().getWebhooksList()).as("its own app has none").isEmpty();
        assertThat(send("POST", "", app.data().appKey(), body)).as("this app's own key").isEqualTo(10000);
    }

    @Test
    void overGrpcTheSameHandlersAnswer() {
        try (GrpcClient grpc = new GrpcClient(world.grpcPort())) {
            UserAppIDSet ids = UserAppIDSet.newBuilder().setUserId(LabelingWorld.OWNER).setAppId(app.data().appId()).build();
            MultiWebhookResponse posted = grpc.callWithAuthorization("annotask.webhooks.Webhooks/PostWebhooks",
                    PostWebhooksRequest.newBuilder().setUserAppId(ids).addWebhooks(Webhook.newBuilder().setId("g")
                            .setUrl(URL).addEvents("input.created").setSecret(Hooks.SECRET)).build(),
                    MultiWebhookResponse.getDefaultInstance(), "Key " + world.ownerToken());
            assertThat(posted.getStatus().getCodeValue()).as(posted.getStatus().getDetails()).isEqualTo(10000);
            assertThat(posted.getWebhooks(0).getSecret()).isEmpty();
            MultiWebhookResponse refused = grpc.callWithAuthorization("annotask.webhooks.Webhooks/ListWebhooks",
                    ListWebhooksRequest.newBuilder().setUserAppId(ids).build(), MultiWebhookResponse.getDefaultInstance(),
                    "Key " + world.token("w1"));
            assertThat(refused.getStatus().getCodeValue()).isEqualTo(11007);
        }
        assertThat(send("GET", "/g", world.ownerToken(), null)).as("seen over REST").isEqualTo(10000);
    }

    private List<Receiver.Request> received() {
        return receiver.received(hook);
    }

    private List<String> typesReceived() {
        return received().stream().map(r -> Hooks.json(r).get("type").getAsString()).toList();
    }

    private void awaitReceived(int count) {
        Hooks.await(world, Duration.ZERO, count + " requests", () -> received().size() >= count);
    }

    private long storedEvents() {
        return world.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM events e JOIN apps a ON a.uid = e.app_uid WHERE a.id = :app")
                .bind("app", app.data().appId()).mapTo(Long.class).one());
    }

    @Test
    void taskAndReviewEventsArriveSignedWithTheResourceAsData() {
        Hooks.subscribe(world, app, "all", receiver.url(hook), "task.created", "task.completed", "assignment.submitted",
                "labeling.approved", "labeling.rejected");
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        Labeler w1 = app.labeler("w1");
        w1.labelBatch(taskId, w1.start(taskId), "cat");
        Labeler r1 = app.labeler("r1");
        List<TaskAssignment> queue = r1.put(taskId, "{\"action\":\"REVIEW_START\"}").message().getTaskAssignmentsList();
        r1.put(taskId, verdict("REVIEW_APPROVE", "review_approve_config", queue.get(0)));
        r1.put(taskId, verdict("REVIEW_REJECT", "review_reject_config", queue.get(1)));

        awaitReceived(6);
        assertThat(typesReceived()).containsExactly("task.created", "assignment.submitted", "assignment.submitted",
                "labeling.approved", "labeling.rejected", "task.completed");
        received().forEach(request -> Hooks.assertSigned(request, Hooks.SECRET));
        JsonObject created = Hooks.json(received().get(0));
        assertThat(created.getAsJsonObject("app").get("app_id").getAsString()).isEqualTo(app.data().appId());
        assertThat(created.getAsJsonObject("app").get("user_id").getAsString()).isEqualTo(LabelingWorld.OWNER);
        assertThat(created.get("created_at").getAsString()).endsWith("Z");
        JsonObject task = created.getAsJsonObject("data");
        assertThat(task.get("id").getAsString()).isEqualTo(taskId);
        assertThat(task.getAsJsonObject("worker").get("strategy").getAsInt()).as("the API's JSON: enums as numbers")
                .isEqualTo(3);
        JsonObject approved = Hooks.json(received().get(3)).getAsJsonObject("data");
        assertThat(approved.get("reviewer_id").getAsString()).isEqualTo("r1");
        assertThat(approved.getAsJsonArray("task_assignments").get(0).getAsJsonObject().get("id").getAsString())
                .isEqualTo(queue.get(0).getId());
        assertThat(approved.getAsJsonArray("task_assignments").get(0).getAsJsonObject().getAsJsonObject("status")
                .get("code").getAsInt()).isEqualTo(54200);
        JsonObject completed = Hooks.json(received().get(5)).getAsJsonObject("data");
        assertThat(completed.getAsJsonObject("status").get("code").getAsInt()).isEqualTo(54002);
        assertThat(received().stream().map(r -> r.header("Annotask-Event-Id")).distinct()).hasSize(6);
        Hooks.await(world, Duration.ZERO, "all recorded delivered", () -> Hooks.deliveries(world, app, "all").stream()
                .allMatch(d -> d.getState() == WebhookDelivery.State.DELIVERED));
        assertThat(Hooks.deliveries(world, app, "all")).hasSize(6).allSatisfy(d -> {
            assertThat(d.getHttpCode()).isEqualTo(200);
            assertThat(d.getAttempts()).isEqualTo(1);
        });
    }

    private static String verdict(String action, String config, TaskAssignment assignment) {
        return "{\"action\":\"" + action + "\",\"" + config + "\":{\"task_assignments\":[{\"id\":\"" + assignment.getId()
                + "\"}]}}";
    }

    @Test
    void failuresAndTimeoutsAreRetriedAndLaterEventsWaitInOrder() {
        receiver.script(hook, 500, Receiver.HANG, 503);
        Hooks.subscribe(world, app, "inputs", receiver.url(hook), "input.created");
        app.data().postTextInputs("a");
        app.data().postTextInputs("b", "c");
        // Every retry falls due as the clock moves on; b and c wait behind a.
        Hooks.await(world, RETRY, "all three delivered", () -> received().stream()
                .map(r -> Hooks.json(r).get("id").getAsString()).distinct().count() == 3);
        Hooks.await(world, Duration.ZERO, "recorded", () -> Hooks.deliveries(world, app, "inputs").stream()
                .allMatch(d -> d.getState() == WebhookDelivery.State.DELIVERED));

        List<String> inputIds = received().stream().map(r -> Hooks.json(r).getAsJsonObject("data").get("id")
                .getAsString()).toList();
        assertThat(inputIds).containsExactly("a", "a", "a", "a", "b", "c");
        List<WebhookDelivery> deliveries = Hooks.deliveries(world, app, "inputs");
        assertThat(deliveries).extracting(WebhookDelivery::getAttempts).containsExactly(1, 1, 4);
        assertThat(received().subList(0, 4).stream().map(r -> r.header("Annotask-Event-Id")).distinct())
                .as("the same event each time").hasSize(1);
    }

    @Test
    void aDeliveryFailsAfterTheRetryWindowAndTheOwnerSendsItAgain() {
        receiver.script(hook, 500, 500);
        Hooks.subscribe(world, app, "down", receiver.url(hook), "input.created");
        app.data().postTextInputs("x");
        // The first attempt recorded (not only received) before the clock jumps past the window.
        Hooks.await(world, Duration.ZERO, "first attempt recorded", () -> Hooks.deliveries(world, app, "down").get(0)
                .getAttempts() == 1);
        world.clock().advance(Duration.ofHours(25));
        Hooks.await(world, Duration.ZERO, "failed", () -> Hooks.deliveries(world, app, "down").get(0).getState()
                == WebhookDelivery.State.FAILED);
        WebhookDelivery failed = Hooks.deliveries(world, app, "down").get(0);
        assertThat(failed.getAttempts()).isEqualTo(2);
        assertThat(failed.getHttpCode()).isEqualTo(500);
        assertThat(failed.getError()).isEqualTo("HTTP 500");
        assertThat(failed.hasNextAttemptAt()).isFalse();

        var resent = world.client().send("POST", app.data().longPath() + "/webhooks/down/deliveries/"
                + failed.getEventId() + "/resend", world.ownerToken(), "{}", SingleWebhookDeliveryResponse.getDefaultInstance());
        assertThat(resent.code()).as(resent.body()).isEqualTo(10000);
        Hooks.await(world, Duration.ZERO, "delivered again", () -> Hooks.deliveries(world, app, "down").get(0).getState()
                == WebhookDelivery.State.DELIVERED);
        assertThat(received()).hasSize(3);
        assertThat(world.client().send("POST", app.data().longPath() + "/webhooks/down/deliveries/nope/resend",
                world.ownerToken(), "{}", SingleWebhookDeliveryResponse.getDefaultInstance()).code()).isEqualTo(11101);
    }

    @Test
    void everyTypeOfEventIsWrittenWhereItsChangeHappens() {
        String[] all = Arrays.stream(EventType.values()).map(EventType::wireName).toArray(String[]::new);
        Hooks.subscribe(world, app, "every", receiver.url(hook), all);
        app.postInputs(2);
        // Consensus of two: w1 and w2 agree on in0 (consensus_reached) and disagree on in1 (to review).
        String consensusTask = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}",
                "{\"strategy\":\"CONSENSUS\",\"user_ids\":[\"r1\"],\"consensus_strategy_info\":"
                        + "{\"approval_threshold_labelers\":2}}");
        Labeler w1 = app.labeler("w1");
        Labeler w2 = app.labeler("w2");
        for (Labeler labeler : List.of(w1, w2)) {
            List<TaskAssignment> batch = labeler.start(consensusTask);
            for (TaskAssignment assignment : batch) {
                String concept = assignment.getInput().getId().equals("in1") && labeler == w2 ? "dog" : "cat";
                assertThat(labeler.classify(consensusTask, assignment.getInput().getId(), concept).code()).isEqualTo(10000);
            }
            assertThat(labeler.submit(consensusTask, batch).code()).isEqualTo(10000);
        }
        Labeler r1 = app.labeler("r1");
        List<TaskAssignment> queue = r1.put(consensusTask, "{\"action\":\"REVIEW_START\"}").message()
                .getTaskAssignmentsList();
        assertThat(queue).hasSize(2);
        r1.put(consensusTask, verdict("REVIEW_APPROVE", "review_approve_config", queue.get(0)));
        r1.put(consensusTask, verdict("REVIEW_REJECT", "review_reject_config", queue.get(1)));
        String manual = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w4\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r2\"]}");
        Labeler w4 = app.labeler("w4");
        w4.labelBatch(manual, w4.start(manual), "cat");
        Labeler r2 = app.labeler("r2");
        TaskAssignment first = r2.put(manual, "{\"action\":\"REVIEW_START\"}").message().getTaskAssignments(0);
        r2.put(manual, verdict("REVIEW_REQUEST_CHANGES", "review_request_changes_config", first));
        // The owner's own annotations outside tasks: created, changed, deleted.
        var posted = app.call("POST", "/v2/annotations", "{\"annotations\":[{\"id\":\"own\",\"input_id\":\"in0\","
                + "\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}",
                dev.annotask.proto.api.MultiAnnotationResponse.getDefaultInstance());
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        assertThat(app.call("PATCH", "/v2/annotations", "{\"action\":\"overwrite\",\"annotations\":[{\"id\":\"own\","
                + "\"input_id\":\"in0\",\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}}]}",
                dev.annotask.proto.api.MultiAnnotationResponse.getDefaultInstance()).code()).isEqualTo(10000);
        assertThat(app.call("DELETE", "/v2/inputs/in0/annotations/own", null,
                dev.annotask.proto.api.status.BaseResponse.getDefaultInstance()).code()).isEqualTo(10000);
        // A task that completes by itself, then reopens when an input joins; patched; deleted.
        String quick = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w3\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w3 = app.labeler("w3");
        w3.labelBatch(quick, w3.start(quick), "cat");
        app.data().postTextInputs("joins");
        assertThat(app.call("PATCH", "/v2/tasks", "{\"action\":\"merge\",\"tasks\":[{\"id\":\"" + quick
                        + "\",\"status\":{\"code\":\"TASK_WONT_DO\"}}]}",
                dev.annotask.proto.api.MultiTaskResponse.getDefaultInstance()).code()).isEqualTo(10000);
        assertThat(app.call("DELETE", "/v2/tasks", "{\"ids\":[\"" + quick + "\"]}",
                dev.annotask.proto.api.status.BaseResponse.getDefaultInstance()).code()).isEqualTo(10000);
        // An export of the manual task: export.ready once it is built.
        assertThat(app.call("POST", "/v2/exports", "{\"exports\":[{\"format\":\"CSV\",\"task_id\":\"" + manual + "\"}]}",
                dev.annotask.proto.exports.MultiExportResponse.getDefaultInstance()).code()).isEqualTo(10000);

        Hooks.await(world, Duration.ZERO, "every type", () -> Set.copyOf(typesReceived()).size() == all.length);
        JsonObject reached = received().stream().map(Hooks::json)
                .filter(e -> e.get("type").getAsString().equals("labeling.consensus_reached")).findFirst().orElseThrow()
                .getAsJsonObject("data");
        assertThat(reached.get("input_id").getAsString()).isEqualTo("in0");
        assertThat(reached.getAsJsonArray("task_assignments")).hasSize(2);
        JsonObject deleted = received().stream().map(Hooks::json)
                .filter(e -> e.get("type").getAsString().equals("annotation.deleted")).findFirst().orElseThrow()
                .getAsJsonObject("data");
        assertThat(deleted.get("id").getAsString()).isEqualTo("own");
    }

    @Test
    void aSubscriptionHeldByANodeThatDiedIsSentOnceItsLeaseLapses() {
        Hooks.subscribe(world, app, "orphan", receiver.url(hook), "input.created");
        long until = world.clock().millis() + Duration.ofSeconds(60).toMillis();
        world.database().jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE webhooks SET lease_owner = 'a-node-killed-mid-delivery', lease_until = :until WHERE id = 'orphan'")
                .bind("until", until).execute());
        app.data().postTextInputs("late");
        assertThat(Hooks.deliveries(world, app, "orphan")).singleElement()
                .satisfies(d -> assertThat(d.getAttempts()).isZero());
        world.clock().advance(Duration.ofSeconds(61));
        awaitReceived(1);
        assertThat(Hooks.json(received().get(0)).getAsJsonObject("data").get("id").getAsString()).isEqualTo("late");
    }

    @Test
    void labelsThatGoWithReleasedWorkAreAnnouncedAsDeleted() {
        Hooks.subscribe(world, app, "drafts", receiver.url(hook), "annotation.deleted");
        app.postInputs(1);
        String dynamic = app.task("{\"strategy\":\"DYNAMIC\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = app.labeler("w1");
        TaskAssignment held = w1.start(dynamic).get(0);
        assertThat(w1.classify(dynamic, held.getInput().getId(), "cat").code()).isEqualTo(10000);
        world.clock().advance(dev.annotask.config.ServerConfig.DEFAULT_LEASE.plusSeconds(1));
        assertThat(app.labeler("w2").start(dynamic)).as("w1's expired lease went back to the pool").hasSize(1);
        awaitReceived(1);
        JsonObject dropped = Hooks.json(received().get(0)).getAsJsonObject("data");
        assertThat(dropped.get("input_id").getAsString()).isEqualTo(held.getInput().getId());
        assertThat(dropped.get("user_id").getAsString()).isEqualTo("w1");
    }

    @Test
    void aTestEventGoesToThatSubscriptionOnly() {
        Hooks.subscribe(world, app, "probe", receiver.url(hook), "task.deleted");
        Hooks.subscribe(world, app, "other", receiver.url(hook + "-other"), "task.deleted");
        var sent = world.client().send("POST", path + "/probe/test", world.ownerToken(), "{}",
                SingleWebhookDeliveryResponse.getDefaultInstance());
        assertThat(sent.code()).as(sent.body()).isEqualTo(10000);
        assertThat(sent.message().getDelivery().getEventType()).isEqualTo("webhook.test");
        awaitReceived(1);
        Receiver.Request test = received().get(0);
        Hooks.assertSigned(test, Hooks.SECRET);
        assertThat(Hooks.json(test).get("type").getAsString()).isEqualTo("webhook.test");
        assertThat(Hooks.json(test).getAsJsonObject("data").get("id").getAsString()).isEqualTo("probe");
        assertThat(test.body()).doesNotContain(Hooks.SECRET);
        assertThat(Hooks.deliveries(world, app, "other")).isEmpty();
        assertThat(world.client().send("POST", path + "/nope/test", world.ownerToken(), "{}",
                SingleWebhookDeliveryResponse.getDefaultInstance()).code()).isEqualTo(11101);
        assertThat(world.client().send("POST", path + "/probe/test", world.token("w1"), "{}",
                SingleWebhookDeliveryResponse.getDefaultInstance()).code()).isEqualTo(11007);
    }

    @Test
    void aRolledBackChangeHasNoEventAndACommittedOneHasItsEvent() {
        Hooks.subscribe(world, app, "tasks", receiver.url(hook), "task.created", "task.deleted", "input.created");
        String good = "{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]},"
                + "\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"ALL_INPUTS\"},\"review\":{\"strategy\":\"NONE\"}}";
        String bad = good.replace("\"cat\"", "\"unicorn\"");
        var refused = app.call("POST", "/v2/tasks", "{\"tasks\":[" + good + "," + bad + "]}",
                dev.annotask.proto.api.MultiTaskResponse.getDefaultInstance());
        assertThat(refused.code()).as(refused.body()).isNotEqualTo(10000);
        var missing = app.call("DELETE", "/v2/tasks", "{\"ids\":[\"nope\"]}",
                dev.annotask.proto.api.status.BaseResponse.getDefaultInstance());
        assertThat(missing.code()).isEqualTo(54102);
        var duplicate = app.call("POST", "/v2/inputs", "{\"inputs\":[" + "{\"id\":\"d\",\"data\":{\"text\":{\"raw\":\"x\"}}},"
                        + "{\"id\":\"d\",\"data\":{\"text\":{\"raw\":\"y\"}}}]}",
                dev.annotask.proto.api.MultiInputResponse.getDefaultInstance());
        assertThat(duplicate.code()).isNotEqualTo(10000);
        assertThat(storedEvents()).as("nothing of the refused requests").isZero();

        String taskId = app.data().postTask(good).getId();
        assertThat(storedEvents()).isEqualTo(1);
        awaitReceived(1);
        assertThat(Hooks.json(received().get(0)).getAsJsonObject("data").get("id").getAsString()).isEqualTo(taskId);
        assertThat(app.call("DELETE", "/v2/tasks", "{\"ids\":[\"" + taskId + "\"]}",
                dev.annotask.proto.api.status.BaseResponse.getDefaultInstance()).code()).isEqualTo(10000);
        awaitReceived(2);
        assertThat(typesReceived()).containsExactly("task.created", "task.deleted");
    }

    @Test
    void anAppWithoutSubscriptionsStoresNoEvents() {
        app.postInputs(3);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        app.labeler("w1").labelBatch(taskId, app.labeler("w1").start(taskId), "cat");
        assertThat(storedEvents()).isZero();
    }

    /** Statements run for requests (not by the server's background threads), and those on the webhook tables. */
    private static final class Counter implements SqlLogger {
        final AtomicInteger all = new AtomicInteger();
        final AtomicInteger webhook = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public void logBeforeExecution(StatementContext context) {
            if (Thread.currentThread().getName().startsWith("annotask-")) {
                return;
            }
            all.incrementAndGet();
            String sql = context.getRenderedSql();
            if (sql.contains("webhook") || sql.matches("(?s).*\\bevents\\b.*")) {
                webhook.incrementAndGet();
                if (sql.contains("INSERT")) {
                    writes.incrementAndGet();
                }
            }
        }
    }

    /** One labeling round of a labeler over a new 10-input task (start, an annotation per input, submit), counted. */
    private Counter round(LabelingApp app) {
        app.postInputs(10);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = app.labeler("w1");
        // Not an assertion: a subscription made or ended just before (here or by another test) has
        // this node authorize from the database until its next poll of auth_changes (0.5 s); the
        // figures should compare rounds served from the caches.
        pause(Duration.ofMillis(1200));
        Counter counter = new Counter();
        SqlStatements statements = world.database().jdbi().getConfig(SqlStatements.class);
        SqlLogger before = statements.getSqlLogger();
        statements.setSqlLogger(counter);
        try {
            w1.labelBatch(taskId, w1.start(taskId), "cat");
        } finally {
            statements.setSqlLogger(before);
        }
        return counter;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void eventsCostNoWriteWithoutASubscriptionAndTwoStatementsPerBatchWithOne() {
        assumeTrue(dialect == SqlDialect.POSTGRESQL, "counted on PostgreSQL (SQLite's writer keeps one handle)");
        Counter without = round(world.newApp("plain"));
        LabelingApp subscribed = world.newApp("subscribed");
        String[] all = Arrays.stream(EventType.values()).map(EventType::wireName).toArray(String[]::new);
        Hooks.subscribe(world, subscribed, "all", receiver.url(hook), all);
        Counter with = round(subscribed);
        System.out.printf("labeling round (LABEL_START, 10 PostAnnotations, LABEL_SUBMIT completing the task) on"
                        + " PostgreSQL: %d statements without a subscription (%d on the webhook tables), %d with one to"
                        + " every event (%d on the webhook tables, %d of them INSERTs)%n", without.all.get(),
                without.webhook.get(), with.all.get(), with.webhook.get(), with.writes.get());
        assertThat(without.writes.get()).as("nothing written without a subscription").isZero();
        assertThat(without.webhook.get()).as("at most the cache's look at the app's subscriptions").isLessThanOrEqualTo(1);
        // 10 annotation.created, assignment.submitted, task.completed: one statement each (+ the app for the task).
        assertThat(with.writes.get()).isEqualTo(12);
        Hooks.await(world, Duration.ZERO, "12 events", () -> received().size() >= 12);
    }

    @Test
    void twoNodesShareASubscriptionsDeliveriesEachEventDeliveredInOrder() {
        assumeTrue(dialect == SqlDialect.POSTGRESQL, "several nodes share PostgreSQL only");
        Hooks.subscribe(world, app, "nodes", receiver.url(hook), "input.created");
        receiver.script(hook, 500, 500);
        try (AnnotaskServer second = new AnnotaskServer(world.server().config().withHttpPort(0), world.clock()).start()) {
            ApiClient secondClient = new ApiClient(second.httpPort());
            List<String> ids = IntStream.range(0, 30).mapToObj(i -> "n" + i).toList();
            for (String id : ids) {
                // Half through each node: both write events, both send them.
                (id.hashCode() % 2 == 0 ? app.data() : app.data().through(secondClient)).postTextInputs(id);
            }
            Hooks.await(world, Duration.ofSeconds(3), "30 inputs delivered", () -> received().stream()
                    .map(r -> Hooks.json(r).get("id").getAsString()).distinct().count() == 30);
            List<String> firsts = new ArrayList<>();
            for (Receiver.Request request : received()) {
                String inputId = Hooks.json(request).getAsJsonObject("data").get("id").getAsString();
                if (!firsts.contains(inputId)) {
                    firsts.add(inputId);
                }
            }
            assertThat(firsts).as("in order of creation, across both nodes").containsExactlyElementsOf(ids);
            int duplicates = received().size() - 30 - 2;
            System.out.printf("two nodes, 30 events: %d requests, %d beyond the 2 scripted failures%n",
                    received().size(), duplicates);
            assertThat(Set.copyOf(received().stream().map(r -> r.header("Annotask-Event-Id")).toList()))
                    .hasSize(30);
        }
    }
}
