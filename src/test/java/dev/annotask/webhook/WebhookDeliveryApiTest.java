package dev.annotask.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.webhooks.SingleWebhookDeliveryResponse;
import dev.annotask.proto.webhooks.WebhookDelivery;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.time.Duration;
import java.util.List;
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
 * Events reaching a receiver started by the test: signed, retried after errors and timeouts,
 * in order per subscription, failed after the retry window and sent again on request, and
 * never for a change that was rolled back. The server's clock is moved by hand, so retries fall
 * due without waiting.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class WebhookDeliveryApiTest {
    private static final Duration RETRY = Duration.ofSeconds(3);
    private static LabelingWorld world;
    private static Receiver receiver;

    @Parameter
    SqlDialect dialect;

    private LabelingApp app;
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
        app = world.newApp("deliver");
        hook = dialect.name().toLowerCase() + "-" + app.data().appId();
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
        awaitReceived(1);
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
}
