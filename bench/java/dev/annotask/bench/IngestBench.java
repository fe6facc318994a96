package dev.annotask.bench;

import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ServerProcess;
import dev.annotask.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Bulk ingest: PostInputs calls of a batch of text inputs each from concurrent clients against
 * the real server jar, on SQLite and on PostgreSQL, each run on a fresh database and a fresh
 * server. Several jars (a baseline build and this one) are measured in alternation in the same
 * run, so that a loaded machine weighs on both alike. On PostgreSQL the server is an embedded
 * one with {@code pg_stat_statements} loaded: each run prints the statements the measured calls
 * ran (count per call, time), and with {@code --explain-after} the plans of the labeling scans
 * over the freshly uploaded inputs, before anything ran ANALYZE by hand. bench/ingest.sh runs it.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Measures bulk PostInputs.")
public final class IngestBench implements Callable<Integer> {
    static final String ADMIN_TOKEN = "bench-ingest-admin-token-2f9a";

    @Option(names = "--databases", split = ",", description = "sqlite, postgresql (default: both)")
    List<String> databases = List.of("sqlite", "postgresql");

    @Option(names = "--jars", split = ",", description = "server jars to compare, each measured in turn (default: target/annotask.jar)")
    List<Path> jars = List.of(Path.of("target", "annotask.jar"));

    @Option(names = "--alternations", description = "how many times the jars take turns (default: 2)")
    int alternations = 2;

    @Option(names = "--calls", description = "measured PostInputs calls per run (default: 400)")
    int calls = 400;

    @Option(names = "--warm-up-calls", description = "unmeasured calls before (default: 100)")
    int warmUpCalls = 100;

    @Option(names = "--clients", description = "concurrent clients (default: 8)")
    int clients = 8;

    @Option(names = "--batch", description = "inputs per call (default: 128)")
    int batch = 128;

    @Option(names = "--dataset", description = "every input also joins a dataset (default: false)")
    boolean dataset;

    @Option(names = "--explain-after", description = "PostgreSQL: after the measured calls, make an ALL_INPUTS and a"
            + " DATASET task and print the labeling scans' plans (implies --dataset)")
    boolean explain;

    @Option(names = "--no-autovacuum", description = "PostgreSQL: autovacuum off, so that the plans shown are those"
            + " before its first ANALYZE of the uploaded rows (which otherwise comes when it comes)")
    boolean noAutovacuum;

    @Option(names = "--server-jvm-options", description = "options for the server JVM, space separated (default: -Xmx512m)")
    String serverJvmOptions = "-Xmx512m";

    @Option(names = "--output", description = "Markdown besides stdout (default: target/bench/ingest.md)")
    Path output = Path.of("target", "bench", "ingest.md");

    private final StringBuilder out = new StringBuilder();
    private CountingPostgres postgres;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        dataset |= explain;
        line(String.format(Locale.ROOT, "Machine: %d cores, %s %s; load average before the run %s.",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim()));
        line(String.format(Locale.ROOT, "Settings: %d calls of %d inputs%s, %d clients, %d warm-up calls, jars %s.%n",
                calls, batch, dataset ? " (each joining a dataset)" : "", clients, warmUpCalls, jars)
                + (noAutovacuum ? " PostgreSQL's autovacuum off." : ""));
        line("| database | jar | round | calls/s | inputs/s | p50 ms | p99 ms | max ms | server cores | server CPU ms per call"
                + " | postgres cores | generator cores | load avg |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> details = new ArrayList<>();
        try {
            for (int round = 1; round <= alternations; round++) {
                for (String database : databases) {
                    for (Path jar : jars) {
                        details.add(run(database.equalsIgnoreCase("postgresql") ? SqlDialect.POSTGRESQL : SqlDialect.SQLITE,
                                jar, round));
                    }
                }
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
        details.forEach(this::line);
        System.out.println();
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, out.toString());
        return 0;
    }

    private String run(SqlDialect dialect, Path jar, int round) throws Exception {
        Path data = TestDatabases.tempDirectory();
        String url = dialect == SqlDialect.POSTGRESQL ? newPostgresDatabase() : SqlDialect.sqliteUrl(data.resolve("annotask.db"));
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--admin-token", ADMIN_TOKEN));
        if (dialect == SqlDialect.POSTGRESQL) {
            args.addAll(List.of("--db", url));
        }
        StringBuilder detail = new StringBuilder();
        try (ServerProcess server = ServerProcess.startJar(jar, List.of(serverJvmOptions.trim().split("\\s+")), args.toArray(String[]::new))) {
            BenchHttp http = new BenchHttp(server.port());
            http.call("POST", "/v2/users/me/apps", ADMIN_TOKEN, "{\"apps\":[{\"id\":\"ingest\"}]}");
            if (dataset) {
                http.call("POST", "/v2/users/me/apps/ingest/datasets", ADMIN_TOKEN, "{\"datasets\":[{\"id\":\"all\"}]}");
            }
            AtomicInteger left = new AtomicInteger(warmUpCalls);
            AtomicInteger ids = new AtomicInteger();
            ClosedLoop.Round call = (client, timer) -> {
                if (left.getAndDecrement() <= 0) {
                    return false;
                }
                String body = body(ids.getAndIncrement(), batch, dataset);
                timer.time("PostInputs", () -> http.call("POST", "/v2/users/me/apps/ingest/inputs", ADMIN_TOKEN, body));
                return true;
            };
            ClosedLoop.run(clients, warmUpCalls, Duration.ZERO, call);
            left.set(calls);
            if (dialect == SqlDialect.POSTGRESQL) {
                CountingPostgres.resetStatements(url);
            }
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            ClosedLoop.Outcome outcome = ClosedLoop.run(clients, 0, Duration.ofMinutes(10), call,
                    new ProcessMeter(server.pid(), dialect == SqlDialect.POSTGRESQL ? postgres.postmasterPid() : 0));
            Latencies latencies = outcome.call("PostInputs");
            line(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %,.0f | %.1f | %.1f | %.1f | %.2f | %.1f | %s | %.2f | %s |",
                    dialect == SqlDialect.POSTGRESQL ? "PostgreSQL" : "SQLite", jar, round, latencies.perSecond(),
                    latencies.perSecond() * batch, latencies.p50Millis(), latencies.p99Millis(), latencies.maxMillis(),
                    outcome.usage().serverCores(), outcome.usage().serverCores() / latencies.perSecond() * 1000,
                    dialect == SqlDialect.POSTGRESQL ? String.format(Locale.ROOT, "%.2f", outcome.usage().databaseCores()) : "",
                    outcome.usage().driverCores(), load));
            if (dialect == SqlDialect.POSTGRESQL) {
                detail.append(CountingPostgres.statements(url, "PostgreSQL statements of " + jar + ", round " + round,
                        "call", latencies.count()));
                if (explain) {
                    detail.append(PlanReport.afterUpload(url, jar));
                }
            }
        }
        return detail.toString();
    }

    /** A batch of text inputs with ids of this call (unique across the run, as a client's own ids would be). */
    static String body(int call, int batch, boolean dataset) {
        String datasets = dataset ? ",\"dataset_ids\":[\"all\"]" : "";
        return "{\"inputs\":[" + IntStream.range(0, batch)
                .mapToObj(i -> "{\"id\":\"c" + call + "-" + i + "\",\"data\":{\"text\":{\"raw\":\"a cat on a mat, line "
                        + i + "\"}}" + datasets + "}")
                .collect(Collectors.joining(",")) + "]}";
    }

    /**
     * A database in this run's own embedded PostgreSQL, which counts statements and commits with
     * {@code synchronous_commit = on}, without fsync as the embedded server runs.
     */
    private String newPostgresDatabase() throws Exception {
        if (postgres == null) {
            postgres = new CountingPostgres("ingest", !noAutovacuum, false);
        }
        return postgres.newDatabase();
    }

    private void line(String text) {
        System.out.println(text);
        out.append(text).append('\n');
    }
}
