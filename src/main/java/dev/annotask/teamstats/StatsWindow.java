package dev.annotask.teamstats;

import dev.annotask.api.ApiException;

/**
 * The time series a GetTaskWorkerStats answer covers: {@code count} buckets of
 * {@code bucketMillis} ending with the bucket that holds now, aligned to whole hours (or days,
 * UTC), so that two requests a minute apart draw the same bars.
 */
record StatsWindow(long start, long bucketMillis, int count) {
    static final int DEFAULT_HOURS = 24;
    static final int MAX_HOURS = 720;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    /** The window of {@code hours} (0 = 24) ending now; beyond 48 hours the buckets are days. */
    static StatsWindow of(int hours, long now) {
        if (hours == 0) {
            hours = DEFAULT_HOURS;
        }
        if (hours < 0 || hours > MAX_HOURS) {
            throw ApiException.invalid("window_hours must be between 1 and " + MAX_HOURS + ", not " + Integer.toUnsignedString(hours));
        }
        long bucket = hours <= 48 ? HOUR : DAY;
        int count = (int) ((hours * HOUR + bucket - 1) / bucket);
        long end = Math.floorDiv(now, bucket) * bucket + bucket;
        return new StatsWindow(end - count * bucket, bucket, count);
    }

    long end() {
        return start + count * bucketMillis;
    }
}
