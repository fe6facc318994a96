package dev.annotask;

import dev.annotask.config.DatabaseOptions;
import dev.annotask.config.InvalidSetting;
import dev.annotask.config.MediaSettings;
import dev.annotask.config.SecretSettings;
import dev.annotask.config.ServerConfig;
import dev.annotask.config.WebhookSettings;
import dev.annotask.identity.AdminTokenCommand;
import dev.annotask.imports.ImportCommand;
import dev.annotask.migrate.MigrateDbCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line: {@code annotask serve [options]}, {@code annotask migrate-db} to move
 * from SQLite to PostgreSQL, {@code annotask admin-token} to replace a lost admin token, and
 * {@code annotask import} to bring a COCO or YOLO dataset into a running server.
 * Each flag falls back to its environment variable.
 */
@Command(name = "annotask", mixinStandardHelpOptions = true,
        subcommands = {Main.Serve.class, MigrateDbCommand.class, AdminTokenCommand.class, ImportCommand.class},
        description = "Self-hosted labeling-task server speaking the Clarifai v2 API.")
public final class Main implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server until stopped.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "${env:ANNOTASK_HOST:-0.0.0.0}", description = "Address to listen on (${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "${env:ANNOTASK_PORT:-8080}", description = "HTTP port (${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--grpc-port", defaultValue = "${env:ANNOTASK_GRPC_PORT:-18080}", description = "gRPC port, plaintext (TLS belongs to a proxy in front); 0 turns gRPC off (${DEFAULT-VALUE}).")
        int grpcPort;

        @Option(names = "--data", defaultValue = "${env:ANNOTASK_DATA:-./annotask-data}", description = "Data directory: SQLite file and stored bytes (${DEFAULT-VALUE}).")
        Path data;

        @Mixin
        DatabaseOptions database;

        @Option(names = "--db-pool-size", defaultValue = "${env:ANNOTASK_DB_POOL_SIZE:-0}", description = "Database connections; 0 = default (SQLite 8, PostgreSQL 10).")
        int poolSize;

        @Option(names = "--db-statement-timeout-seconds", defaultValue = "${env:ANNOTASK_DB_STATEMENT_TIMEOUT_SECONDS:-30}", description = "How long one database statement may wait or run before the request answers 40011 (retry); 0 = no limit (${DEFAULT-VALUE}).")
        long statementTimeoutSeconds;

        @Option(names = "--lease-seconds", defaultValue = "${env:ANNOTASK_LEASE_SECONDS:-1800}", description = "How long a DYNAMIC task's labeler may hold a batch before it returns to the pool (${DEFAULT-VALUE}).")
        long leaseSeconds;

        @Option(names = "--admin-token", defaultValue = "${env:ANNOTASK_ADMIN_TOKEN}", description = "The bootstrap admin's token on an empty database, at least 20 characters (default: random, printed once).")
        String adminToken;

        @Option(names = "--admin-token-file", defaultValue = "${env:ANNOTASK_ADMIN_TOKEN_FILE}", description = "Read --admin-token from this file instead (kept out of ps).")
        Path adminTokenFile;

        @Option(names = "--metrics-token", defaultValue = "${env:ANNOTASK_METRICS_TOKEN}", description = "When set, GET /metrics answers only 'Authorization: Bearer <token>' (default: open).")
        String metricsToken;

        @Option(names = "--metrics-token-file", defaultValue = "${env:ANNOTASK_METRICS_TOKEN_FILE}", description = "Read --metrics-token from this file instead.")
        Path metricsTokenFile;

        @Option(names = "--public-url", defaultValue = "${env:ANNOTASK_PUBLIC_URL}", description = "The URL clients reach this server's HTTP API at (e.g. https://labels.example.com); hosted URLs of stored bytes start with it (default: http://HOST:PORT, localhost when listening on every address).")
        String publicUrl;

        @Option(names = "--fetch-urls", defaultValue = "${env:ANNOTASK_FETCH_URLS:-false}", description = "Fetch and store the content of inputs given by URL, after their upload (default: URLs are stored, never fetched).")
        boolean fetchUrls;

        @Option(names = "--fetch-allow-networks", split = ",", defaultValue = "${env:ANNOTASK_FETCH_ALLOW_NETWORKS}", description = "With --fetch-urls: networks (CIDR, comma-separated) fetched from although loopback, private or link-local; none by default.")
        java.util.List<String> fetchAllowNetworks;

        @Option(names = "--fetch-timeout-seconds", defaultValue = "${env:ANNOTASK_FETCH_TIMEOUT_SECONDS:-60}", description = "With --fetch-urls: how long one fetch may take, redirects and content included (${DEFAULT-VALUE}).")
        long fetchTimeoutSeconds;

        @Option(names = "--webhooks-allow-private-addresses", defaultValue = "${env:ANNOTASK_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:-false}", description = "Let webhooks deliver to loopback, private and link-local addresses (refused by default).")
        boolean webhooksAllowPrivate;

        @Option(names = "--webhooks-lease-seconds", defaultValue = "${env:ANNOTASK_WEBHOOKS_LEASE_SECONDS:-60}", description = "How long a node's claim on a webhook subscription lasts unless renewed: how soon another node sends the events of a node that died; more than a delivery's 10 s timeout (${DEFAULT-VALUE}).")
        long webhooksLeaseSeconds;

        private WebhookSettings webhookSettings() {
            WebhookSettings defaults = WebhookSettings.DEFAULTS;
            if (webhooksLeaseSeconds <= defaults.requestTimeout().toSeconds()) {
                throw new InvalidSetting("--webhooks-lease-seconds must be more than a delivery's timeout ("
                        + defaults.requestTimeout().toSeconds() + " s), so that a node sending is never taken over");
            }
            return defaults.withAllowPrivateAddresses(webhooksAllowPrivate)
                    .withLease(java.time.Duration.ofSeconds(webhooksLeaseSeconds));
        }

        /** The messages of an exception and its causes, outermost first, each once. */
        static String reasons(Throwable failure) {
            java.util.List<String> messages = new java.util.ArrayList<>();
            for (Throwable t = failure; t != null && messages.size() < 5; t = t.getCause()) {
                String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
                if (messages.stream().noneMatch(m -> m.contains(message))) {
                    messages.add(message);
                }
            }
            return String.join(": ", messages);
        }

        @Override
        public Integer call() throws InterruptedException {
            AnnotaskServer server;
            try {
                ServerConfig config = new ServerConfig(host, port, grpcPort, data, database.url(), database.user(),
                        database.password(), SecretSettings.resolve("--admin-token", adminToken, adminTokenFile),
                        poolSize, java.time.Duration.ofSeconds(leaseSeconds),
                        java.time.Duration.ofSeconds(statementTimeoutSeconds),
                        SecretSettings.resolve("--metrics-token", metricsToken, metricsTokenFile),
                        new MediaSettings(publicUrl, fetchUrls, fetchAllowNetworks == null ? java.util.List.of()
                                : fetchAllowNetworks, java.time.Duration.ofSeconds(fetchTimeoutSeconds)),
                        webhookSettings());
                server = new AnnotaskServer(config).deliverAdminTokenTo(Serve::printAdminToken).start();
            } catch (InvalidSetting e) {
                System.err.println("annotask serve: " + e.getMessage());
                return 2;
            } catch (RuntimeException e) {
                // A port taken, a database out of reach: the operator needs the reasons, not a stack
                // trace (it stays available at DEBUG for a bug report).
                System.err.println("annotask serve: could not start: " + reasons(e));
                LOG.debug("start failed", e);
                return 1;
            }
            LOG.info("Annotask serving HTTP on {}:{}, gRPC {}, database {}", host, server.httpPort(),
                    server.grpcPort().isPresent() ? "on " + host + ":" + server.grpcPort().getAsInt() : "off",
                    server.database());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("Stopping: finishing requests in flight");
                server.close();
                stopped.countDown();
            }, "annotask-shutdown"));
            stopped.await();
            return 0;
        }

        /**
         * Prints a random admin token before it is committed; a standard output that cannot
         * be written refuses the token, so none is stored that nobody saw.
         */
        private static void printAdminToken(String token) {
            System.out.println("admin token: " + token);
            if (System.out.checkError()) {
                throw new IllegalStateException("the admin token could not be written to standard output; not stored");
            }
        }
    }
}
