package dev.annotask.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A web server on loopback that tests point input URLs at (the JDK's own {@link HttpServer}):
 * paths answer with bytes, redirects, errors, endless or stalled bodies. Close it after use.
 */
public final class Origin implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    public Origin() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.start();
    }

    /** {@code http://127.0.0.1:port} followed by the path. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers the path with 200 and these bytes, with their length. */
    public Origin serve(String path, byte[] bytes) {
        return handle(path, exchange -> {
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
    }

    /** Answers the path with this status and a Location header. */
    public Origin redirect(String path, int status, String location) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
    }

    /** Answers the path with this status and no body. */
    public Origin status(String path, int status) {
        return handle(path, exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
    }

    /**
     * Answers the path with {@code size} zero bytes, declaring the length or (declared false)
     * sending them chunked; stops when the client goes away.
     */
    public Origin zeros(String path, long size, boolean declared) {
        return handle(path, exchange -> {
            exchange.sendResponseHeaders(200, declared ? size : 0);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                for (long left = size; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            } catch (IOException e) {
                // the client stopped reading: that is what some tests want
            }
        });
    }

    /** Declares 1,000 bytes, sends 10, then sends nothing more for up to a minute (or until closed). */
    public Origin stall(String path) {
        return handle(path, exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            OutputStream out = exchange.getResponseBody();
            out.write(new byte[10]);
            out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
    }

    /** What a path does with the exchange. */
    @FunctionalInterface
    public interface Answer {
        void answer(HttpExchange exchange) throws IOException;
    }

    public Origin handle(String path, Answer answer) {
        server.createContext(path, exchange -> {
            try {
                answer.answer(exchange);
            } finally {
                exchange.close();
            }
        });
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
