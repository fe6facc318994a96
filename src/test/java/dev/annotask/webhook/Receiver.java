package dev.annotask.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver for tests: the JDK's HTTP server on 127.0.0.1, recording every request
 * (headers and raw body) and answering each with the next scripted answer (an HTTP code, or
 * {@link #HANG}: no answer until the test ends it or a few seconds pass), 200 when the script is
 * empty. Each path is a receiver of its own, so one server serves every test of a class. A
 * {@link #delay} makes every answer slow (a receiver that keeps a backlog of deliveries).
 */
final class Receiver implements AutoCloseable {
    /** A scripted answer that holds the request past any webhook timeout of the tests. */
    static final int HANG = -1;

    /** One request as received, and when ({@link System#nanoTime}). */
    record Request(String path, Map<String, List<String>> headers, String body, long receivedAtNanos) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final Map<String, Deque<Integer>> scripts = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Request> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile long delayMillis;

    Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String path = exchange.getRequestURI().getPath();
            received.add(new Request(path, Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime()));
            Integer answer = scripts.getOrDefault(path, new ConcurrentLinkedDeque<>()).poll();
            int code = answer == null ? 200 : answer;
            if (code == HANG) {
                try {
                    released.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                code = 200;
            }
            pause(delayMillis);
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        server.start();
    }

    /** Every answer from now on comes this much later (zero: at once). */
    void delay(java.time.Duration delay) {
        delayMillis = delay.toMillis();
    }

    private static void pause(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The URL of a receiver of its own. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    /** The answers the next requests to this path get, in order. */
    void script(String path, Integer... answers) {
        scripts.computeIfAbsent("/" + path, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(answers));
    }

    List<Request> received(String path) {
        synchronized (received) {
            return received.stream().filter(r -> r.path().equals("/" + path)).toList();
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
