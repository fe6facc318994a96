package dev.annotask.bench;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Span lengths as the benchmarks take them on the command line: seconds, fractions allowed,
 * so that the smoke tests (EnvelopeSmokeIT, RoundsSmokeIT) can run every stage in spans of a
 * fraction of a second. Stateless.
 */
final class Spans {
    private Spans() {
    }

    static Duration of(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("a span of " + seconds + " s");
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** The seconds as given: "10", "0.25". */
    static String text(double seconds) {
        return BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString();
    }
}
