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
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The performance envelope: the real server jar on SQLite and on PostgreSQL, every RPC the
 * performance issue names measured through HTTP beside this machine's limits measured in the
 * same run (a bare endpoint on the same server stack; single-row insert-and-commit through
 * JDBC), with p50/p99, calls per second, the ratio to the ceiling, CPU of the server, of
 * PostgreSQL and of the load generator, and the server's memory. Prints Markdown (stdout and
 * {@code --output}); bench/envelope.sh runs it, bench/README.md says what each figure means.
 */
@Command(name = "envelope", mixinStandardHelpOptions = true,
        description = "Measures every RPC of the labeling workflow against this machine's limits.")
public final class EnvelopeBench implements Callable<Integer> {
    static final String ADMIN_TOKEN = "bench-admin-token-4c8e1f92a7d3";
    /** Inputs per PostInputs request of the ingest stage. */
    static final int INGEST_BATCH = 32;

    @Option(names = "--databases", split = ",", description = "sqlite, postgresql (default: both)")
    List<String> databases = List.of("sqlite", "postgresql");

    @Option(names = "--sizes", split = ",", description = "inputs per app in the size curve (default: 1000,100000,1000000)")
    List<Integer> sizes = List.of(1_000, 100_000, 1_000_000);

    @Option(names = "--labelers", split = ",", description = "concurrent labelers in the labeler curve (default: 1,8,32,128)")
    List<Integer> labelers = List.of(1, 8, 32, 128);

    @Option(names = "--task-labelers", description = "labelers of the size curve's and the consensus tasks (default: 32)")
    int taskLabelers = 32;

    @Option(names = "--seconds", description = "length of each measured span, fractions allowed (default: 10)")
    double seconds = 10;

    @Option(names = "--clients", description = "concurrent clients for the bare endpoint, ingest and the read calls (default: 16)")
    int clients = 16;

    @Option(names = "--commit-connections", description = "connections of the multi-connection commit ceiling (default: 8)")
    int commitConnections = 8;

    @Option(names = "--warm-up-rounds", description = "unmeasured closed-loop rounds per labeler before the first labeling span (default: 30)")
    int warmUpRounds = 30;

    @Option(names = "--warm-up-calls", description = "unmeasured calls per client before each read span and the bare endpoint's (default: 200)")
    int warmUpCalls = 200;

    @Option(names = "--server-jvm-options", description = "options for the server JVM, space separated (default: none, as the README runs it)")
    String serverJvmOptions = "";

    @Option(names = "--output", description = "where the Markdown goes besides stdout (default: target/bench/envelope.md)")
    Path output = Path.of("target", "bench", "envelope.md");

    private final EnvelopeReport report = new EnvelopeReport();

    public static void main(String[] args) {
        System.exit(new CommandLine(new EnvelopeBench()).execute(args));
    }

    /** Runs with these arguments and hands back the figures (for the smoke test). */
    static EnvelopeReport run(String... args) throws Exception {
        EnvelopeBench bench = new EnvelopeBench();
        new CommandLine(bench).parseArgs(args);
        bench.call();
        return bench.report;
    }

    @Override
    public Integer call() throws Exception {
        report.note(ProcessMeter.machine());
        report.note(String.format(Locale.ROOT, "Settings: sizes %s, labelers %s, %s s per span, %d clients, server JVM options [%s].",
                sizes, labelers, Spans.text(seconds), clients, serverJvmOptions));
        for (String database : databases) {
            SqlDialect dialect = database.equalsIgnoreCase("postgresql") ? SqlDialect.POSTGRESQL : SqlDialect.SQLITE;
            runOn(dialect);
        }
        String markdown = report.markdown();
        System.out.println(markdown);
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, markdown);
        return 0;
    }

    private void runOn(SqlDialect dialect) throws Exception {
        String name = dialect == SqlDialect.POSTGRESQL ? "PostgreSQL" : "SQLite";
        Path data = TestDatabases.tempDirectory();
        String url = dialect == SqlDialect.POSTGRESQL ? BenchDatabases.postgres(true)
                : SqlDialect.sqliteUrl(data.resolve("annotask.db"));
        // The commit ceiling on a database of its own, so the probe rows touch nothing the server reads.
        String probeUrl = dialect == SqlDialect.POSTGRESQL ? BenchDatabases.postgres(true)
                : SqlDialect.sqliteUrl(TestDatabases.tempDirectory().resolve("probe.db"));
        Latencies oneConnection = CommitCeiling.measure(probeUrl, 1, span());
        Latencies severalConnections = CommitCeiling.measure(probeUrl, commitConnections, span());
        report.add(new EnvelopeReport.Row(name, "Ceilings", "1 connection", EnvelopeReport.COMMIT,
                oneConnection, null, EnvelopeReport.Against.NOTHING));
        report.add(new EnvelopeReport.Row(name, "Ceilings", commitConnections + " connections",
                EnvelopeReport.COMMIT, severalConnections, null, EnvelopeReport.Against.NOTHING));

        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--admin-token", ADMIN_TOKEN));
        if (dialect == SqlDialect.POSTGRESQL) {
            args.addAll(List.of("--db", url));
        }
        List<String> jvm = serverJvmOptions.isBlank() ? List.of() : Arrays.asList(serverJvmOptions.trim().split("\\s+"));
        try (ServerProcess server = ServerProcess.startWithJvmOptions(jvm, args.toArray(String[]::new))) {
            Stages stages = new Stages(name, dialect, url, server);
            stages.all();
        }
    }

    private Duration span() {
        return Spans.of(seconds);
    }

    /** The measured stages on one running server. */
    private final class Stages {
        private final String database;
        private final Seeds seeds;
        private final BenchHttp http;
        private final ProcessMeter meter;
        private final List<String> tokens = new ArrayList<>();

        Stages(String database, SqlDialect dialect, String url, ServerProcess server) {
            this.database = database;
            this.seeds = new Seeds(url, dialect);
            this.http = new BenchHttp(server.port());
            this.meter = new ProcessMeter(server.pid());
        }

        void all() throws Exception {
            int mostLabelers = Math.max(taskLabelers, labelers.stream().max(Integer::compare).orElse(1));
            users(mostLabelers);
            bareEndpoint("first");
            ingest();
            for (int size : sizes) {
                app("size-" + size, mostLabelers);
                seeds.inputs("size-" + size, size);
            }
            int largest = sizes.stream().max(Integer::compare).orElseThrow();
            warmUp("size-" + largest);
            for (int size : sizes) {
                sizeCurve(size);
            }
            for (int count : labelers) {
                labeling("Labeler curve, " + String.format(Locale.ROOT, "%,d", largest) + "-input task",
                        count + " labelers", "size-" + largest, count, workers(count, 1), review(false));
            }
            labeling("Submissions with CONSENSUS review", taskLabelers + " labelers, 3 per input, 2 must agree",
                    "size-" + largest, taskLabelers, workers(taskLabelers, 3), review(true));
            bareEndpoint("again at the end");
        }

        private void users(int count) {
            tokens.addAll(Labeling.users(http, ADMIN_TOKEN, count));
        }

        private void app(String appId, int collaborators) {
            Labeling.app(http, ADMIN_TOKEN, appId, collaborators);
        }

        /**
         * The bare endpoint after a warm-up span as long as half a measured one (both JVMs, the
         * server's and the load generator's, compile their HTTP code first), and once more at
         * the end, to show the ceiling held.
         */
        private void bareEndpoint(String when) throws Exception {
            ClosedLoop.Round round = (client, timer) -> {
                timer.time("GET /livez", () -> {
                    http.get("/livez");
                    return null;
                });
                return true;
            };
            ClosedLoop.run(clients, warmUpCalls, span().dividedBy(2), round);
            ClosedLoop.Outcome bare = ClosedLoop.run(clients, 0, span(), round, meter);
            report.add(new EnvelopeReport.Row(database, "Ceilings", clients + " clients, " + when,
                    EnvelopeReport.BARE_ENDPOINT, bare.call("GET /livez"), bare.usage(), EnvelopeReport.Against.NOTHING));
        }

        private void ingest() throws Exception {
            app("ingest", 0);
            String body = "{\"inputs\":[" + IntStream.range(0, INGEST_BATCH)
                    .mapToObj(i -> "{\"data\":{\"text\":{\"raw\":\"a cat on a mat, line " + i + "\"}}}")
                    .collect(Collectors.joining(",")) + "]}";
            ClosedLoop.Outcome outcome = ClosedLoop.run(clients, Math.min(20, warmUpCalls), span(), (client, timer) -> {
                timer.time("PostInputs", () -> http.call("POST", "/v2/users/me/apps/ingest/inputs", ADMIN_TOKEN, body));
                return true;
            }, meter);
            Latencies calls = outcome.call("PostInputs");
            report.add(new EnvelopeReport.Row(database, "Every RPC at its ceiling", clients + " clients, "
                    + INGEST_BATCH + " text inputs per call (" + String.format(Locale.ROOT, "%,.0f", calls.perSecond()
                    * INGEST_BATCH) + " inputs/s)", "PostInputs", calls, outcome.usage(), EnvelopeReport.Against.BARE_ENDPOINT));
        }

        /** Labelers of the largest app work a task of their own until the server's hot code is compiled. */
        private void warmUp(String appId) throws Exception {
            String task = createTask(appId, workers(taskLabelers), review(false));
            ClosedLoop.run(taskLabelers, warmUpRounds, Duration.ZERO, labelRound(appId, task));
            for (String path : readPaths(appId, task)) {
                ClosedLoop.run(clients, warmUpCalls, Duration.ZERO, (client, timer) -> {
                    http.call("GET", path, ADMIN_TOKEN, null);
                    return true;
                });
            }
        }

        private void sizeCurve(int size) throws Exception {
            String appId = "size-" + size;
            String setting = String.format(Locale.ROOT, "%,d inputs", size);
            long[] creations = new long[7];
            String definition = Labeling.taskDefinition(workers(taskLabelers), review(false));
            for (int i = 0; i < creations.length; i++) {
                long start = System.nanoTime();
                http.call("POST", "/v2/users/me/apps/" + appId + "/tasks", ADMIN_TOKEN, "{\"tasks\":[" + definition + "]}");
                creations[i] = System.nanoTime() - start;
            }
            report.add(new EnvelopeReport.Row(database, "Size curve", setting + ", 7 in a row",
                    "PostTasks (PARTITIONED, " + taskLabelers + " workers)",
                    Latencies.of(creations, creations.length, Arrays.stream(creations).sum() / 1e9), null, EnvelopeReport.Against.NOTHING));
            labeling("Size curve", setting + ", " + taskLabelers + " labelers", appId, taskLabelers,
                    workers(taskLabelers), review(false));
            // A task whose every input is labeled, for the calls whose cost could grow with the work done.
            String finished = createTask(appId, workers(taskLabelers), review(false));
            seeds.finishedWork(appId, finished, taskLabelers);
            List<String> paths = readPaths(appId, finished);
            String[] calls = {"GetTask (additional_fields=all: metrics)", "GetTaskAnnotationCount", "GetTaskInputCount",
                    "ListTasks"};
            for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                String call = calls[i];
                ClosedLoop.Outcome outcome = ClosedLoop.run(clients, Math.min(100, warmUpCalls), span(), (client, timer) -> {
                    timer.time(call, () -> http.call("GET", path, ADMIN_TOKEN, null));
                    return true;
                }, meter);
                report.add(new EnvelopeReport.Row(database, "Size curve", setting + ", every input labeled ("
                        + clients + " clients)", call, outcome.call(call), outcome.usage(),
                        EnvelopeReport.Against.BARE_ENDPOINT));
            }
        }

        private List<String> readPaths(String appId, String task) {
            String base = "/v2/users/" + Labeling.OWNER + "/apps/" + appId + "/tasks";
            return List.of(base + "/" + task + "?additional_fields=all", base + "/" + task + "/annotations/count",
                    base + "/" + task + "/inputs/count", base);
        }

        /**
         * A closed loop of labelers on a new task: LABEL_START, PostAnnotations of one concept
         * per input of the batch, LABEL_SUBMIT of the batch. A labeler stops when given nothing.
         */
        private void labeling(String section, String setting, String appId, int labelerCount, String workers,
                              String review) throws Exception {
            String task = createTask(appId, workers, review);
            ClosedLoop.Outcome outcome = ClosedLoop.run(labelerCount, 0, span(), labelRound(appId, task), meter);
            for (String call : List.of("LABEL_START", "PostAnnotations", "LABEL_SUBMIT",
                    "PostAnnotations + LABEL_SUBMIT")) {
                Latencies latencies = outcome.call(call);
                EnvelopeReport.Against against = call.equals("LABEL_START") ? EnvelopeReport.Against.BARE_ENDPOINT
                        : call.equals("PostAnnotations + LABEL_SUBMIT") ? EnvelopeReport.Against.COMMIT
                        : EnvelopeReport.Against.NOTHING;
                report.add(new EnvelopeReport.Row(database, section, setting, call, latencies, outcome.usage(), against));
            }
        }

        private ClosedLoop.Round labelRound(String appId, String task) {
            String path = Labeling.assignmentsPath(appId, task);
            return (client, timer) -> {
                String token = tokens.get(client);
                String batch = timer.time("LABEL_START", () -> http.call("PUT", path, token, Labeling.START));
                List<Labeling.Assignment> assignments = Labeling.assignments(batch);
                if (assignments.isEmpty()) {
                    return false;
                }
                timer.time("PostAnnotations + LABEL_SUBMIT", () -> {
                    timer.time("PostAnnotations", () -> http.call("POST", Labeling.annotationsPath(appId), token,
                            Labeling.annotationsBody(task, assignments)));
                    return timer.time("LABEL_SUBMIT", () -> http.call("PUT", path, token, Labeling.submitBody(assignments)));
                });
                return true;
            };
        }

        private String createTask(String appId, String workers, String review) {
            return Labeling.createTask(http, ADMIN_TOKEN, appId, workers, review);
        }

        /** PARTITIONED, evenly, among the first count labelers, one per input. */
        private String workers(int count) {
            return workers(count, 1);
        }

        private String workers(int count, int perInput) {
            return Labeling.partitioned(count, perInput);
        }

        private String review(boolean consensus) {
            return Labeling.review(consensus);
        }
    }
}
