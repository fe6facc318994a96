package dev.annotask.bench;

import java.util.Arrays;

/** What one kind of call did during a measured span: how many, how fast, how often. Immutable. */
record Latencies(int count, double p50Millis, double p99Millis, double maxMillis, double perSecond) {

    static Latencies of(long[] nanos, int count, double seconds) {
        if (count == 0) {
            return new Latencies(0, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return new Latencies(count, millis(sorted, 50), millis(sorted, 99), sorted[count - 1] / 1e6, count / seconds);
    }

    /** Nearest-rank percentile. */
    private static double millis(long[] sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(rank, sorted.length) - 1)] / 1e6;
    }
}
