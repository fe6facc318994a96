package dev.annotask.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends one event to one receiver: an HTTP POST of the JSON body with the event's headers and
 * signature, through the JDK's HttpClient, bounded by the request timeout (connection
 * included). The answer's body is never read (a receiver cannot make the server hold it);
 * redirects are not followed (a 3xx is a failure, like any answer but 2xx). Thread-safe.
 */
final class Sender {
    static final String USER_AGENT = "Annotask-Webhooks/1";

    /** How one attempt went: 2xx or not, the HTTP code (0 when none came back), how long it took, why it failed. */
    record Outcome(boolean delivered, int httpCode, int latencyMs, String error) {
    }

    private final HttpClient http;
    private final Duration timeout;
    private final ReceiverAddresses addresses;
    private final Clock clock;

    Sender(Duration timeout, ReceiverAddresses addresses, Clock clock) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
        this.addresses = addresses;
        this.clock = clock;
    }

    Outcome send(URI url, String eventId, String eventType, String body, byte[] secret) {
        long started = System.nanoTime();
        Optional<String> refused = addresses.refusal(url);
        if (refused.isPresent()) {
            return new Outcome(false, 0, elapsed(started), refused.get());
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header("Annotask-Event-Id", eventId)
                .header("Annotask-Event-Type", eventType)
                .header(Signature.HEADER, Signature.header(secret, clock.millis() / 1000, body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            // Closed unread: the connection is dropped rather than drained.
            response.body().close();
            int code = response.statusCode();
            boolean ok = code >= 200 && code < 300;
            return new Outcome(ok, code, elapsed(started), ok ? "" : "HTTP " + code);
        } catch (HttpConnectTimeoutException e) {
            return new Outcome(false, 0, elapsed(started), "connection timeout");
        } catch (HttpTimeoutException e) {
            return new Outcome(false, 0, elapsed(started), "timeout");
        } catch (ConnectException e) {
            return new Outcome(false, 0, elapsed(started), "connection refused");
        } catch (IOException e) {
            return new Outcome(false, 0, elapsed(started), "connection error (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, 0, elapsed(started), "interrupted");
        }
    }

    private static int elapsed(long startedNanos) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
