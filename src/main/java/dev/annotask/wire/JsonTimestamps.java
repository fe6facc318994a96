package dev.annotask.wire;

import java.time.LocalDate;

/**
 * Timestamps as JsonFormat prints them ({@code Timestamps.toString}): RFC 3339 in UTC, with 0,
 * 3, 6 or 9 fraction digits, years 0001 to 9999; without its date formatter and
 * {@code String.format}. Stateless.
 */
final class JsonTimestamps {
    private static final long MIN_SECONDS = -62135596800L; // 0001-01-01T00:00:00Z
    private static final long MAX_SECONDS = 253402300799L; // 9999-12-31T23:59:59Z

    private JsonTimestamps() {
    }

    /** @throws WireJsonPrinter.Unsupported out of range (JsonFormat refuses it its own way) */
    static void print(long seconds, int nanos, JsonOut out) {
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos > 999_999_999) {
            throw new WireJsonPrinter.Unsupported("Timestamp out of range");
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        out.put('"');
        digits(out, date.getYear(), 1000).put('-');
        digits(out, date.getMonthValue(), 10).put('-');
        digits(out, date.getDayOfMonth(), 10).put('T');
        digits(out, secondOfDay / 3600, 10).put(':');
        digits(out, secondOfDay / 60 % 60, 10).put(':');
        digits(out, secondOfDay % 60, 10);
        if (nanos != 0) {
            out.put('.');
            if (nanos % 1_000_000 == 0) {
                digits(out, nanos / 1_000_000, 100);
            } else if (nanos % 1000 == 0) {
                digits(out, nanos / 1000, 100_000);
            } else {
                digits(out, nanos, 100_000_000);
            }
        }
        out.put('Z').put('"');
    }

    /** The value's digits from the place of {@code highest} down, zero-padded. */
    private static JsonOut digits(JsonOut out, int value, int highest) {
        for (int place = highest; place > 0; place /= 10) {
            out.put((char) ('0' + value / place % 10));
        }
        return out;
    }
}
