package dev.annotask.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.annotask.config.ServerConfig;
import dev.annotask.config.WebhookSettings;
import dev.annotask.proto.webhooks.MultiWebhookDeliveryResponse;
import dev.annotask.proto.webhooks.MultiWebhookResponse;
import dev.annotask.proto.webhooks.WebhookDelivery;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What the webhook API tests share: a world whose server may deliver to 127.0.0.1 quickly, and small helpers. */
final class Hooks {
    static final String SECRET = "s3cret-of-the-receiver-0123";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private Hooks() {
    }

    /** A labeling world whose webhooks may reach loopback, time out after a second and are looked for often. */
    static LabelingWorld world(SqlDialect dialect) {
        return LabelingWorld.startOwn(dialect, Hooks::fastLoopback);
    }

    static ServerConfig fastLoopback(ServerConfig config) {
        return config.withWebhooks(WebhookSettings.DEFAULTS.withAllowPrivateAddresses(true)
                .withRequestTimeout(Duration.ofSeconds(1)).withPollEvery(Duration.ofMillis(50)));
    }

    /** Subscribes (owner's token, the pinned long path) and checks it worked. */
    static void subscribe(LabelingWorld world, LabelingApp app, String id, String url, String... events) {
        var reply = post(world, app, "{\"webhooks\":[" + webhook(id, url, SECRET, events) + "]}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    static ApiClient.Reply<MultiWebhookResponse> post(LabelingWorld world, LabelingApp app, String json) {
        return world.client().send("POST", app.data().longPath() + "/webhooks", world.ownerToken(), json,
                MultiWebhookResponse.getDefaultInstance());
    }

    static String webhook(String id, String url, String secret, String... events) {
        String types = Arrays.stream(events).map(e -> "\"" + e + "\"").collect(Collectors.joining(","));
        return "{\"id\":\"" + id + "\",\"url\":\"" + url + "\",\"events\":[" + types + "],\"secret\":\"" + secret + "\"}";
    }

    static List<WebhookDelivery> deliveries(LabelingWorld world, LabelingApp app, String webhookId) {
        var reply = world.client().send("GET", app.data().longPath() + "/webhooks/" + webhookId + "/deliveries",
                world.ownerToken(), null, MultiWebhookDeliveryResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getDeliveriesList();
    }

    /**
     * Waits, within a bounded deadline, until the condition holds; with {@code clockStep}, moves
     * the server's clock on by it between looks, so that retries fall due without waiting.
     */
    static void await(LabelingWorld world, Duration clockStep, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting for " + what).isLessThan(deadline);
            world.clock().advance(clockStep);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static JsonObject json(Receiver.Request request) {
        return JsonParser.parseString(request.body()).getAsJsonObject();
    }

    /** Checks the signature header against an HMAC computed here, from the raw body as received. */
    static void assertSigned(Receiver.Request request, String secret) {
        String header = request.header("Annotask-Signature");
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        String t = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf("v1=") + 3);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + request.body())
                    .getBytes(StandardCharsets.UTF_8)));
            assertThat(v1).as("signature of " + request.body()).isEqualTo(expected);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        JsonObject body = json(request);
        assertThat(request.header("Annotask-Event-Id")).isEqualTo(body.get("id").getAsString());
        assertThat(request.header("Annotask-Event-Type")).isEqualTo(body.get("type").getAsString());
    }
}
