package dev.annotask.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver that costs the shared cores as little as it can: the JDK's HTTP server on
 * 127.0.0.1, a few threads, every request read whole (so the connection is kept alive) and
 * answered 200 with no body, never verified. It counts the requests and, since the last
 * {@link #reset}, each event's lag: from its {@code created_at} (the server's clock when the
 * change wrote it, millisecond precision) to its arrival here. Thread-safe.
 */
final class FastReceiver implements AutoCloseable {
    private static final byte[] CREATED_AT = "\"created_at\":\"".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final AtomicLong delivered = new AtomicLong();
    private long[] lags = new long[4096];
    private int lagCount;

    FastReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            long now = System.currentTimeMillis();
            delivered.incrementAndGet();
            long created = createdAt(body);
            if (created > 0) {
                lag(now - created);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The URL of a subscription's receiver; every path is answered alike. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    /** Requests received since the receiver started. */
    long delivered() {
        return delivered.get();
    }

    /** Forgets the lags measured so far. */
    synchronized void reset() {
        lagCount = 0;
    }

    /** The lags since the last reset, as latencies over a span of that many seconds. */
    synchronized Latencies lags(double seconds) {
        return Latencies.of(Arrays.copyOf(lags, lagCount), lagCount, seconds);
    }

    private synchronized void lag(long millis) {
        if (lagCount == lags.length) {
            lags = Arrays.copyOf(lags, lagCount * 2);
        }
        lags[lagCount++] = millis * 1_000_000;
    }

    /** The body's created_at in epoch milliseconds, found without parsing the JSON; 0 when absent. */
    private static long createdAt(byte[] body) {
        outer:
        for (int i = 0; i + CREATED_AT.length < body.length; i++) {
            for (int j = 0; j < CREATED_AT.length; j++) {
                if (body[i + j] != CREATED_AT[j]) {
                    continue outer;
                }
            }
            int from = i + CREATED_AT.length;
            int to = from;
            while (to < body.length && body[to] != '"') {
                to++;
            }
            return Instant.parse(new String(body, from, to - from, StandardCharsets.US_ASCII)).toEpochMilli();
        }
        return 0;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
