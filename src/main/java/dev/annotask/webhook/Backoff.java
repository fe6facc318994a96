package dev.annotask.webhook;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed delivery is tried again: {@code firstRetry} after the first failure, then
 * doubling up to {@code maxDelay}, each delay drawn uniformly from its upper half (jitter, so
 * that the deliveries of a receiver that was down do not all come back at the same moment).
 * With the defaults (2 s, 1 h): about 2, 4, 8 … s, hourly after about 1 h 8 min, some 30
 * attempts in a 24-hour window. Immutable.
 */
record Backoff(Duration firstRetry, Duration maxDelay) {
    /** The delay after the given number of failed attempts (at least 1). */
    long delayMillis(int failedAttempts) {
        long delay = firstRetry.toMillis();
        for (int i = 1; i < failedAttempts && delay < maxDelay.toMillis(); i++) {
            delay *= 2;
        }
        delay = Math.min(delay, maxDelay.toMillis());
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }
}
