package dev.annotask.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The envelope run's figures, grouped into Markdown tables by section, in the order measured.
 * Each row is one kind of call in one measured span, with what the processes used in it.
 */
final class EnvelopeReport {
    /** One measured call kind. ratio is against its ceiling (NaN where none applies). */
    record Row(String database, String section, String setting, String call, Latencies latencies,
               ProcessMeter.Usage usage, double ratio) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    synchronized void add(Row row) {
        rows.add(row);
        System.err.printf(Locale.ROOT, "%s | %s | %s | %s | n=%d p50=%.1f p99=%.1f /s=%.0f%n", row.database(),
                row.section(), row.setting(), row.call(), row.latencies().count(), row.latencies().p50Millis(),
                row.latencies().p99Millis(), row.latencies().perSecond());
    }

    synchronized void note(String line) {
        notes.add(line);
        System.err.println(line);
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    synchronized String markdown() {
        StringBuilder out = new StringBuilder();
        notes.forEach(note -> out.append(note).append('\n'));
        Map<String, List<Row>> sections = new LinkedHashMap<>();
        rows.forEach(row -> sections.computeIfAbsent(row.section(), k -> new ArrayList<>()).add(row));
        sections.forEach((section, sectionRows) -> {
            out.append("\n### ").append(section).append("\n\n");
            out.append("| database | setting | call | n | p50 ms | p99 ms | max ms | per s | ratio to ceiling"
                    + " | server cores | PostgreSQL cores | driver cores | server RSS MiB (peak) |\n");
            out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Row row : sectionRows) {
                Latencies l = row.latencies();
                ProcessMeter.Usage u = row.usage();
                out.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %s | %s | %s | %,.0f | %s | %s | %s | %s | %s |%n",
                        row.database(), row.setting(), row.call(), l.count(), millis(l.p50Millis()),
                        millis(l.p99Millis()), millis(l.maxMillis()), l.perSecond(),
                        Double.isNaN(row.ratio()) ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * row.ratio()),
                        u == null ? "" : String.format(Locale.ROOT, "%.2f", u.serverCores()),
                        u == null || row.database().equals("SQLite") ? "" : String.format(Locale.ROOT, "%.2f", u.databaseCores()),
                        u == null ? "" : String.format(Locale.ROOT, "%.2f", u.driverCores()),
                        u == null || u.rssMiB() < 0 ? "" : u.rssMiB() + " (" + u.peakRssMiB() + ")"));
            }
        });
        return out.toString();
    }

    private static String millis(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        return value < 10 ? String.format(Locale.ROOT, "%.2f", value) : String.format(Locale.ROOT, "%,.1f", value);
    }
}
