package dev.annotask.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures of a RoundsBench run and their Markdown: one row per jar, database and scenario,
 * each jar after the first beside the first (the baseline) in a new/base column.
 */
final class RoundsReport {
    /** What a row measured: the bare endpoint, labelers in a closed loop, or labelers at a human pace. */
    enum Kind { LIVEZ, CLOSED_LOOP, HUMAN_PACE }

    /**
     * One measured span. {@code counts} holds what the database counted in it (-1 where it
     * cannot tell); {@code scenario} is the same text for every jar, so rows can be paired.
     */
    record Row(String database, Path jar, int alternation, String scenario, Kind kind, ClosedLoop.Outcome outcome,
               double livezPerSecond, CountingPostgres.Counts counts, String note) {
        int rounds() {
            return outcome.call("LABEL_SUBMIT").count();
        }

        /** Rounds per second, or /livez calls per second on the bare endpoint's row. */
        double perSecond() {
            return kind == Kind.LIVEZ ? outcome.call(RoundsRun.LIVEZ).perSecond() : outcome.call("LABEL_SUBMIT").perSecond();
        }

        /** Every RPC of the span per second: three a round, and LABEL_STARTs that found nothing. */
        double callsPerSecond() {
            return kind == Kind.LIVEZ ? perSecond() : outcome.calls().values().stream().mapToDouble(Latencies::perSecond).sum();
        }
    }

    private final List<String> notes = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> details = new ArrayList<>();
    private final List<Path> jars;

    /** @param jars in the run's order; the first is the base of the new/base column */
    RoundsReport(List<Path> jars) {
        this.jars = jars;
    }

    void note(String text) {
        notes.add(text);
    }

    void add(Row row) {
        rows.add(row);
    }

    /** Text printed after the table (PostgreSQL's statements of a span). */
    void detail(String text) {
        details.add(text);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    String markdown() {
        StringBuilder text = new StringBuilder();
        notes.forEach(note -> text.append(note).append("\n\n"));
        text.append("| database | jar | round | scenario | rounds/s | new/base | RPC calls/s | share of /livez"
                + " | LABEL_START p50 / p99 / max ms | PostAnnotations p99 ms | LABEL_SUBMIT p99 ms"
                + " | cores: server / PostgreSQL / generator | server CPU per round | PostgreSQL CPU per round"
                + " | RSS MiB (peak) | statements per round (top-level) | commits per round (that wrote) | note |\n");
        text.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            text.append(line(row)).append('\n');
        }
        details.forEach(detail -> text.append(detail).append('\n'));
        return text.toString();
    }

    private String line(Row row) {
        boolean livez = row.kind() == Kind.LIVEZ;
        Latencies first = row.outcome().call(livez ? RoundsRun.LIVEZ : "LABEL_START");
        ProcessMeter.Usage usage = row.outcome().usage();
        double rounds = row.perSecond();
        boolean postgres = row.database().equals("PostgreSQL");
        CountingPostgres.Counts counts = row.counts();
        return String.join(" | ", "| " + row.database(), row.jar().getFileName().toString(),
                String.valueOf(row.alternation()), livez ? "`GET /livez` (no database; ceiling)" : row.scenario(),
                livez ? "" : number(rounds), base(row).map(base -> number(rounds / base.perSecond()) + "x").orElse(""),
                number(row.callsPerSecond()),
                row.kind() != Kind.CLOSED_LOOP || row.livezPerSecond() <= 0 ? ""
                        : percent(row.callsPerSecond() / row.livezPerSecond()),
                number(first.p50Millis()) + " / " + number(first.p99Millis()) + " / " + number(first.maxMillis()),
                livez ? "" : number(row.outcome().call("PostAnnotations").p99Millis()),
                livez ? "" : number(row.outcome().call("LABEL_SUBMIT").p99Millis()),
                number(usage.serverCores()) + " / " + (postgres ? number(usage.databaseCores()) : "–") + " / "
                        + number(usage.driverCores()),
                livez ? "" : millis(usage.serverCores() / rounds),
                livez || !postgres ? "" : millis(usage.databaseCores() / rounds),
                usage.rssMiB() + " (" + usage.peakRssMiB() + ")",
                livez || counts.statements() < 0 ? "" : number(counts.statements() / (double) row.rounds())
                        + " (" + number(counts.topLevelStatements() / (double) row.rounds()) + ")",
                livez ? "" : commits(counts, row.rounds()),
                row.note() + " |");
    }

    /** Commits per round, and where known those that wrote. */
    private static String commits(CountingPostgres.Counts counts, int rounds) {
        if (counts.commits() < 0) {
            return "n/a";
        }
        return number(counts.commits() / (double) rounds)
                + (counts.writes() < 0 ? "" : " (" + number(counts.writes() / (double) rounds) + ")");
    }

    /** The same span of the first jar (same database, round and scenario), when this row is of another. */
    private Optional<Row> base(Row row) {
        if (row.kind() == Kind.HUMAN_PACE || row.jar().equals(jars.get(0))) {
            return Optional.empty();
        }
        return rows.stream().filter(other -> other.jar().equals(jars.get(0)) && other.database().equals(row.database())
                && other.alternation() == row.alternation() && other.scenario().equals(row.scenario())
                && other.perSecond() > 0).findFirst();
    }

    /** Three significant figures at most, thousands grouped: 0.123, 12.3, 123, 1,234. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "";
        }
        double magnitude = Math.abs(value);
        String format = magnitude >= 100 ? "%,.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, format, value);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    /** CPU seconds per round (cores ÷ rounds per second) in milliseconds. */
    private static String millis(double seconds) {
        return Double.isFinite(seconds) ? number(seconds * 1000) + " ms" : "";
    }
}
