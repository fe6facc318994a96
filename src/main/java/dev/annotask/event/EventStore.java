package dev.annotask.event;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import dev.annotask.store.SqlDialect;
import org.jdbi.v3.core.Handle;

/**
 * The events outbox in the database: events written in the transaction of their change, one
 * delivery row per event and subscription that wants it, and the retention that deletes them.
 * Stateless.
 */
final class EventStore {
    static final int PENDING = 1;

    /** An event about to be written: its id and its data's JSON. */
    record NewEvent(String id, String dataJson) {
    }

    private EventStore() {
    }

    /** The types some subscription of the app wants. */
    static Set<String> subscribedTypes(Handle handle, String appUid) {
        return handle.createQuery("SELECT DISTINCT type FROM webhook_event_types WHERE app_uid = :app")
                .bind("app", appUid).mapTo(String.class).stream().collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Writes the events (one multi-row INSERT, their seqs in list order) and a pending delivery
     * of each for every subscription of the app that wants the type (an INSERT … SELECT, which
     * reads the subscriptions as the transaction sees them, so one deleted meanwhile gets none).
     * On PostgreSQL one statement (the second INSERT reads the first's RETURNING), on SQLite two
     * (in-process, no round trip): whatever the number of events.
     */
    static void insert(Handle handle, String appUid, String type, List<NewEvent> events, long now, long retryUntil) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :app, :type, :now, :data").append(i)
                    .append(")");
        }
        String insertEvents = "INSERT INTO events (id, app_uid, type, created_at, data) VALUES " + values;
        String fanOut = """
                INSERT INTO webhook_deliveries (webhook_uid, event_seq, state, next_attempt_at, retry_until)
                SELECT t.webhook_uid, e.seq, :pending, :now, :until
                FROM webhook_event_types t JOIN %s e ON %s
                WHERE t.app_uid = :app AND t.type = :type""";
        // Row locks stand for PostgreSQL here: the dialect with data-modifying WITH.
        boolean oneStatement = SqlDialect.locksRows(handle);
        var insert = handle.createUpdate(oneStatement
                        ? "WITH e AS (" + insertEvents + " RETURNING seq) " + fanOut.formatted("e", "TRUE")
                        : insertEvents)
                .bind("app", appUid).bind("type", type).bind("now", now).bind("pending", PENDING)
                .bind("until", retryUntil);
        for (int i = 0; i < events.size(); i++) {
            insert.bind("id" + i, events.get(i).id()).bind("data" + i, events.get(i).dataJson());
        }
        insert.execute();
        if (!oneStatement) {
            handle.createUpdate(fanOut.formatted("events", "e.id IN (<ids>)"))
                    .bind("pending", PENDING).bind("now", now).bind("until", retryUntil)
                    .bind("app", appUid).bind("type", type)
                    .bindList("ids", events.stream().map(NewEvent::id).toList()).execute();
        }
    }

    /** Writes one event with a pending delivery for one subscription only (a test event). Two statements. */
    static void insertFor(Handle handle, String appUid, String type, NewEvent event, String webhookUid, long now,
                          long retryUntil) {
        handle.createUpdate("INSERT INTO events (id, app_uid, type, created_at, data) VALUES (:id, :app, :type, :now, :data)")
                .bind("id", event.id()).bind("app", appUid).bind("type", type).bind("now", now)
                .bind("data", event.dataJson()).execute();
        handle.createUpdate("""
                        INSERT INTO webhook_deliveries (webhook_uid, event_seq, state, next_attempt_at, retry_until)
                        SELECT :webhook, seq, :pending, :now, :until FROM events WHERE id = :id""")
                .bind("webhook", webhookUid).bind("pending", PENDING).bind("now", now).bind("until", retryUntil)
                .bind("id", event.id()).execute();
    }

    /**
     * Deletes up to {@code limit} events created before the cutoff that no subscription still
     * has to send (their deliveries go with them); returns how many.
     */
    static int deleteSettledBefore(Handle handle, long cutoff, int limit) {
        return handle.createUpdate("""
                        DELETE FROM events WHERE seq IN (
                          SELECT e.seq FROM events e
                          WHERE e.created_at < :cutoff
                            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = e.seq AND d.state = :pending)
                          ORDER BY e.created_at LIMIT :limit)""")
                .bind("cutoff", cutoff).bind("pending", PENDING).bind("limit", limit).execute();
    }
}
