package dev.annotask.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket that accepts, counts and drops every connection: the address a DNS-rebinding test
 * must never reach, listening so that reaching it would show.
 */
public final class CountingListener implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger accepted = new AtomicInteger();

    public CountingListener(InetSocketAddress at) {
        try {
            socket = new ServerSocket();
            socket.bind(at);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException e) {
                    // closed: the loop ends
                }
            }
        }, "counting-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Connects to the listener once and waits (bounded) until it counted that connection, then
     * counts from zero again: a count of zero afterwards means something only if a connection
     * there is counted.
     */
    public void proveItCounts() throws IOException, InterruptedException {
        InetSocketAddress at = (InetSocketAddress) socket.getLocalSocketAddress();
        try (Socket probe = new Socket(at.getAddress(), at.getPort())) {
            probe.getOutputStream().write('x');
        }
        for (int i = 0; i < 500 && accepted.get() == 0; i++) {
            Thread.sleep(10);
        }
        if (accepted.get() != 1) {
            throw new IllegalStateException("the probe was not counted: " + accepted.get());
        }
        accepted.set(0);
    }

    public int connections() {
        return accepted.get();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
