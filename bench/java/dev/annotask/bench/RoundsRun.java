package dev.annotask.bench;

import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * RoundsBench's scenarios for one server jar on one database, on a fresh server and database:
 * the bare endpoint; labelers in a closed loop on a PARTITIONED task over seeded inputs; the
 * same labelers at a human pace; on PostgreSQL, labeling right after an upload through the API
 * and again after ANALYZE. Every labeling span gets a task of its own, so each starts from the
 * same state; every call goes through {@link AsyncLoop}.
 */
final class RoundsRun {
    static final String LIVEZ = "GET /livez";
    static final String ADMIN_TOKEN = "bench-rounds-admin-token-7d41c0";
    /** Metric the server may export: transactions it committed (several requests' writes may share one). */
    static final String COMMITS_METRIC = "annotask_db_commits_total";
    private static final String SEEDED = "seeded";
    private static final String UPLOADED = "uploaded";
    private static final int UPLOAD_BATCH = 128;

    private final RoundsBench settings;
    private final SqlDialect dialect;
    private final Path jar;
    private final int alternation;
    private final RoundsReport report;
    private final CountingPostgres postgres;
    private final String database;
    private BenchHttp http;
    private ProcessMeter meter;
    private String url;
    private List<String> tokens;
    private double livezPerSecond;

    /** @param postgres the run's PostgreSQL server (null on SQLite) */
    RoundsRun(RoundsBench settings, SqlDialect dialect, Path jar, int alternation, RoundsReport report,
              CountingPostgres postgres) {
        this.settings = settings;
        this.dialect = dialect;
        this.jar = jar;
        this.alternation = alternation;
        this.report = report;
        this.postgres = postgres;
        this.database = dialect == SqlDialect.POSTGRESQL ? "PostgreSQL" : "SQLite";
    }

    void run() throws Exception {
        Path data = TestDatabases.tempDirectory();
        url = postgres != null ? postgres.newDatabase() : SqlDialect.sqliteUrl(data.resolve("annotask.db"));
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--admin-token", ADMIN_TOKEN));
        if (postgres != null) {
            args.addAll(List.of("--db", url));
        }
        List<String> jvm = settings.serverJvmOptions.isBlank() ? List.of()
                : Arrays.asList(settings.serverJvmOptions.trim().split("\\s+"));
        try (ServerProcess server = ServerProcess.startJar(jar, jvm, args.toArray(String[]::new))) {
            http = new BenchHttp(server.port());
            meter = new ProcessMeter(server.pid(), postgres != null ? postgres.postmasterPid() : 0);
            int labelers = settings.labelers;
            tokens = Labeling.users(http, ADMIN_TOKEN, labelers);
            Labeling.app(http, ADMIN_TOKEN, SEEDED, labelers);
            new Seeds(url, dialect).inputs(SEEDED, settings.inputs);
            livez();
            AsyncLoop.run(labelers, Spans.of(settings.warmUpSeconds), Duration.ZERO,
                    Labeling.round(http, tokens, SEEDED, newTask(SEEDED), Duration.ZERO, new AtomicInteger()), null);
            String inputs = String.format(Locale.ROOT, "%,d", settings.inputs);
            span("closed loop, " + labelers + " labelers, " + inputs + " inputs seeded", RoundsReport.Kind.CLOSED_LOOP,
                    SEEDED, newTask(SEEDED), postgres != null ? "fresh statistics (VACUUM ANALYZE after seeding)" : "");
            span("human pace, " + labelers + " labelers, a round every ~" + settings.thinkMillis + " ms each",
                    RoundsReport.Kind.HUMAN_PACE, SEEDED, newTask(SEEDED), "");
            if (postgres != null && settings.upload > 0) {
                afterUpload();
            }
        }
    }

    /** The bare endpoint from as many clients as labelers: what any call could do with this machine and generator. */
    private void livez() throws Exception {
        AsyncLoop.Round call = (client, timer) -> timer.timeAsync(LIVEZ, () -> http.getAsync("/livez")).thenApply(body -> true);
        AsyncLoop.run(settings.labelers, Spans.of(settings.warmUpSeconds), Duration.ZERO, call, null);
        ClosedLoop.Outcome outcome = AsyncLoop.run(settings.labelers, Spans.of(settings.seconds), Duration.ZERO,
                call, meter);
        livezPerSecond = outcome.call(LIVEZ).perSecond();
        report.add(new RoundsReport.Row(database, jar, alternation, LIVEZ, RoundsReport.Kind.LIVEZ, outcome,
                livezPerSecond, CountingPostgres.Counts.NONE, load()));
    }

    /**
     * PostInputs of {@code --upload} inputs, 128 a call, into a new app, a task over them at
     * once and the closed loop on it with PostgreSQL's statistics as the upload left them; then
     * ANALYZE and the closed loop again, on a new task over the same inputs, so that both spans
     * start from the same state of a task and differ only in the statistics.
     */
    private void afterUpload() throws Exception {
        Labeling.app(http, ADMIN_TOKEN, UPLOADED, settings.labelers);
        int calls = (settings.upload + UPLOAD_BATCH - 1) / UPLOAD_BATCH;
        AtomicInteger next = new AtomicInteger();
        String path = "/v2/users/me/apps/" + UPLOADED + "/inputs";
        ClosedLoop.Outcome upload = AsyncLoop.run(settings.uploadClients, Duration.ofHours(24), Duration.ZERO, (client, timer) -> {
            int call = next.getAndIncrement();
            if (call >= calls) {
                return CompletableFuture.completedFuture(false);
            }
            return http.callAsync("POST", path, ADMIN_TOKEN, IngestBench.body(call, UPLOAD_BATCH, false)).thenApply(body -> true);
        }, null);
        String task = newTask(UPLOADED);
        String uploaded = String.format(Locale.ROOT, "%,d inputs uploaded at %,.0f inputs/s; %s", calls * UPLOAD_BATCH,
                calls * UPLOAD_BATCH / upload.seconds(), CountingPostgres.analyzeLag(url, "inputs"));
        span("closed loop right after uploading " + String.format(Locale.ROOT, "%,d", settings.upload) + " inputs",
                RoundsReport.Kind.CLOSED_LOOP, UPLOADED, task, uploaded);
        CountingPostgres.sql(url, "ANALYZE");
        span("the same inputs after ANALYZE (fresh statistics)", RoundsReport.Kind.CLOSED_LOOP, UPLOADED,
                newTask(UPLOADED), "");
    }

    /** One measured span of labelers on a task, with what the database counted in it. */
    private void span(String scenario, RoundsReport.Kind kind, String appId, String task, String note) throws Exception {
        boolean paced = kind == RoundsReport.Kind.HUMAN_PACE;
        Duration think = paced ? Duration.ofMillis(settings.thinkMillis) : Duration.ZERO;
        if (postgres != null) {
            CountingPostgres.resetStatements(url);
        }
        CountingPostgres.Counts before = counts();
        AtomicInteger ranDry = new AtomicInteger();
        String load = load();
        ClosedLoop.Outcome outcome = AsyncLoop.run(settings.labelers,
                Spans.of(paced ? settings.humanSeconds : settings.seconds), think,
                Labeling.round(http, tokens, appId, task, think, ranDry), meter);
        CountingPostgres.Counts counted = counts().since(before);
        List<String> notes = new ArrayList<>(List.of(load));
        if (!note.isEmpty()) {
            notes.add(0, note);
        }
        if (ranDry.get() > 0) {
            notes.add("**" + ranDry.get() + " labelers ran out of work: fewer rounds than the server could do**");
        }
        RoundsReport.Row row = new RoundsReport.Row(database, jar, alternation, scenario, kind, outcome, livezPerSecond,
                counted, String.join("; ", notes));
        report.add(row);
        if (postgres != null && !paced && row.rounds() > 0) {
            report.detail(CountingPostgres.statements(url, "PostgreSQL statements, " + jar.getFileName() + ", round "
                    + alternation + ", " + scenario, "round", row.rounds()));
        }
    }

    private String newTask(String appId) {
        return Labeling.createTask(http, ADMIN_TOKEN, appId, Labeling.partitioned(settings.labelers, 1), Labeling.review(false));
    }

    /**
     * So far: on PostgreSQL its statements (since the last reset) and committed transactions;
     * on SQLite the commits the server counts itself, if it exports {@value #COMMITS_METRIC}.
     */
    private CountingPostgres.Counts counts() throws Exception {
        if (postgres != null) {
            return CountingPostgres.counts(url);
        }
        String metrics;
        try {
            metrics = http.get("/metrics");
        } catch (IllegalStateException e) {
            metrics = ""; // a build without /metrics, or one that wants a token: not counted
        }
        double commits = -1;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(COMMITS_METRIC + " ") || line.startsWith(COMMITS_METRIC + "{")) {
                commits = Math.max(commits, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new CountingPostgres.Counts(-1, -1, commits < 0 ? -1 : (long) commits, -1);
    }

    private static String load() throws Exception {
        return "load " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
