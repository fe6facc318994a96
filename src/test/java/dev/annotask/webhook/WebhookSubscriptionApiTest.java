package dev.annotask.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.proto.webhooks.ListWebhooksRequest;
import dev.annotask.proto.webhooks.MultiWebhookResponse;
import dev.annotask.proto.webhooks.PostWebhooksRequest;
import dev.annotask.proto.webhooks.Webhook;
import dev.annotask.proto.webhooks.SingleWebhookResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Managing an app's webhooks over REST: validation, all or nothing, owner only, secrets never shown. */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class WebhookSubscriptionApiTest {
    private static final String URL = "https://hooks.example.com/annotask";
    private static LabelingWorld world;

    @Parameter
    SqlDialect dialect;

    private LabelingApp app;
    private String path;

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
}
