package dev.annotask.bench;

import dev.annotask.store.SqlDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Full labeling rounds (LABEL_START of a batch of 10, one PostAnnotations of the 10 labels,
 * LABEL_SUBMIT) per second, of several server jars side by side in one run, on SQLite and on
 * PostgreSQL (embedded, {@code synchronous_commit} on, counting statements and commits), each
 * beside the bare endpoint measured with the same load generator on the same server. Each jar
 * gets a fresh database and server per database (RoundsRun says what is measured); the jars
 * take turns per database, so a machine that gets busier weighs on each alike. Markdown on
 * stdout and in {@code --out}, the first jar the base of the new/base column. bench/rounds.sh
 * runs it (and builds a baseline commit's jar); bench/README.md says what each figure means.
 */
@Command(name = "rounds", mixinStandardHelpOptions = true,
        description = "Measures labeling rounds per second of several server builds side by side.")
public final class RoundsBench implements Callable<Integer> {
    /**
     * The JDK's HTTP client hands every sendAsync answer to CompletableFuture's async pool, which
     * with fewer than 2 threads of the common pool (a machine of 2 cores) is a new thread per
     * answer. bench/rounds.sh sets this on the command line; here for other launchers, in time
     * if nothing started the common pool before.
     */
    static final String POOL_THREADS = "java.util.concurrent.ForkJoinPool.common.parallelism";

    static {
        if (System.getProperty(POOL_THREADS) == null) {
            System.setProperty(POOL_THREADS, "2");
        }
    }

    @Option(names = "--jars", split = ",", description = "server jars, the first the base of the comparison (default: target/annotask.jar)")
    List<Path> jars = List.of(Path.of("target", "annotask.jar"));

    @Option(names = "--databases", split = ",", description = "sqlite, postgresql (default: both)")
    List<String> databases = List.of("sqlite", "postgresql");

    @Option(names = "--labelers", description = "labelers, each with a key of their own, in every labeling span (default: 32)")
    int labelers = 32;

    @Option(names = "--inputs", description = "inputs of the PARTITIONED tasks, seeded straight into the database (default: 300000)")
    int inputs = 300_000;

    @Option(names = "--upload", description = "PostgreSQL: inputs uploaded through PostInputs before the after-upload spans, 0 for none (default: 200000)")
    int upload = 200_000;

    @Option(names = "--upload-clients", description = "concurrent PostInputs calls of the upload (default: 8)")
    int uploadClients = 8;

    @Option(names = "--seconds", description = "each closed-loop span and the bare endpoint's, fractions allowed (default: 20)")
    double seconds = 20;

    @Option(names = "--warm-up-seconds", description = "unmeasured span before the bare endpoint's and before the first labeling span (default: 10)")
    double warmUpSeconds = 10;

    @Option(names = "--human-seconds", description = "the human-pace span (default: 30)")
    double humanSeconds = 30;

    @Option(names = "--think-ms", description = "human pace: a labeler's pause between LABEL_START and PostAnnotations, ±50%% at random (default: 3000)")
    int thinkMillis = 3000;

    @Option(names = "--pg-fsync", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "PostgreSQL commits wait for the disk as in production (default); --no-pg-fsync as the embedded server"
                    + " runs otherwise (-F), as the envelope and ingest benchmarks measure")
    boolean pgFsync = true;

    @Option(names = "--alternations", description = "how many times the jars take turns on each database (default: 1)")
    int alternations = 1;

    @Option(names = "--server-jvm-options", description = "server JVM options, space separated (default: -Xmx256m, as docs/DEPLOYMENT.md runs it)")
    String serverJvmOptions = "-Xmx256m";

    @Option(names = {"--out", "--output"}, description = "the Markdown besides stdout (default: target/bench/rounds.md)")
    Path out = Path.of("target", "bench", "rounds.md");

    private RoundsReport report;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RoundsBench()).execute(args));
    }

    /** Runs with these arguments and hands back the figures (for the smoke test). */
    static RoundsReport run(String... args) throws Exception {
        RoundsBench bench = new RoundsBench();
        new CommandLine(bench).parseArgs(args);
        bench.call();
        return bench.report;
    }

    @Override
    public Integer call() throws Exception {
        report = new RoundsReport(jars);
        report.note(ProcessMeter.machine());
        int poolThreads = ForkJoinPool.getCommonPoolParallelism();
        report.note(String.format(Locale.ROOT, "Load generator: this JVM, one java.net.http.HttpClient (HTTP/1.1 keep-alive),"
                + " asynchronous calls, at most one in flight per client; CompletableFuture's async pool of %d thread(s)%s.",
                poolThreads, poolThreads < 2 ? " (**a new thread per answer: run with -D" + POOL_THREADS + "=2**)" : ""));
        report.note(String.format(Locale.ROOT, "Settings: jars %s; %d labelers; %,d seeded inputs; %s s closed-loop spans"
                        + " after %s s of warm-up; human pace %s s with %d ms think time; upload of %,d inputs (PostgreSQL)"
                        + " by %d clients; PostgreSQL synchronous_commit on, fsync %s; %d alternation(s); server JVM"
                        + " options [%s].", jars, labelers, inputs, Spans.text(seconds), Spans.text(warmUpSeconds),
                Spans.text(humanSeconds), thinkMillis, upload,
                uploadClients, pgFsync ? "on" : "off", alternations, serverJvmOptions));
        long began = System.nanoTime();
        CountingPostgres postgres = null;
        try {
            for (int round = 1; round <= alternations; round++) {
                for (String database : databases) {
                    SqlDialect dialect = database.equalsIgnoreCase("postgresql") ? SqlDialect.POSTGRESQL : SqlDialect.SQLITE;
                    if (dialect == SqlDialect.POSTGRESQL && postgres == null) {
                        postgres = new CountingPostgres("rounds", true, pgFsync);
                    }
                    for (Path jar : jars) {
                        System.err.printf("rounds: %s on %s, round %d, %d s into the run%n", jar, database, round,
                                (System.nanoTime() - began) / 1_000_000_000);
                        new RoundsRun(this, dialect, jar, round, report,
                                dialect == SqlDialect.POSTGRESQL ? postgres : null).run();
                    }
                }
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
        System.err.printf("rounds: done, %d s%n", (System.nanoTime() - began) / 1_000_000_000);
        String markdown = report.markdown();
        System.out.println(markdown);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, markdown);
        return 0;
    }
}
