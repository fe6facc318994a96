package dev.annotask.testing;

import dev.annotask.AnnotaskServer;
import dev.annotask.config.ServerConfig;
import dev.annotask.store.SqlDialect;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A real Annotask server on free ports (HTTP and gRPC) over a fresh database of the given
 * vendor, with a known admin token, for API tests. Restartable on the same database, to test
 * persistence.
 */
public final class RunningServer implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-7f3e9a1c5b2d4e6f";

    private final ServerConfig config;
    private final Clock clock;
    private AnnotaskServer server;
    private ApiClient client;

    private RunningServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public static RunningServer start(SqlDialect dialect) {
        return start(dialect, Clock.systemUTC());
    }

    /** A server on the given clock (a {@link MutableClock} lets a test expire leases at once). */
    public static RunningServer start(SqlDialect dialect, Clock clock) {
        return start(dialect, clock, UnaryOperator.identity());
    }

    /** A server whose configuration the test changes first (e.g. a short statement timeout). */
    public static RunningServer start(SqlDialect dialect, Clock clock, UnaryOperator<ServerConfig> change) {
        // Databases migrated already: these tests are not about migrating (TestDatabases says why).
        Path dataDir = dialect == SqlDialect.SQLITE ? TestDatabases.newMigratedDataDirectory()
                : TestDatabases.tempDirectory();
        ServerConfig config = ServerConfig.forDirectory(dataDir).withAdminToken(ADMIN_TOKEN)
                .withGrpcPort(ServerConfig.ANY_FREE_PORT);
        if (dialect == SqlDialect.POSTGRESQL) {
            config = config.withDatabase(TestDatabases.newMigratedPostgresDatabase(), null, null);
        }
        RunningServer running = new RunningServer(change.apply(config), clock);
        running.startServer();
        return running;
    }

    private void startServer() {
        // Closed with nothing in flight: no grace period to wait out (AnnotaskServer#stopGrace).
        server = new AnnotaskServer(config, clock).stopGrace(Duration.ZERO).start();
        client = new ApiClient(server.httpPort());
    }

    /** Stops the server and starts a new one on the same database and data directory. */
    public void restart() {
        server.close();
        startServer();
    }

    /**
     * Stops the server, runs the action (e.g. a command on its database, as an operator would
     * with the server down), and starts a new server on the same database and data directory.
     */
    public void whileStopped(Runnable action) {
        server.close();
        action.run();
        startServer();
    }

    /** What the server runs with: its database URL (null for SQLite) and data directory. */
    public ServerConfig config() {
        return config;
    }

    public ApiClient client() {
        return client;
    }

    /** The port the server answers gRPC on. */
    public int grpcPort() {
        return server.grpcPort().orElseThrow();
    }

    public AnnotaskServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
