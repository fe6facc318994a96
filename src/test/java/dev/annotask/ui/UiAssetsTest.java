package dev.annotask.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.store.SqlDialect;
import dev.annotask.testing.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The UI's files come from the jar, with their types, beside the API and ops routes. */
class UiAssetsTest {
    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path, String... headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server().httpPort() + path));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theRootIsThePageWithAPolicyThatKeepsItOnThisServer() {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/js/main.js\">");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'", "frame-ancestors 'none'");
        // Nothing in the page reaches for another host.
        assertThat(page.body()).doesNotContain("http://", "https://");
    }

    @Test
    void filesHaveTheirTypesAndRevalidateByETag() {
        assertThat(get("/ui/app.css").headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        HttpResponse<String> script = get("/ui/js/main.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(script.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String etag = script.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/ui/js/main.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void unknownOrEscapingNamesAreNotFound() {
        assertThat(get("/ui/missing.js").statusCode()).isEqualTo(404);
        assertThat(get("/ui/..%2Flogback.xml").statusCode()).isEqualTo(404);
        assertThat(get("/ui/../logback.xml").statusCode()).isIn(400, 404);
        assertThat(get("/ui/js").statusCode()).isEqualTo(404);
        assertThat(get("/ui/").statusCode()).isEqualTo(404);
    }

    @Test
    void madeUpNamesAreNotRemembered() {
        UiAssets ui = new UiAssets();
        String padding = "x".repeat(7000);
        for (int i = 0; i < 20_000; i++) {
            assertThat(ui.asset("/ui/made-up-" + i + padding + ".js")).isEmpty();
            assertThat(ui.asset("/ui/made-up-" + i + ".js")).isEmpty();
        }
        assertThat(ui.cachedFiles()).isZero();

        assertThat(ui.asset("/ui/app.css")).isPresent();
        assertThat(ui.asset("/")).isPresent();
        assertThat(ui.cachedFiles()).isEqualTo(2);
    }

    @Test
    void theServerAnswersAfterAFloodOfMisses() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String padding = "y".repeat(7000);
        for (int i = 0; i < 2_000; i++) {
            HttpResponse<Void> miss = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.server().httpPort() + "/ui/flood-" + i + padding + ".js")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(miss.statusCode()).isEqualTo(404);
        }
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/ui/app.css").statusCode()).isEqualTo(200);
    }

    @Test
    void theApiAndOpsRoutesAreUntouched() {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
        HttpResponse<String> codes = get("/v2/status_codes");
        assertThat(codes.statusCode()).isEqualTo(200);
        assertThat(codes.body()).contains("\"code\":10000");
        HttpResponse<String> unknown = get("/v2/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("11101");
    }
}
