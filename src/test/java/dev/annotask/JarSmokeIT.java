package dev.annotask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.GetUserRequest;
import dev.annotask.proto.api.SingleUserResponse;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.TestDatabases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, for real: the built jar starts, names its addresses and database
 * in one line, answers the admin with the given token over HTTP and gRPC, prints a random token when none is
 * given, and stops on SIGTERM.
 */
class JarSmokeIT {
    private static final String ADMIN_TOKEN = "smoke-admin-token-0b5e27c94d61";
    private static final Pattern STARTED =
            Pattern.compile("serving HTTP on [^:]+:(\\d+), gRPC (?:on [^:]+:(\\d+)|off), database (\\S+)");

    @Test
    void servesTheAdminWithTheGivenTokenOverHttpAndGrpcAndStopsOnSigterm() throws Exception {
        Path data = TestDatabases.tempDirectory();
        int grpcPort = freePort();
        Process process = start(data, "--admin-token", ADMIN_TOKEN, "--grpc-port", String.valueOf(grpcPort));
        try {
            List<String> lines = new ArrayList<>();
            Matcher started = awaitStartLine(process, lines);
            assertThat(started.group(3)).isEqualTo("sqlite");
            ApiClient api = new ApiClient(Integer.parseInt(started.group(1)));
            var reply = api.send("GET", "/v2/users/admin", ADMIN_TOKEN, null, SingleUserResponse.getDefaultInstance());
            assertThat(reply.code()).isEqualTo(10000);
            assertThat(reply.message().getUser().getId()).isEqualTo("admin");
            assertThat(lines).noneMatch(line -> line.contains("admin token"));
            assertThat(started.group(2)).as("the gRPC port asked for").isEqualTo(String.valueOf(grpcPort));
            try (GrpcClient grpc = new GrpcClient(grpcPort)) {
                SingleUserResponse viaGrpc = grpc.call("GetUser", GetUserRequest.newBuilder()
                        .setUserAppId(UserAppIDSet.newBuilder().setUserId("admin")).build(),
                        SingleUserResponse.getDefaultInstance(), ADMIN_TOKEN);
                assertThat(viaGrpc.getUser().getId()).as(viaGrpc.toString()).isEqualTo("admin");
            }
        } finally {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
    }

    @Test
    void printsARandomAdminTokenOnceOnAnEmptyDatabase() throws Exception {
        Path data = TestDatabases.tempDirectory();
        Process process = start(data);
        try {
            List<String> lines = new ArrayList<>();
            Matcher started = awaitStartLine(process, lines);
            String token = lines.stream().filter(l -> l.startsWith("admin token: ")).findFirst()
                    .map(l -> l.substring("admin token: ".length())).orElseThrow();
            assertThat(token).matches("[0-9a-f]{32}");
            ApiClient api = new ApiClient(Integer.parseInt(started.group(1)));
            assertThat(api.send("GET", "/v2/users/me", token, null, SingleUserResponse.getDefaultInstance()).code())
                    .isEqualTo(10000);
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        Process again = start(data);
        try {
            List<String> lines = new ArrayList<>();
            awaitStartLine(again, lines);
            assertThat(lines).as("the token is printed only when the admin is created")
                    .noneMatch(l -> l.startsWith("admin token"));
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFirstStartOnATakenPortMakesNoAdminAndTheNextStartPrintsTheToken() throws Exception {
        Path data = TestDatabases.tempDirectory();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Process failing = start(data, "--port", String.valueOf(taken.getLocalPort()));
            String output = new String(failing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(failing.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(failing.exitValue()).as(output).isNotZero();
            assertThat(output).doesNotContain("admin token:");
            assertThat(output).as("one line that says why, no stack trace").contains("could not start")
                    .doesNotContain("\tat ");
        }
        Process again = start(data);
        try {
            List<String> lines = new ArrayList<>();
            awaitStartLine(again, lines);
            assertThat(lines).as("the admin is made by the first start that serves")
                    .anyMatch(line -> line.matches("admin token: [0-9a-f]{32}"));
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWeakAdminTokenIsRefusedAtStart() throws Exception {
        Process refused = start(TestDatabases.tempDirectory(), "--admin-token", "T");
        String output = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(2);
        assertThat(output).contains("--admin-token is too short");
    }

    @Test
    void sigtermLetsARequestInFlightFinishAndNoSecretIsLogged() throws Exception {
        String token = "0123456789abcdef0123456789abcdef";
        Process process = start(TestDatabases.tempDirectory(), "--admin-token", token);
        List<String> lines = new ArrayList<>();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Matcher started = awaitStartLine(output, lines);
        int port = Integer.parseInt(started.group(1));
        ApiClient api = new ApiClient(port);
        api.send("GET", "/v2/users/me", "not-" + token, null, SingleUserResponse.getDefaultInstance());

        String body = "{\"users\":[{\"id\":\"late\"}]}";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            // Headers and half the body now; SIGTERM; the rest after. The request is in flight
            // when the stop begins, so it must still be answered.
            out.write(("POST /v2/users HTTP/1.1\r\nHost: x\r\nAuthorization: Key " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(300);
            process.toHandle().destroy(); // SIGTERM, keeping our end of its output open

            Thread.sleep(700);
            out.write(body.substring(10).getBytes(StandardCharsets.UTF_8));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200").contains("\"code\":10000").contains("\"id\":\"late\"");
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stops after the request").isTrue();
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            lines.add(line);
        }
        assertThat(lines).isNotEmpty().noneMatch(line -> line.contains(token));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Process start(Path data, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/annotask.jar", "serve", "--host", "127.0.0.1", "--data", data.toString()));
        command.addAll(List.of(extra));
        if (!command.contains("--port")) {
            command.addAll(List.of("--port", "0"));
        }
        if (!command.contains("--grpc-port")) {
            command.addAll(List.of("--grpc-port", "0"));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("ANNOTASK_"));
        return builder.start();
    }

    /** Reads output until the start line; every line read is kept for later assertions. */
    private static Matcher awaitStartLine(Process process, List<String> lines) throws IOException {
        return awaitStartLine(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                lines);
    }

    private static Matcher awaitStartLine(BufferedReader output, List<String> lines) throws IOException {
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            lines.add(line);
            Matcher matcher = STARTED.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
        throw new AssertionError("the server exited before starting: " + lines);
    }
}
