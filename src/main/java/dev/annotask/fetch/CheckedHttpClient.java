package dev.annotask.fetch;

import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Jetty's HTTP client as the server uses it to reach addresses its users name (input URLs,
 * webhook receivers): its only name lookup is the {@link CheckedAddresses} given, so it connects
 * to exactly the addresses checked; HTTPS with the JDK's trust store and the certificate checked
 * against the host name; no proxy (a proxy would resolve and connect on its own terms), no
 * cookies, no redirects, authentication, upgrades or content decoding of the client's own; a
 * few daemon threads and a little buffer memory. Stop it with {@link HttpClient#stop()}.
 */
public final class CheckedHttpClient {
    private CheckedHttpClient() {
    }

    /**
     * A started client.
     *
     * @param name names its threads ({@code name-client}, {@code name-scheduler})
     */
    public static HttpClient start(String name, String userAgent, Duration connectTimeout, CheckedAddresses addresses) {
        SslContextFactory.Client tls = new SslContextFactory.Client(); // the JDK's trust store, never trust-all
        tls.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        connector.setSelectors(1);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setName(name);
        client.setConnectTimeout(connectTimeout.toMillis());
        // The callers block on threads of their own (a few at a time); these only do the client's I/O.
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName(name + "-client");
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler(name + "-scheduler", true));
        // Buffers kept for reuse: a little, not the default's share of the heap.
        client.setByteBufferPool(new ArrayByteBufferPool(0, 0, 64 * 1024, 16, 2L * 1024 * 1024, 2L * 1024 * 1024));
        client.setSocketAddressResolver(addresses);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, userAgent));
        // The proxy configuration stays empty.
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP client " + name + " did not start", e);
        }
        // Filled from the class path at start: no decoding (no Accept-Encoding sent), and no
        // redirect following, authentication or upgrade handling of the client's own.
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
        return client;
    }
}
