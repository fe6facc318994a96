package dev.annotask.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The load generator's HTTP side: the JDK client over HTTP/1.1 keep-alive, bodies kept as text
 * and checked only for success, so the generator spends as little of the shared CPU as it can
 * on each call. Thread-safe.
 */
final class BenchHttp {
    private static final String SUCCESS = "\"code\":10000";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    BenchHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** An API call that must succeed (HTTP 200 and status 10000); its body. */
    String call(String verb, String path, String token, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Key " + token)
                .method(verb, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = send(request.build());
        if (response.statusCode() != 200 || !response.body().contains(SUCCESS)) {
            throw new IllegalStateException(verb + " " + path + " -> HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** A GET of a non-API path that must answer 200 (the bare endpoint). */
    void get(String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + path)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " -> HTTP " + response.statusCode());
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
