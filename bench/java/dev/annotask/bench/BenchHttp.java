package dev.annotask.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The load generator's HTTP side: the JDK client over HTTP/1.1 keep-alive, bodies kept as text
 * and checked only for success, so the generator spends as little of the shared CPU as it can
 * on each call. Calls either block the calling thread (one thread per client, ClosedLoop) or
 * answer later on the client's own few threads (AsyncLoop, many clients without a thread each).
 * Thread-safe.
 */
final class BenchHttp {
    private static final String SUCCESS = "\"code\":10000";
    /** Bounds every call: a server that stops answering fails the run instead of hanging it. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    BenchHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** An API call that must succeed (HTTP 200 and status 10000); its body. */
    String call(String verb, String path, String token, String json) {
        HttpRequest request = apiRequest(verb, path, token, json);
        return succeeded(request, send(request));
    }

    /** The same call, answered later; the future fails as the blocking call would throw. */
    CompletableFuture<String> callAsync(String verb, String path, String token, String json) {
        HttpRequest request = apiRequest(verb, path, token, json);
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> succeeded(request, response));
    }

    /** A GET of a non-API path that must answer 200 (the bare endpoint, /metrics); its body. */
    String get(String path) {
        HttpRequest request = plainGet(path);
        return ok(request, send(request));
    }

    /** The same GET, answered later. */
    CompletableFuture<String> getAsync(String path) {
        HttpRequest request = plainGet(path);
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> ok(request, response));
    }

    private HttpRequest apiRequest(String verb, String path, String token, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(CALL_TIMEOUT)
                .header("Authorization", "Key " + token)
                .method(verb, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return request.build();
    }

    private HttpRequest plainGet(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(CALL_TIMEOUT).build();
    }

    private static String succeeded(HttpRequest request, HttpResponse<String> response) {
        if (response.statusCode() != 200 || !response.body().contains(SUCCESS)) {
            throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " -> HTTP "
                    + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String ok(HttpRequest request, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + request.uri().getPath() + " -> HTTP " + response.statusCode());
        }
        return response.body();
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
