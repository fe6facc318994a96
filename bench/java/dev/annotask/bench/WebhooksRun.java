package dev.annotask.bench;

import dev.annotask.event.EventType;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * WebhooksBench's spans for one database, on a fresh server (allowed to deliver to loopback)
 * and database.
 *
 * <p><b>Delivery</b>, for each subscription count k: a new app with k subscriptions to
 * input.created at the receiver; two clients post PostInputs of 128 inputs whenever fewer than
 * {@code --backlog} events wait, so the senders always have work and the upload runs at the
 * pace of delivery (both on the server, as in production). Measured: requests the receiver got
 * in the span. The subscriptions are deleted after (their backlog with them).
 *
 * <p><b>Rounds</b>: two apps with the same seeded inputs, "plain" without subscriptions and
 * "hooked" subscribed to every event type (a round writes 20 events: an annotation.created and
 * an assignment.submitted per input of the batch). They take turns, each span on a new
 * PARTITIONED task, each started once no delivery waits (so that no span pays for the one
 * before). The hooked spans pay for writing the events and for delivering them meanwhile.
 */
final class WebhooksRun {
    static final String ADMIN_TOKEN = "bench-webhooks-admin-token-5e2b1a";
    private static final String SECRET = "bench-receiver-secret-0123";
    private static final int BATCH = 128;
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(5);

    private final WebhooksBench settings;
    private final CountingPostgres postgres;
    private final SqlDialect dialect;
    private final String database;
    private String url;
    private BenchHttp http;
    private ProcessMeter meter;
    private FastReceiver receiver;
    private List<String> tokens;
    private final List<double[]> perApp = new ArrayList<>();

    /** @param postgres the run's PostgreSQL server, null for SQLite */
    WebhooksRun(WebhooksBench settings, CountingPostgres postgres) {
        this.settings = settings;
        this.postgres = postgres;
        this.dialect = postgres == null ? SqlDialect.SQLITE : SqlDialect.POSTGRESQL;
        this.database = postgres == null ? "SQLite" : "PostgreSQL";
    }

    void run() throws Exception {
        Path data = TestDatabases.tempDirectory();
        url = postgres != null ? postgres.newDatabase() : SqlDialect.sqliteUrl(data.resolve("annotask.db"));
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--admin-token", ADMIN_TOKEN,
                "--webhooks-allow-private-addresses"));
        if (postgres != null) {
            args.addAll(List.of("--db", url));
        }
        List<String> jvm = settings.serverJvmOptions.isBlank() ? List.of()
                : Arrays.asList(settings.serverJvmOptions.trim().split("\\s+"));
        try (ServerProcess server = ServerProcess.startJar(settings.jar, jvm, args.toArray(String[]::new));
             FastReceiver hooks = new FastReceiver()) {
            receiver = hooks;
            http = new BenchHttp(server.port());
            meter = new ProcessMeter(server.pid(), postgres != null ? postgres.postmasterPid() : 0);
            for (int k : settings.subscriptions) {
                delivery(k);
            }
            rounds();
        }
    }

    private void delivery(int subscriptions) throws Exception {
        String app = "flood" + subscriptions;
        http.call("POST", "/v2/users/me/apps", ADMIN_TOKEN, "{\"apps\":[{\"id\":\"" + app + "\"}]}");
        List<String> hooks = IntStream.range(0, subscriptions).mapToObj(i -> "f" + i).toList();
        subscribe(app, hooks, List.of("input.created"));
        AtomicLong written = new AtomicLong();
        AtomicInteger calls = new AtomicInteger();
        long deliveredBefore = receiver.delivered();
        String path = "/v2/users/me/apps/" + app + "/inputs";
        AsyncLoop.Round upload = (client, timer) -> {
            if (written.get() - (receiver.delivered() - deliveredBefore) >= settings.backlog) {
                return CompletableFuture.supplyAsync(() -> true, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
            }
            written.addAndGet(BATCH);
            return http.callAsync("POST", path, ADMIN_TOKEN, IngestBench.body(calls.getAndIncrement(), BATCH, false))
                    .thenApply(body -> true);
        };
        AsyncLoop.run(2, Spans.of(settings.warmUpSeconds), Duration.ZERO, upload, null);
        String load = load();
        long from = receiver.delivered();
        long writtenFrom = written.get();
        ClosedLoop.Outcome outcome = AsyncLoop.run(2, Spans.of(settings.seconds), Duration.ZERO, upload, meter);
        double perSecond = (receiver.delivered() - from) / outcome.seconds();
        long waiting = written.get() - (receiver.delivered() - deliveredBefore);
        settings.deliveryRows.add(String.format(Locale.ROOT, "| %s | %d | **%,.0f** | %,.0f | %,.0f | %.2f | %.2f | %s | %,d%s | %s |",
                database, subscriptions, perSecond, perSecond / subscriptions,
                (written.get() - writtenFrom) / outcome.seconds(), outcome.usage().serverCores(),
                outcome.usage().serverCores() / perSecond * 1000, postgresCores(outcome), waiting,
                waiting < BATCH ? " (**ran dry: upload-bound**)" : "", load));
        http.call("DELETE", "/v2/users/" + Labeling.OWNER + "/apps/" + app + "/webhooks", ADMIN_TOKEN,
                "{\"ids\":[" + hooks.stream().map(h -> "\"" + h + "\"").collect(Collectors.joining(",")) + "]}");
    }

    private void rounds() throws Exception {
        tokens = Labeling.users(http, ADMIN_TOKEN, settings.labelers);
        List<String> apps = List.of("plain", "hooked");
        for (String app : apps) {
            Labeling.app(http, ADMIN_TOKEN, app, settings.labelers);
            new Seeds(url, dialect).inputs(app, settings.inputs);
            perApp.add(new double[2]);
        }
        subscribe("hooked", List.of("all"), Arrays.stream(EventType.values()).map(EventType::wireName).toList());
        for (String app : apps) {
            AsyncLoop.run(settings.labelers, Spans.of(settings.warmUpSeconds), Duration.ZERO,
                    Labeling.round(http, tokens, app, newTask(app), Duration.ZERO, new AtomicInteger()), null);
        }
        for (int turn = 1; turn <= settings.alternations; turn++) {
            for (int a = 0; a < apps.size(); a++) {
                String drained = awaitNothingWaiting();
                double rounds = span(apps.get(a), turn, drained);
                perApp.get(a)[0] += rounds;
                perApp.get(a)[1]++;
            }
        }
        double plain = perApp.get(0)[0] / perApp.get(0)[1];
        double hooked = perApp.get(1)[0] / perApp.get(1)[1];
        settings.summary.add(String.format(Locale.ROOT, "%s: %.1f rounds/s without a subscription, %.1f with one to every"
                + " event type: **%+.1f%%**", database, plain, hooked, (hooked / plain - 1) * 100));
    }

    /** One measured closed loop on a new task of the app; its rounds per second. */
    private double span(String app, int turn, String note) throws Exception {
        long eventsBefore = events(app);
        long deliveredBefore = receiver.delivered();
        String task = newTask(app);
        AtomicInteger ranDry = new AtomicInteger();
        String load = load();
        receiver.reset();
        ClosedLoop.Outcome outcome = AsyncLoop.run(settings.labelers, Spans.of(settings.seconds), Duration.ZERO,
                Labeling.round(http, tokens, app, task, Duration.ZERO, ranDry), meter);
        double seconds = outcome.seconds();
        Latencies lags = receiver.lags(seconds);
        Latencies start = outcome.call("LABEL_START");
        Latencies submit = outcome.call("LABEL_SUBMIT");
        double rounds = submit.perSecond();
        List<String> notes = new ArrayList<>(List.of(load));
        if (!note.isEmpty()) {
            notes.add(note);
        }
        if (ranDry.get() > 0) {
            notes.add("**" + ranDry.get() + " labelers ran out of work**");
        }
        settings.roundRows.add(String.format(Locale.ROOT, "| %s | %d | %s | **%.1f** | %.0f / %.0f | %.0f / %.0f | %.1f | %s"
                        + " | %,.0f | %,.0f | %s | %s |", database, turn, app, rounds, start.p50Millis(), start.p99Millis(),
                submit.p50Millis(), submit.p99Millis(), outcome.usage().serverCores() / rounds * 1000,
                postgresCores(outcome), (events(app) - eventsBefore) / seconds,
                (receiver.delivered() - deliveredBefore) / seconds,
                lags.count() == 0 ? "" : String.format(Locale.ROOT, "%.0f / %.0f", lags.p50Millis(), lags.p99Millis()),
                String.join("; ", notes)));
        return rounds;
    }

    private void subscribe(String app, List<String> ids, List<String> types) {
        String events = types.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        String webhooks = ids.stream().map(id -> "{\"id\":\"" + id + "\",\"url\":\"" + receiver.url(app + "/" + id)
                + "\",\"events\":[" + events + "],\"secret\":\"" + SECRET + "\"}").collect(Collectors.joining(","));
        http.call("POST", "/v2/users/" + Labeling.OWNER + "/apps/" + app + "/webhooks", ADMIN_TOKEN,
                "{\"webhooks\":[" + webhooks + "]}");
    }

    private String newTask(String app) {
        return Labeling.createTask(http, ADMIN_TOKEN, app, Labeling.partitioned(settings.labelers, 1), Labeling.review(false));
    }

    /** Waits (bounded) until no delivery is pending; a note when that took a while. */
    private String awaitNothingWaiting() throws Exception {
        long started = System.nanoTime();
        long deadline = started + DRAIN_LIMIT.toNanos();
        long waiting;
        while ((waiting = query("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 1")) > 0) {
            if (System.nanoTime() > deadline) {
                return "**" + waiting + " deliveries of the span before still waiting**";
            }
            Thread.sleep(100);
        }
        double took = (System.nanoTime() - started) / 1e9;
        return took < 1 ? "" : String.format(Locale.ROOT, "the span before's deliveries took %.0f s more", took);
    }

    private long events(String app) throws SQLException {
        return query("SELECT COUNT(*) FROM events e JOIN apps a ON a.uid = e.app_uid WHERE a.id = ?", app);
    }

    private long query(String sql, String... arguments) throws SQLException {
        try (Connection db = DriverManager.getConnection(url); PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                statement.setString(i + 1, arguments[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private String postgresCores(ClosedLoop.Outcome outcome) {
        return postgres == null ? "" : String.format(Locale.ROOT, "%.2f", outcome.usage().databaseCores());
    }

    private static String load() throws Exception {
        return "load " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
