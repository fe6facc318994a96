package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annotask.AnnotaskServer;
import dev.annotask.Main;
import dev.annotask.config.ServerConfig;
import dev.annotask.proto.admin.MultiUserResponse;
import dev.annotask.proto.api.SingleAppResponse;
import dev.annotask.proto.api.SingleUserResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The admin cannot be locked out, on SQLite and PostgreSQL: a first start that fails makes no
 * admin (the next one makes it and hands its token over), {@code annotask admin-token}
 * replaces the admin's tokens with the server stopped or running, and a given
 * {@code --admin-token} that is not the admin's is reported.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class AdminTokenApiTest {
    private static final Pattern PRINTED_TOKEN = Pattern.compile("admin token: ([0-9a-f]{32})");

    @Parameter
    SqlDialect dialect;

    @Test
    void aFirstStartThatCannotBindItsPortMakesNoAdminAndTheNextStartMakesAndDeliversIt() throws IOException {
        ServerConfig config = emptyDatabase();
        List<String> delivered = new ArrayList<>();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            AnnotaskServer failing = new AnnotaskServer(config.withHttpPort(taken.getLocalPort()))
                    .deliverAdminTokenTo(delivered::add);
            assertThatThrownBy(failing::start).isInstanceOf(RuntimeException.class);
        }
        assertThat(delivered).isEmpty();
        assertThat(userCount(config)).as("no admin, and no token nobody saw").isZero();

        try (AnnotaskServer server = new AnnotaskServer(config).stopGrace(Duration.ZERO).deliverAdminTokenTo(delivered::add).start()) {
            assertThat(delivered).singleElement().isEqualTo(server.createdAdminToken().orElseThrow());
            assertThat(me(server, delivered.get(0))).isEqualTo(10000);
        }
    }

    @Test
    void aTokenThatCannotBeDeliveredIsNotStored() {
        ServerConfig config = emptyDatabase();
        AnnotaskServer refusing = new AnnotaskServer(config).deliverAdminTokenTo(token -> {
            throw new IllegalStateException("standard output is closed");
        });
        assertThatThrownBy(refusing::start).hasMessageContaining("standard output is closed");
        assertThat(userCount(config)).isZero();

        List<String> delivered = new ArrayList<>();
        try (AnnotaskServer server = new AnnotaskServer(config).stopGrace(Duration.ZERO).deliverAdminTokenTo(delivered::add).start()) {
            assertThat(delivered).hasSize(1);
            assertThat(me(server, delivered.get(0))).isEqualTo(10000);
        }
    }

    @Test
    void theCommandReplacesEveryAdminTokenWhileTheServerIsStopped() {
        try (RunningServer server = RunningServer.start(dialect)) {
            Fixtures fixtures = new Fixtures(server.client());
            String secondAdminToken = fixtures.createToken(Bootstrap.ADMIN_ID);
            fixtures.createApp(RunningServer.ADMIN_TOKEN, "own");
            String appKey = fixtures.createAppKey(RunningServer.ADMIN_TOKEN, "own", "[\"All\"]");

            String[] printed = new String[1];
            server.whileStopped(() -> printed[0] = printedToken(adminTokenCommand(server.config())));
            ApiClient api = server.client();
            assertThat(api.send("POST", "/v2/users", printed[0], "{\"users\":[{\"id\":\"after\"}]}",
                    MultiUserResponse.getDefaultInstance()).code()).as("the new token is the admin's").isEqualTo(10000);
            assertThat(me(api, RunningServer.ADMIN_TOKEN)).as("the old token").isEqualTo(11008);
            assertThat(me(api, secondAdminToken)).as("every admin token is replaced").isEqualTo(11008);
            assertThat(api.send("GET", "/v2/app", appKey, null, SingleAppResponse.getDefaultInstance()).code())
                    .as("app keys stay").isEqualTo(10000);
            assertThat(server.server().givenAdminTokenIgnored())
                    .as("the --admin-token the server still gets is reported as not the admin's").isTrue();
        }
    }

    @Test
    void theCommandTakesATokenFromAFileAndWorksWhileTheServerRuns() throws IOException, InterruptedException {
        try (RunningServer server = RunningServer.start(dialect)) {
            assertThat(server.server().givenAdminTokenIgnored()).isFalse();
            String chosen = "chosen-admin-token-" + dialect.name().toLowerCase() + "-31d7";
            Path file = Files.writeString(TestDatabases.tempDirectory().resolve("token"), chosen + "\n");
            assertThat(me(server.client(), RunningServer.ADMIN_TOKEN)).as("in the server's cache").isEqualTo(10000);
            assertThat(me(server.client(), RunningServer.ADMIN_TOKEN)).isEqualTo(10000);

            String output = adminTokenCommand(server.config(), "--admin-token-file", file.toString());
            assertThat(output).doesNotContain(chosen).contains("replaced");
            assertThat(me(server.client(), chosen)).as("a new key works at once").isEqualTo(10000);
            // The command is another process: the server learns of it at its next poll of the
            // change counter (docs/SECURITY.md, "The authorization cache"). Asked until then, bounded.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            int old = me(server.client(), RunningServer.ADMIN_TOKEN);
            while (old != 11008 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                old = me(server.client(), RunningServer.ADMIN_TOKEN);
            }
            assertThat(old).as("the old token stops").isEqualTo(11008);
        }
    }

    @Test
    void aShortTokenFileIsRefusedAndNothingChanges() throws IOException {
        try (RunningServer server = RunningServer.start(dialect)) {
            Path file = Files.writeString(TestDatabases.tempDirectory().resolve("token"), "short\n");
            StringWriter err = new StringWriter();
            int exit = command(err, "admin-token", "--admin-token-file", file.toString());
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("too short");
            assertThat(me(server.client(), RunningServer.ADMIN_TOKEN)).isEqualTo(10000);
        }
    }

    private ServerConfig emptyDatabase() {
        ServerConfig config = ServerConfig.forDirectory(TestDatabases.tempDirectory().resolve("data"));
        return dialect == SqlDialect.POSTGRESQL
                ? config.withDatabase(TestDatabases.newDatabase(dialect), null, null) : config;
    }

    private static long userCount(ServerConfig config) {
        String url = config.databaseUrl() != null ? config.databaseUrl()
                : SqlDialect.sqliteUrl(config.dataDir().resolve("annotask.db"));
        return Jdbi.create(url).withHandle(handle ->
                handle.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one());
    }

    /** Runs {@code annotask admin-token} on the server's database, as an operator would; returns its output. */
    private static String adminTokenCommand(ServerConfig config, String... extra) {
        List<String> args = new ArrayList<>(List.of("admin-token"));
        if (config.databaseUrl() != null) {
            args.addAll(List.of("--db", config.databaseUrl()));
        } else {
            args.addAll(List.of("--data", config.dataDir().toString()));
        }
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(new PrintWriter(out, true));
        assertThat(commandLine.execute(args.toArray(String[]::new))).as(out.toString()).isZero();
        return out.toString();
    }

    private static int command(StringWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String printedToken(String output) {
        Matcher matcher = PRINTED_TOKEN.matcher(output);
        assertThat(matcher.find()).as(output).isTrue();
        return matcher.group(1);
    }

    private static int me(AnnotaskServer server, String token) {
        return me(new ApiClient(server.httpPort()), token);
    }

    private static int me(ApiClient api, String token) {
        return api.send("GET", "/v2/users/me", token, null, SingleUserResponse.getDefaultInstance()).code();
    }
}
