package dev.annotask.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What webhooks cost and carry, against the real jar on SQLite and on PostgreSQL (embedded,
 * {@code synchronous_commit} on), one fresh server and database each, with a receiver in this
 * JVM that answers at once ({@link FastReceiver}): (a) events delivered per second to it, from
 * 1 and from several subscriptions, while PostInputs keeps a backlog; (b) closed-loop labeling
 * rounds per second in an app without subscriptions and in one subscribed to every event type,
 * taking turns on the same server, and what that subscription adds. WebhooksRun says what each
 * span measures; bench/webhooks.sh runs it; Markdown on stdout and in {@code --out}.
 */
@Command(name = "webhooks", mixinStandardHelpOptions = true,
        description = "Measures webhook delivery and what a subscription adds to labeling rounds.")
public final class WebhooksBench implements Callable<Integer> {
    static {
        if (System.getProperty(RoundsBench.POOL_THREADS) == null) {
            System.setProperty(RoundsBench.POOL_THREADS, "2");
        }
    }

    @Option(names = "--jar", description = "the server jar (default: target/annotask.jar)")
    Path jar = Path.of("target", "annotask.jar");

    @Option(names = "--databases", split = ",", description = "sqlite, postgresql (default: both)")
    List<String> databases = List.of("sqlite", "postgresql");

    @Option(names = "--seconds", description = "each measured span, fractions allowed (default: 10)")
    double seconds = 10;

    @Option(names = "--warm-up-seconds", description = "unmeasured span before the first measured one of each kind (default: 5)")
    double warmUpSeconds = 5;

    @Option(names = "--subscriptions", split = ",", description = "delivery: subscriptions to input.created, one run each (default: 1,4)")
    List<Integer> subscriptions = List.of(1, 4);

    @Option(names = "--backlog", description = "delivery: events PostInputs keeps waiting, at most (default: 5000)")
    int backlog = 5000;

    @Option(names = "--labelers", description = "rounds: labelers in the closed loop (default: 16)")
    int labelers = 16;

    @Option(names = "--inputs", description = "rounds: inputs seeded into each of the two apps (default: 30000)")
    int inputs = 30_000;

    @Option(names = "--alternations", description = "rounds: how many times the two apps take turns (default: 2)")
    int alternations = 2;

    @Option(names = "--pg-fsync", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "PostgreSQL commits wait for the disk as in production (default)")
    boolean pgFsync = true;

    @Option(names = "--server-jvm-options", description = "server JVM options, space separated (default: -Xmx256m)")
    String serverJvmOptions = "-Xmx256m";

    @Option(names = {"--out", "--output"}, description = "the Markdown besides stdout (default: target/bench/webhooks.md)")
    Path out = Path.of("target", "bench", "webhooks.md");

    final List<String> deliveryRows = new ArrayList<>();
    final List<String> roundRows = new ArrayList<>();
    final List<String> summary = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new WebhooksBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String machine = ProcessMeter.machine();
        long began = System.nanoTime();
        CountingPostgres postgres = null;
        try {
            for (String database : databases) {
                boolean pg = database.equalsIgnoreCase("postgresql");
                if (pg && postgres == null) {
                    postgres = new CountingPostgres("webhooks", true, pgFsync);
                }
                System.err.printf("webhooks: %s, %d s into the run%n", database, (System.nanoTime() - began) / 1_000_000_000);
                new WebhooksRun(this, pg ? postgres : null).run();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(machine).append("\n\n");
        md.append(String.format(Locale.ROOT, "Settings: jar %s; %s s spans after %s s of warm-up; delivery: %s"
                        + " subscription(s) to input.created, PostInputs of 128 keeping up to %,d events waiting;"
                        + " rounds: %d labelers, %,d seeded inputs per app, %d alternation(s); PostgreSQL"
                        + " synchronous_commit on, fsync %s; server JVM options [%s]; a receiver in the load generator's"
                        + " JVM answering 200 at once.%n%n", jar, Spans.text(seconds), Spans.text(warmUpSeconds),
                subscriptions, backlog, labelers, inputs, alternations, pgFsync ? "on" : "off", serverJvmOptions));
        md.append("### Delivery\n\n| database | subscriptions | events/s delivered | per subscription | events/s written"
                + " | server cores | server CPU ms per event | PostgreSQL cores | waiting at the end | load |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        deliveryRows.forEach(row -> md.append(row).append('\n'));
        md.append("\n### Labeling rounds without and with a subscription to every event type\n\n| database | turn | app"
                + " | rounds/s | LABEL_START p50 / p99 ms | LABEL_SUBMIT p50 / p99 ms | server CPU ms per round"
                + " | PostgreSQL cores | events/s written | events/s delivered | delivery lag p50 / p99 ms | load |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        roundRows.forEach(row -> md.append(row).append('\n'));
        md.append('\n');
        summary.forEach(line -> md.append("- ").append(line).append('\n'));
        System.err.printf("webhooks: done, %d s%n", (System.nanoTime() - began) / 1_000_000_000);
        System.out.println(md);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
        return 0;
    }
}
