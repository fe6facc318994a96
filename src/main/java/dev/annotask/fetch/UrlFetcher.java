package dev.annotask.fetch;

import dev.annotask.api.MemoryBudget;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Fetches the content of one input URL with Jetty's HTTP client, within bounds no origin can
 * push: {@code http} and {@code https} only; the client connects only to addresses the
 * {@link AddressPolicy} allows, and only to those it checked: its one way from a host name to
 * addresses is {@link CheckedAddresses}, which looks the name up once, checks every address
 * of that answer and hands on exactly those, so a name that answers differently on a second
 * lookup (DNS rebinding) never gets one. TLS still speaks to the host name (SNI, certificate
 * checked against it), while the socket goes to the address checked. Redirects are followed
 * here (never by the client) at most {@link #MAX_REDIRECTS} times, each target checked as the
 * first; one deadline for the whole fetch, headers and body (a stalled body is cut off by a
 * watchdog); at most {@code maxBytes}, refused from the declared length or as soon as the
 * count passes it; and the body held within a share of the {@link MemoryBudget}, the same
 * the API's large requests draw on. Nothing else is sent: no credentials, no cookies, no
 * proxy, no {@code Accept-Encoding} (the origin's bytes are stored as sent). Thread-safe.
 */
public final class UrlFetcher implements AutoCloseable {
    public static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a fetch waits for its share of the memory budget before it is put back for later. */
    static final Duration MEMORY_WAIT = Duration.ofSeconds(60);

    private final Duration timeout;
    private final HttpClient client;
    private final ScheduledExecutorService watchdog;
    private final BoundedBody body;

    /** A fetch that will not succeed: the input's download failed, for the reason given. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The content fetched, with the share of the memory budget it holds until closed. */
    public record Fetched(byte[] bytes, MemoryBudget.Reservation held) implements AutoCloseable {
        @Override
        public void close() {
            if (held != null) {
                held.close();
            }
        }
    }

    public UrlFetcher(AddressPolicy policy, long maxBytes, Duration timeout, MemoryBudget budget) {
        this(policy, maxBytes, timeout, budget, HostResolver.SYSTEM);
    }

    /** With the host names looked up by this resolver instead of the system's (tests). */
    UrlFetcher(AddressPolicy policy, long maxBytes, Duration timeout, MemoryBudget budget, HostResolver resolver) {
        this.timeout = timeout;
        this.client = CheckedHttpClient.start("annotask-fetch", "Annotask", CONNECT_TIMEOUT,
                new CheckedAddresses(policy, resolver));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "annotask-fetch-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        this.body = new BoundedBody(maxBytes, timeout, budget, watchdog);
    }

    /**
     * Fetches the URL's content.
     *
     * @throws Refused when it cannot be had within the rules (the reason is for the input's status)
     * @throws TimeoutException when no memory was free in time: try again later
     * @throws InterruptedException when the server is stopping
     */
    public Fetched fetch(String url) throws Refused, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = parse(url);
        for (int redirects = 0; ; redirects++) {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            Response response = send(checked(uri), deadline, listener);
            int code = response.getStatus();
            if (REDIRECTS.contains(code)) {
                closeQuietly(listener.getInputStream());
                String location = response.getHeaders().get(HttpHeader.LOCATION);
                if (location == null) {
                    throw new Refused("the origin answered HTTP " + code + " without a Location");
                }
                if (redirects == MAX_REDIRECTS) {
                    throw new Refused("more than " + MAX_REDIRECTS + " redirects");
                }
                uri = resolve(uri, location);
                continue;
            }
            if (code != 200) {
                closeQuietly(listener.getInputStream());
                throw new Refused("the origin answered HTTP " + code);
            }
            return body.read(response, listener.getInputStream(), deadline);
        }
    }

    private static URI parse(String url) throws Refused {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("not a URL the server can fetch: " + e.getMessage());
        }
    }

    private static URI resolve(URI base, String location) throws Refused {
        try {
            return base.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new Refused("the origin redirected to something that is no URL: " + location);
        }
    }

    /**
     * The URI, once its scheme is web and it names a host. Its addresses are checked when the
     * client connects ({@link CheckedAddresses}), on the lookup it connects with.
     */
    private static URI checked(URI uri) throws Refused {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("only http and https URLs are fetched, not: " + uri);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("the URL has no host: " + uri);
        }
        return uri;
    }

    /** Sends the request and waits, until the deadline at most, for the response's head. */
    private Response send(URI uri, long deadline, InputStreamResponseListener listener)
            throws Refused, InterruptedException {
        long nanos = remainingNanos(deadline);
        Request request;
        try {
            request = client.newRequest(uri).method(HttpMethod.GET)
                    .headers(headers -> headers.put(HttpHeader.ACCEPT, "*/*"));
        } catch (IllegalArgumentException e) {
            throw new Refused("not a URL the server can fetch: " + uri);
        }
        request.send(listener);
        try {
            return listener.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            throw new Refused("no answer from " + uri.getHost() + " within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            request.abort(e);
            throw e;
        } catch (ExecutionException e) {
            throw failed(uri, e.getCause());
        }
    }

    /** Why the request failed, in words for the input's status. */
    private Refused failed(URI uri, Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CheckedAddresses.Refusal refusal) {
                return new Refused(refusal.getMessage());
            }
            if (cause instanceof TimeoutException) {
                return new Refused("no answer from " + uri.getHost() + " within " + timeout.toSeconds() + " s");
            }
        }
        String message = failure == null || failure.getMessage() == null || failure.getMessage().isBlank()
                ? failure == null ? "no answer" : failure.getClass().getSimpleName()
                : failure.getMessage();
        return new Refused("could not fetch from " + uri.getHost() + ": " + message);
    }

    private long remainingNanos(long deadline) throws Refused {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            throw new Refused("not fetched within " + timeout.toSeconds() + " s");
        }
        return nanos;
    }

    static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing more to read from it either way
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        try {
            client.stop();
        } catch (Exception e) {
            // stopping: connections left are closed with the JVM
        }
    }
}
