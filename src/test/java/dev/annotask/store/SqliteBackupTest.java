package dev.annotask.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.AnnotaskServer;
import dev.annotask.config.ServerConfig;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The online SQLite backup docs/DEPLOYMENT.md recommends: {@code VACUUM INTO} from another
 * connection while the server runs and writes (WAL), and a server started on the copy serves it.
 */
class SqliteBackupTest {
    @Test
    void vacuumIntoWhileTheServerWritesGivesACopyAServerServes() throws Exception {
        Path live = TestDatabases.tempDirectory();
        Path restored = TestDatabases.tempDirectory();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger posted = new AtomicInteger();
        DataFixtures app;
        try (AnnotaskServer server = new AnnotaskServer(ServerConfig.forDirectory(live)
                .withAdminToken(RunningServer.ADMIN_TOKEN)).stopGrace(Duration.ZERO).start()) {
            ApiClient api = new ApiClient(server.httpPort());
            String ownerToken = new Fixtures(api).createUserWithToken("owner");
            app = DataFixtures.newApp(api, "owner", ownerToken, "kept");
            app.postTextInputs("before");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                while (writing.get()) {
                    app.postTextInputs("during" + posted.incrementAndGet());
                }
            });
            while (posted.get() < 5) {
                Thread.sleep(20);
            }
            try (Connection backup = DriverManager.getConnection("jdbc:sqlite:" + live.resolve("annotask.db"));
                 Statement statement = backup.createStatement()) {
                statement.execute("VACUUM INTO '" + restored.resolve("annotask.db") + "'");
            }
            writing.set(false);
            writer.get(30, TimeUnit.SECONDS);
        }
        long copied = count(restored.resolve("annotask.db"), "SELECT COUNT(*) FROM inputs");
        assertThat(copied).as("what was committed when the copy began").isBetween(5L, posted.get() + 1L);
        assertThat(count(restored.resolve("annotask.db"), "SELECT COUNT(*) FROM inputs WHERE id = 'before'")).isOne();

        try (AnnotaskServer copy = new AnnotaskServer(ServerConfig.forDirectory(restored)).stopGrace(Duration.ZERO).start()) {
            var inputs = app.through(new ApiClient(copy.httpPort())).call("GET", "/v2/inputs?per_page=1000", null,
                    MultiInputResponse.getDefaultInstance());
            assertThat(inputs.code()).as(inputs.body()).isEqualTo(10000);
            assertThat(inputs.message().getInputsCount()).isEqualTo(copied);
        }
    }

    private static long count(Path sqliteFile, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
