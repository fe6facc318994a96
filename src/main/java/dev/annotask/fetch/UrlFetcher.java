package dev.annotask.fetch;

import dev.annotask.api.MemoryBudget;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * Fetches the content of one input URL with the JDK's HTTP client, within bounds no origin can
 * push: {@code http} and {@code https} only; every address the host resolves to checked
 * against the {@link AddressPolicy} before connecting, and again for each redirect, which is
 * followed here (never by the client) at most {@link #MAX_REDIRECTS} times; one deadline for
 * the whole fetch, headers and body (a stalled body is cut off by a watchdog); at most
 * {@code maxBytes}, refused from the declared length or as soon as the count passes it; and
 * the body held within a share of the {@link MemoryBudget}, the same the API's large requests
 * draw on. Nothing else is sent: no credentials, no cookies. Thread-safe.
 *
 * <p>The client resolves the host again when it connects; the JVM's address cache (30 s by
 * default) makes that the answer just checked, but a resolver that changes its answer in
 * between could still slip past (docs/SECURITY.md, "Fetching input URLs").
 */
public final class UrlFetcher implements AutoCloseable {
    public static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a fetch waits for its share of the memory budget before it is put back for later. */
    static final Duration MEMORY_WAIT = Duration.ofSeconds(60);

    private final AddressPolicy policy;
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
        this.policy = policy;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                // Straight to the address checked: a proxy would resolve and connect on its own terms.
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
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
            HttpResponse<InputStream> response = send(checked(uri), deadline);
            int code = response.statusCode();
            if (REDIRECTS.contains(code)) {
                closeQuietly(response.body());
                Optional<String> location = response.headers().firstValue("Location");
                if (location.isEmpty()) {
                    throw new Refused("the origin answered HTTP " + code + " without a Location");
                }
                if (redirects == MAX_REDIRECTS) {
                    throw new Refused("more than " + MAX_REDIRECTS + " redirects");
                }
                uri = resolve(uri, location.get());
                continue;
            }
            if (code != 200) {
                closeQuietly(response.body());
                throw new Refused("the origin answered HTTP " + code);
            }
            return body.read(response, deadline);
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

    /** The URI, once its scheme is web and every address of its host may be fetched from. */
    private URI checked(URI uri) throws Refused {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("only http and https URLs are fetched, not: " + uri);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refused("the URL has no host: " + uri);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new Refused("the host " + host + " is not known");
        }
        for (InetAddress address : addresses) {
            Optional<String> refusal = policy.refusal(address);
            if (refusal.isPresent()) {
                throw new Refused("fetching " + host + " refused: " + refusal.get());
            }
        }
        return uri;
    }

    private HttpResponse<InputStream> send(URI uri, long deadline) throws Refused, InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri).GET().timeout(remaining(deadline))
                    .header("User-Agent", "Annotask").header("Accept", "*/*").build();
        } catch (IllegalArgumentException e) {
            throw new Refused("not a URL the server can fetch: " + uri);
        }
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new Refused("no answer from " + uri.getHost() + " within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new Refused("could not fetch from " + uri.getHost() + ": " + describe(e));
        }
    }

    private Duration remaining(long deadline) throws Refused {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            throw new Refused("not fetched within " + timeout.toSeconds() + " s");
        }
        return Duration.ofNanos(nanos);
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
    }
}
