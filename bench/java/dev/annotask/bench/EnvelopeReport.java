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
    /** The call of the bare-endpoint ceiling rows. */
    static final String BARE_ENDPOINT = "GET /livez (no database)";
    /** The call of the commit ceiling rows. */
    static final String COMMIT = "INSERT one row + COMMIT (JDBC)";

    /** Which ceiling a call is held against. */
    enum Against { NOTHING, BARE_ENDPOINT, COMMIT }

    /** One measured call kind. */
    record Row(String database, String section, String setting, String call, Latencies latencies,
               ProcessMeter.Usage usage, Against against) {
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

    /**
     * Calls per second as a share of the database's ceiling: the highest rate its ceiling rows
     * reached (the bare endpoint is measured first and again at the end, and the load
     * generator's own JIT warm-up can leave the first lower). NaN where none applies.
     */
    synchronized double ratio(Row row) {
        String ceilingCall = switch (row.against()) {
            case NOTHING -> null;
            case BARE_ENDPOINT -> BARE_ENDPOINT;
            case COMMIT -> COMMIT;
        };
        double ceiling = rows.stream().filter(r -> r.database().equals(row.database()) && r.call().equals(ceilingCall))
                .mapToDouble(r -> r.latencies().perSecond()).max().orElse(Double.NaN);
        return ceilingCall == null ? Double.NaN : row.latencies().perSecond() / ceiling;
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
                        Double.isNaN(ratio(row)) ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * ratio(row)),
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
