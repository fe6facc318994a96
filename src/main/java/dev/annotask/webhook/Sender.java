package dev.annotask.webhook;

import dev.annotask.fetch.CheckedAddresses;
import dev.annotask.fetch.CheckedHttpClient;
import dev.annotask.fetch.HostResolver;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Sends one event to one receiver: an HTTP POST of the JSON body with the event's headers and
 * signature, through Jetty's HTTP client, bounded by the request timeout (connection
 * included). The client connects only to addresses {@link ReceiverAddresses} allows, and only
 * to those it checked: its one way from a host name to addresses is {@link CheckedAddresses},
 * which looks the name up once, checks every address of that answer and hands on exactly those,
 * so a receiver's name that answers a public address to the check and a private one to the
 * connection (DNS rebinding) never gets the second. TLS still speaks to the host name (SNI,
 * certificate checked against it). The answer's body is never read (a receiver cannot make the
 * server hold it); redirects are not followed (a 3xx is a failure, like any answer but 2xx); no
 * cookies, no proxy. Thread-safe; close once, when delivery stops.
 */
final class Sender implements AutoCloseable {
    static final String USER_AGENT = "Annotask-Webhooks/1";

    /** How one attempt went: 2xx or not, the HTTP code (0 when none came back), how long it took, why it failed. */
    record Outcome(boolean delivered, int httpCode, int latencyMs, String error) {
    }

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    Sender(Duration timeout, ReceiverAddresses addresses, Clock clock) {
        this(timeout, addresses::refusal, clock, HostResolver.SYSTEM);
    }

    /** With this rule on addresses, and the receivers' names looked up by this resolver (tests). */
    Sender(Duration timeout, CheckedAddresses.Rule receivers, Clock clock, HostResolver resolver) {
        this.http = CheckedHttpClient.start("annotask-webhooks", USER_AGENT, timeout,
                new CheckedAddresses("delivering to", receivers, resolver));
        this.timeout = timeout;
        this.clock = clock;
    }

    Outcome send(URI url, String eventId, String eventType, String body, byte[] secret) {
        long started = System.nanoTime();
        Request request;
        try {
            request = http.newRequest(url).method(HttpMethod.POST)
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(headers -> headers
                            .put("Annotask-Event-Id", eventId)
                            .put("Annotask-Event-Type", eventType)
                            .put(Signature.HEADER, Signature.header(secret, clock.millis() / 1000, body)))
                    .body(new BytesRequestContent("application/json", body.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return new Outcome(false, 0, elapsed(started), "not a URL a delivery can go to");
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        try {
            // The request's own timeout fails it first; this wait is only a backstop.
            Response response = listener.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            // Closed unread: the response is aborted (its connection dropped) rather than drained.
            closeQuietly(listener);
            int code = response.getStatus();
            boolean ok = code >= 200 && code < 300;
            return new Outcome(ok, code, elapsed(started), ok ? "" : "HTTP " + code);
        } catch (TimeoutException e) {
            request.abort(e);
            return new Outcome(false, 0, elapsed(started), "timeout");
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            return new Outcome(false, 0, elapsed(started), "interrupted");
        } catch (ExecutionException e) {
            return new Outcome(false, 0, elapsed(started), failure(e.getCause()));
        }
    }

    /** Why the request failed, in words for the delivery's last error. */
    private static String failure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CheckedAddresses.Refusal refusal) {
                return refusal.getMessage();
            }
            if (cause instanceof SocketTimeoutException) {
                return "connection timeout";
            }
            if (cause instanceof TimeoutException) {
                return "timeout";
            }
            if (cause instanceof ConnectException) {
                return "connection refused";
            }
        }
        return "connection error (" + (failure == null ? "no answer" : failure.getClass().getSimpleName()) + ")";
    }

    private static void closeQuietly(InputStreamResponseListener listener) {
        try {
            listener.getInputStream().close();
        } catch (IOException e) {
            // nothing more to read from it either way
        }
    }

    private static int elapsed(long startedNanos) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping: connections left are closed with the JVM
        }
    }
}
