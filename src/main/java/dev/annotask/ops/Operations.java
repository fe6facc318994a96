package dev.annotask.ops;

import dev.annotask.store.Database;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

/**
 * The operator's endpoints: {@code GET /healthz} (200 while the database answers, 503
 * otherwise), {@code GET /livez} (200 while the process serves HTTP, without touching the
 * database: a liveness probe that a database outage must not turn into restarts, and the bare
 * endpoint the benchmark suite measures as the ceiling of any RPC) and {@code GET /metrics} (Prometheus text: RPC counts and latencies by method
 * and status code, JVM memory and threads). Thread-safe.
 */
public final class Operations {
    private final Database database;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public Operations(Database database) {
        this.database = database;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
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
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
