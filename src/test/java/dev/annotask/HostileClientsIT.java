package dev.annotask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.api.TransportLimits;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RawHttp;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.TestDatabases;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built jar run as the README runs it ({@code -Xmx256m}), under hostile clients:
 * floods of made-up UI names, bodies without a key or over the limit, several uploads just
 * under the limit at once, hundreds of connections trickling their bodies. Each must leave the
 * server answering, and its memory (peak RSS) under 512 MiB. Prints what it measures (upload
 * outcomes, latencies under slow clients, peak RSS) for docs/DEPLOYMENT.md; asserts no timings.
 * Once on SQLite and once on PostgreSQL (the embedded one of the tests; the RSS is the server's).
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class HostileClientsIT {
    private static final long MAX_RSS_KIB = 512 * 1024;
    private static final int MIB = 1024 * 1024;

    private static Path data;
    private static ServerProcess server;
    private static ApiClient api;
    private static DataFixtures pets;

    @Parameter
    SqlDialect dialect;

    @BeforeParameterizedClassInvocation
    static void start(SqlDialect dialect) {
        data = TestDatabases.tempDirectory();
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--admin-token", RunningServer.ADMIN_TOKEN));
        if (dialect == SqlDialect.POSTGRESQL) {
            args.addAll(List.of("--db", TestDatabases.newDatabase(dialect)));
        }
        System.out.println("on " + dialect + ":");
        server = ServerProcess.startAsDocumented(args.toArray(String[]::new));
        api = server.client();
        String owner = new Fixtures(api).createUserWithToken("owner");
        pets = DataFixtures.newApp(api, "owner", owner, "pets");
    }

    @AfterParameterizedClassInvocation
    static void stop() throws IOException {
        try {
            long peak = statusField("VmHWM");
            System.out.printf("server peak RSS (VmHWM) over all runs: %d MiB%n", peak / 1024);
            assertThat(peak).as("peak RSS in KiB").isLessThan(MAX_RSS_KIB);
        } finally {
            server.close();
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** A field of the server's /proc status, in KiB (or a count). */
    private static long statusField(String name) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(server.pid()), "status")).stream()
                .filter(line -> line.startsWith(name + ":"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
    }

    @Test
    void concurrentUploadsJustUnderTheLimitAllSucceed() throws Exception {
        for (int uploads : new int[] {4, 8}) {
            ExecutorService clients = Executors.newFixedThreadPool(uploads);
            try {
                long started = System.nanoTime();
                List<Future<RawHttp.Response>> replies = new ArrayList<>();
                for (int i = 0; i < uploads; i++) {
                    String prefix = "up" + uploads + "-" + i;
                    replies.add(clients.submit(() -> upload(prefix, TransportLimits.MAX_REQUEST_BYTES - 64 * 1024)));
                }
                int succeeded = 0;
                for (Future<RawHttp.Response> reply : replies) {
                    RawHttp.Response response = reply.get(120, TimeUnit.SECONDS);
                    if (response.status() == 200 && response.body().contains("\"code\":10000")) {
                        succeeded++;
                    } else {
                        System.out.println("upload failed: " + response.status() + " " + response.body());
                    }
                }
                System.out.printf("%d concurrent uploads of %d bytes: %d succeeded, in %d ms; RSS now %d MiB%n",
                        uploads, TransportLimits.MAX_REQUEST_BYTES - 64 * 1024, succeeded,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), statusField("VmRSS") / 1024);
                assertThat(succeeded).isEqualTo(uploads);
            } finally {
                clients.shutdownNow();
            }
            var deleted = pets.call("DELETE", "/v2/inputs", idsJson(uploads), BaseResponse.getDefaultInstance());
            assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);
        }
    }

    private static String idsJson(int uploads) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            ids.add("\"up" + uploads + "-" + i + "-a\"");
            ids.add("\"up" + uploads + "-" + i + "-b\"");
        }
        return "{\"ids\":[" + String.join(",", ids) + "]}";
    }

    /** PostInputs with two images that fill a body of {@code size} bytes, streamed as it is made. */
    private static RawHttp.Response upload(String idPrefix, int size) throws IOException {
        byte[] first = ("{\"inputs\":[{\"id\":\"" + idPrefix + "-a\",\"data\":{\"image\":{\"base64\":\"")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] middle = ("\"}}},{\"id\":\"" + idPrefix + "-b\",\"data\":{\"image\":{\"base64\":\"")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] last = "\"}}}]}".getBytes(StandardCharsets.US_ASCII);
        int half = (size - first.length - middle.length - last.length) / 2 / 4 * 4;
        byte[] block = "QUJD".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = RawHttp.open(server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v2/inputs HTTP/1.1\r\nHost: x\r\nAuthorization: Key " + pets.appKey()
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + (first.length + middle.length + last.length + 2L * half) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (byte[] opening : new byte[][] {first, middle}) {
                out.write(opening);
                for (int left = half; left > 0; left -= block.length) {
                    out.write(block, 0, Math.min(block.length, left));
                }
            }
            out.write(last);
            out.flush();
            return RawHttp.read(socket.getInputStream());
        }
    }

    @Test
    void bodiesWithoutAKeyOrOverTheLimitAreRefusedUnread() throws IOException {
        for (long length : new long[] {30L * MIB, 100L * MIB}) {
            for (String authorization : new String[] {"", "Authorization: Key nope\r\n"}) {
                try (Socket socket = RawHttp.open(server.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /v2/inputs HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n"
                            + authorization + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    long sent = 0;
                    byte[] block = new byte[64 * 1024];
                    Arrays.fill(block, (byte) 'A');
                    try {
                        while (sent < length) {
                            out.write(block, 0, (int) Math.min(block.length, length - sent));
                            sent += Math.min(block.length, length - sent);
                        }
                    } catch (IOException e) {
                        // The server answered and closed the connection.
                    }
                    RawHttp.Response response = RawHttp.read(socket.getInputStream());
                    System.out.printf("%d MiB body, %s: HTTP %d after the client sent %d bytes (%.1f%%)%n",
                            length / MIB, authorization.isEmpty() ? "no key" : "unknown key", response.status(),
                            sent, 100.0 * sent / length);
                    assertThat(response.status()).isIn(400, 401, 413);
                    assertThat(response.body()).contains("\"inputs\":[]");
                    assertThat(sent).as("bytes the client got to send").isLessThan(length);
                }
            }
        }
    }

    @Test
    void slowClientsDelayNeitherHealthNorTheApi() throws Exception {
        int connections = 400;
        List<Socket> slow = new ArrayList<>();
        AtomicInteger trickled = new AtomicInteger();
        Thread trickler = new Thread(() -> {
            byte[] oneByte = {' '};
            while (!Thread.currentThread().isInterrupted()) {
                for (Socket socket : slow) {
                    try {
                        socket.getOutputStream().write(oneByte);
                        trickled.incrementAndGet();
                    } catch (IOException e) {
                        // Cut off by the server: expected after its progress check.
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "trickler");
        try {
            long openedAt = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                Socket socket = RawHttp.open(server.port());
                socket.getOutputStream().write(("POST /v2/inputs HTTP/1.1\r\nHost: x\r\nAuthorization: Key "
                        + pets.appKey() + "\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            trickler.start();
            long serverThreads = statusField("Threads");

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Long> health = new ArrayList<>();
            List<Long> listing = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                health.add(timed(http, "/healthz", null, 200));
                listing.add(timed(http, "/v2/inputs?per_page=1", "Key " + pets.appKey(), 200));
            }
            System.out.printf("with %d connections trickling their bodies (server threads: %d): /healthz p50 %.1f ms,"
                    + " max %.1f ms; ListInputs p50 %.1f ms, max %.1f ms%n", connections, serverThreads,
                    percentile(health, 50), percentile(health, 100), percentile(listing, 50), percentile(listing, 100));

            // A body that does not keep coming is cut off: every trickler gets a 408 status body.
            int cutOff = 0;
            for (Socket socket : slow) {
                socket.setSoTimeout((int) Math.max(1000, 25_000 - (System.nanoTime() - openedAt) / 1_000_000));
                RawHttp.Response response = RawHttp.read(socket.getInputStream());
                if (response.status() == 408 && response.body().contains("\"inputs\":[]")) {
                    cutOff++;
                }
            }
            System.out.printf("slow bodies answered 408 by the progress check: %d of %d (%d bytes trickled)%n",
                    cutOff, connections, trickled.get());
            assertThat(cutOff).isEqualTo(connections);
        } finally {
            trickler.interrupt();
            trickler.join(5000);
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    /** Milliseconds one GET took; asserts only that it answered with the expected code. */
    private static long timed(HttpClient http, String path, String authorization, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expected);
        return micros;
    }

    private static double percentile(List<Long> micros, int percent) {
        List<Long> sorted = micros.stream().sorted().toList();
        int index = Math.max(0, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1);
        return sorted.get(index) / 1000.0;
    }

    @Test
    void aFloodOfMadeUpUiNamesLeavesTheServerAnswering() throws Exception {
        int requests = 35_000;
        int connections = 8;
        String padding = "z".repeat(7 * 1024 - 64);
        ExecutorService clients = Executors.newFixedThreadPool(connections);
        try {
            long rssBefore = statusField("VmRSS");
            List<Future<Integer>> batches = new ArrayList<>();
            for (int batch = 0; batch < connections; batch++) {
                int first = batch * (requests / connections);
                // Plain keep-alive connections, one request at a time on each: a flood that
                // costs the client little, so the two shared cores go to the server.
                batches.add(clients.submit(() -> {
                    int missed = 0;
                    try (Socket socket = RawHttp.open(server.port())) {
                        OutputStream out = socket.getOutputStream();
                        InputStream in = new BufferedInputStream(socket.getInputStream());
                        for (int i = first; i < first + requests / connections; i++) {
                            out.write(("GET /ui/made-up-" + i + padding + ".js HTTP/1.1\r\nHost: x\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            missed += RawHttp.read(in).status() == 404 ? 1 : 0;
                        }
                    }
                    return missed;
                }));
            }
            int missed = 0;
            for (Future<Integer> batch : batches) {
                missed += batch.get(300, TimeUnit.SECONDS);
            }
            System.out.printf("%d requests for made-up 7 KiB UI names: %d answered 404; RSS %d MiB before, %d MiB after%n",
                    requests, missed, rssBefore / 1024, statusField("VmRSS") / 1024);
            assertThat(missed).isEqualTo(requests);
            assertThat(api.raw("/healthz").statusCode()).isEqualTo(200);
            var listed = pets.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance());
            assertThat(listed.code()).isEqualTo(10000);
        } finally {
            clients.shutdownNow();
        }
    }
}
