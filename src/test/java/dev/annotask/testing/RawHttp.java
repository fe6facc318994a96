package dev.annotask.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what no HTTP client library sends: control characters and
 * broken escapes in the path, broken chunked bodies, headers without the body they announce.
 * Every read has a timeout, so a server that does not answer fails the test instead of
 * hanging it.
 */
public final class RawHttp {
    private static final int READ_TIMEOUT_MILLIS = 15_000;

    private RawHttp() {
    }

    /** One response: the status code, the headers (names in lower case) and the body as text. */
    public record Response(int status, Map<String, String> headers, String body) {
    }

    /**
     * Sends the bytes on a new connection, says it will send no more (so a body cut short ends
     * there, instead of waiting for the server's idle timeout), and reads one response.
     */
    public static Response exchange(int port, byte[] request) {
        try (Socket socket = open(port)) {
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Response exchange(int port, String request) {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static Socket open(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    /**
     * Reads one response: status line, headers, and a body of the announced Content-Length
     * (none for HEAD-like answers the caller reads with {@code Content-Length} ignored, see
     * {@link #readHead}). Interim 1xx responses are returned as they are.
     */
    public static Response read(InputStream in) throws IOException {
        Response head = readHead(in);
        int length = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Response(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
    }

    /** Reads a status line and headers only (the answer to a HEAD request has no body). */
    public static Response readHead(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine.isEmpty()) {
            throw new IOException("the server closed the connection without answering");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, "");
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int next = in.read(); next != -1 && next != '\n'; next = in.read()) {
            if (next != '\r') {
                line.write(next);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
