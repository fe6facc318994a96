package dev.annotask.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.store.SqlDialect;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the HTTP port gives away, on both databases: API answers are never cached
 * ({@code Cache-Control: no-store}, above all PostKeys, which carries a secret) and no answer
 * may be content-sniffed; {@code /metrics} answers only its bearer token when one is set, and
 * holds no secret, id or token either way.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class ExposureApiTest {
    private static final String METRICS_TOKEN = "metrics-token-6a0f3c2e9d1b";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static RunningServer server;

    @Parameter
    SqlDialect dialect;

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        server = RunningServer.start(dialect, Clock.systemUTC(), config -> config.withMetricsToken(METRICS_TOKEN));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    @Test
    void apiAnswersAreNeverStoredAndNeverSniffed() {
        new Fixtures(server.client()).createUser("carol");
        HttpResponse<String> postKeys = send("POST", "/v2/users/carol/keys", "Key " + RunningServer.ADMIN_TOKEN,
                "{\"keys\":[{\"description\":\"d\",\"scopes\":[\"All\"],\"type\":\"personal_access_token\"}]}");
        assertThat(postKeys.body()).contains("\"code\":10000");
        List<HttpResponse<String>> answers = List.of(postKeys,
                send("GET", "/v2/users/carol/keys", "Key " + RunningServer.ADMIN_TOKEN, null),
                send("GET", "/v2/users/me", "Key not-a-key-at-all-0000000000", null),
                send("GET", "/v2/no/such/path", null, null),
                // answered by the intake before Javalin (MalformedRequestApiTest covers Jetty's own refusals)
                send("POST", "/v2/users/carol/keys", null, "{\"keys\":[]}"),
                send("OPTIONS", "/v2/users/me", null, null));
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.headers().firstValue("Cache-Control")).as(answer.uri().toString()).hasValue("no-store");
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        });
        assertThat(send("GET", "/healthz", null, null).headers().firstValue("X-Content-Type-Options"))
                .hasValue("nosniff");
    }

    @Test
    void metricsAnswerOnlyTheirBearerToken() {
        assertThat(send("GET", "/metrics", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/metrics", "Bearer " + METRICS_TOKEN + "x", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/metrics", "Key " + METRICS_TOKEN, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/metrics", "Bearer " + RunningServer.ADMIN_TOKEN, null).statusCode())
                .as("the admin token is not the metrics token").isEqualTo(401);
        HttpResponse<String> scraped = send("GET", "/metrics", "Bearer " + METRICS_TOKEN, null);
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("annotask_rpc_requests_seconds_count");
    }

    @Test
    void metricsHoldNoSecretOrId() {
        Fixtures fixtures = new Fixtures(server.client());
        String token = fixtures.createUserWithToken("metrics-user-zq");
        fixtures.createApp(token, "metrics-app-zq");
        send("GET", "/v2/users/me", "Key wrong-token-zq-0000000000", null);
        String scraped = send("GET", "/metrics", "Bearer " + METRICS_TOKEN, null).body();
        assertThat(scraped).contains("rpc=\"PostApps\"")
                .doesNotContain(token).doesNotContain(RunningServer.ADMIN_TOKEN).doesNotContain(METRICS_TOKEN)
                .doesNotContain("metrics-user-zq").doesNotContain("metrics-app-zq").doesNotContain("wrong-token-zq")
                .doesNotContain(server.config().dataDir().toString());
    }

    private static HttpResponse<String> send(String verb, String path, String authorization, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().httpPort()
                + path)).method(verb, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(verb + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
