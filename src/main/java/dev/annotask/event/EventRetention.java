package dev.annotask.event;

import java.time.Duration;
import org.jdbi.v3.core.Handle;

/**
 * How long events stay (docs/ARCHITECTURE.md, "Events and webhooks"): an event is deleted
 * {@link #KEPT_FOR} after it happened unless a subscription still has to send it, and its
 * deliveries with it. So the outbox holds about a week of the subscribed apps' events, and a
 * failed delivery can be re-sent for a week. Run in the background by the delivery worker.
 */
public final class EventRetention {
    public static final Duration KEPT_FOR = Duration.ofDays(7);
    private static final int BATCH = 1000;

    private EventRetention() {
    }

    /** Deletes one batch of expired events; true when there may be more. */
    public static boolean deleteExpired(Handle handle, long now) {
        return EventStore.deleteSettledBefore(handle, now - KEPT_FOR.toMillis(), BATCH) == BATCH;
    }
}
