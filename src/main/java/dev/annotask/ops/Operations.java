package dev.annotask.ops;

import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import io.micrometer.core.instrument.FunctionCounter;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The operator's endpoints: {@code GET /healthz} (200 while the database answers, 503
 * otherwise), {@code GET /livez} (200 while the process serves HTTP, without touching the
 * database: a liveness probe that a database outage must not turn into restarts, and the bare
 * endpoint the benchmark suite measures as the ceiling of any RPC) and {@code GET /metrics} (Prometheus text: RPC counts and latencies by method
 * and status code, JVM memory and threads).
 *
 * <p>{@code /metrics} holds nothing secret (meter names, RPC names, status codes, JVM figures;
 * no ids, keys or request data), but it tells a stranger what the server does and how loaded
 * it is. With a metrics token set it answers only {@code Authorization: Bearer <token>}, as
 * Prometheus sends it ({@code authorization} in a scrape config), and 401 to anyone else.
 * Thread-safe.
 */
public final class Operations {
    private final Database database;
    private final byte[] metricsTokenDigest;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** @param metricsToken the token {@code /metrics} requires, or null to serve it to anyone */
    public Operations(Database database, String metricsToken) {
        this.database = database;
        this.metricsTokenDigest = metricsToken == null ? null : digest(metricsToken);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        if (database.dialect() == SqlDialect.SQLITE) {
            // How well the writer thread groups: write units per commit is units / commits.
            FunctionCounter.builder("annotask_db_commits", database, Database::groupCommits)
                    .description("Transactions the SQLite writer thread committed").register(registry);
            FunctionCounter.builder("annotask_db_write_units", database, Database::groupCommitUnits)
                    .description("Requests' write units the SQLite writer thread ran").register(registry);
        }
    }

    public PrometheusMeterRegistry meters() {
        return registry;
    }

    public void health(Context ctx) {
        boolean up = database.isReachable();
        ctx.status(up ? 200 : 503).contentType("application/json")
                .result(up ? "{\"status\":\"ok\"}" : "{\"status\":\"database unreachable\"}");
    }

    public void live(Context ctx) {
        ctx.contentType("application/json").result("{\"status\":\"ok\"}");
    }

    public void metrics(Context ctx) {
        if (metricsTokenDigest != null && !presentsMetricsToken(ctx.header("Authorization"))) {
            ctx.status(401).header("WWW-Authenticate", "Bearer realm=\"metrics\"")
                    .contentType("text/plain; charset=utf-8")
                    .result("/metrics needs the metrics token: Authorization: Bearer <token>\n");
            return;
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    /** Compares digests, in constant time, so neither the token's content nor its length shows in timing. */
    private boolean presentsMetricsToken(String authorization) {
        String scheme = "Bearer ";
        return authorization != null && authorization.startsWith(scheme)
                && MessageDigest.isEqual(digest(authorization.substring(scheme.length())), metricsTokenDigest);
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
