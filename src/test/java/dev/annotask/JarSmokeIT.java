package dev.annotask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.SingleUserResponse;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.TestDatabases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * in one line, answers the admin with the given token, prints a random token when none is
 * given, and stops on SIGTERM.
 */
class JarSmokeIT {
    private static final Pattern STARTED = Pattern.compile("serving HTTP on [^:]+:(\\d+), gRPC .*, database (\\S+)");

    @Test
    void servesTheAdminWithTheGivenTokenAndStopsOnSigterm() throws Exception {
        Path data = TestDatabases.tempDirectory();
        Process process = start(data, "--admin-token", "T");
        try {
            List<String> lines = new ArrayList<>();
            Matcher started = awaitStartLine(process, lines);
            assertThat(started.group(2)).isEqualTo("sqlite");
            ApiClient api = new ApiClient(Integer.parseInt(started.group(1)));
            var reply = api.send("GET", "/v2/users/admin", "T", null, SingleUserResponse.getDefaultInstance());
            assertThat(reply.code()).isEqualTo(10000);
            assertThat(reply.message().getUser().getId()).isEqualTo("admin");
            assertThat(lines).noneMatch(line -> line.contains("admin token"));
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

    private static Process start(Path data, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/annotask.jar", "serve", "--port", "0", "--grpc-port", "0", "--host", "127.0.0.1",
                "--data", data.toString()));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("ANNOTASK_"));
        return builder.start();
    }

    /** Reads output until the start line; every line read is kept for later assertions. */
    private static Matcher awaitStartLine(Process process, List<String> lines) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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
