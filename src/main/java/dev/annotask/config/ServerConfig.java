package dev.annotask.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server is started with, resolved once (flag, else environment, else default).
 *
 * @param httpPort the REST port; 0 picks a free one
 * @param grpcPort the gRPC port; 0 turns gRPC off, {@link #ANY_FREE_PORT} picks a free one
 * @param dataDir where the SQLite file and stored bytes live
 * @param databaseUrl a {@code jdbc:postgresql:} URL, or null for SQLite under {@code dataDir}
 * @param adminToken the bootstrap admin's token on an empty database, or null for a random one;
 *                   must pass {@link SecretSettings#requireStrong}
 * @param poolSize database connections; 0 for the dialect's default
 * @param lease how long a DYNAMIC task's labeler may hold a batch before it returns to the pool
 * @param statementTimeout how long one database statement may wait or run before the request
 *                         answers DATABASE_STATEMENT_TIMEOUT; zero for no limit
 * @param metricsToken the bearer token {@code GET /metrics} requires, or null to serve it to
 *                     anyone; must pass {@link SecretSettings#requireStrong}
 * @param media hosted URLs and fetching URL inputs
 * @param webhooks how webhook events are delivered
 */
public record ServerConfig(String host, int httpPort, int grpcPort, Path dataDir, String databaseUrl,
                           String databaseUser, String databasePassword, String adminToken, int poolSize,
                           Duration lease, Duration statementTimeout, String metricsToken, MediaSettings media,
                           WebhookSettings webhooks) {
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(30);
    /**
     * A gRPC port meaning "any free one". The gRPC port needs its own value for this because
     * 0 is taken: on the command line {@code --grpc-port 0} turns gRPC off.
     */
    public static final int ANY_FREE_PORT = -1;
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    /** A configuration for tests and embedding: SQLite in {@code dataDir}, free ports. */
    public static ServerConfig forDirectory(Path dataDir) {
        return new ServerConfig("127.0.0.1", 0, 0, dataDir, null, null, null, null, 0, DEFAULT_LEASE,
                DEFAULT_STATEMENT_TIMEOUT, null, MediaSettings.DEFAULT, WebhookSettings.DEFAULTS);
    }

    public ServerConfig withDatabase(String url, String user, String password) {
        return new ServerConfig(host, httpPort, grpcPort, dataDir, url, user, password, adminToken, poolSize, lease,
                statementTimeout, metricsToken, media, webhooks);
    }

    public ServerConfig withHttpPort(int port) {
        return new ServerConfig(host, port, grpcPort, dataDir, databaseUrl, databaseUser, databasePassword, adminToken,
                poolSize, lease, statementTimeout, metricsToken, media, webhooks);
    }

    public ServerConfig withGrpcPort(int port) {
        return new ServerConfig(host, httpPort, port, dataDir, databaseUrl, databaseUser, databasePassword, adminToken,
                poolSize, lease, statementTimeout, metricsToken, media, webhooks);
    }

    public ServerConfig withAdminToken(String token) {
        return new ServerConfig(host, httpPort, grpcPort, dataDir, databaseUrl, databaseUser, databasePassword, token,
                poolSize, lease, statementTimeout, metricsToken, media, webhooks);
    }

    public ServerConfig withStatementTimeout(Duration timeout) {
        return new ServerConfig(host, httpPort, grpcPort, dataDir, databaseUrl, databaseUser, databasePassword,
                adminToken, poolSize, lease, timeout, metricsToken, media, webhooks);
    }

    public ServerConfig withMetricsToken(String token) {
        return new ServerConfig(host, httpPort, grpcPort, dataDir, databaseUrl, databaseUser, databasePassword,
                adminToken, poolSize, lease, statementTimeout, token, media, webhooks);
    }

    public ServerConfig withMedia(MediaSettings settings) {
        return new ServerConfig(host, httpPort, grpcPort, dataDir, databaseUrl, databaseUser, databasePassword,
                adminToken, poolSize, lease, statementTimeout, metricsToken, settings, webhooks);
    }

    public ServerConfig withWebhooks(WebhookSettings settings) {
        return new ServerConfig(host, httpPort, grpcPort, dataDir, databaseUrl, databaseUser, databasePassword,
                adminToken, poolSize, lease, statementTimeout, metricsToken, media, settings);
    }
}
