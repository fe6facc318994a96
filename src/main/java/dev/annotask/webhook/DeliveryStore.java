package dev.annotask.webhook;

import dev.annotask.store.SqlDialect;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The delivery queue in the database: which subscriptions have a delivery due, their claims by
 * a node (a lease on the subscription's row, so one node at a time sends a subscription's
 * events, in order), the next delivery of each, and each attempt's outcome. Stateless.
 */
final class DeliveryStore {
    static final int PENDING = 1;
    static final int DELIVERED = 2;
    static final int FAILED = 3;

    /** The first pending delivery of a subscription, with what sending it needs. */
    record Head(String webhookUid, long eventSeq, int attempts, long nextAttemptAt, long retryUntil, String eventId,
                String eventType, long eventCreatedAt, String dataJson, String url, String sealedSecret, String appId,
                String ownerId) {
    }

    /** One attempt's outcome, to be recorded. */
    record Attempt(int state, long nextAttemptAt, long at, int httpCode, int latencyMs, String error) {
    }

    private DeliveryStore() {
    }

    /** The head's next attempt of the subscription, as a subquery on {@code w}. */
    private static final String HEAD_DUE = """
            (SELECT d.next_attempt_at FROM webhook_deliveries d
             WHERE d.webhook_uid = w.uid AND d.state = 1 ORDER BY d.event_seq LIMIT 1) <= :now""";

    /**
     * Up to {@code limit} subscriptions nobody holds whose first pending delivery is due, those
     * served longest ago first. A read: an idle server looks without writing.
     */
    static List<String> due(Handle handle, long now, int limit) {
        return handle.createQuery("SELECT w.uid FROM webhooks w WHERE w.lease_until <= :now AND " + HEAD_DUE
                        + " ORDER BY w.lease_until LIMIT :limit")
                .bind("now", now).bind("limit", limit).mapTo(String.class).list();
    }

    /**
     * Claims those of the subscriptions that are still free and due for this node until
     * {@code until}: rows another node is claiming at this moment are passed over
     * ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL; SQLite has one writer and one node).
     */
    static List<String> claim(Handle handle, List<String> uids, String node, long now, long until) {
        List<String> free = handle.createQuery("SELECT w.uid FROM webhooks w WHERE w.uid IN (<uids>)"
                        + " AND w.lease_until <= :now AND " + HEAD_DUE + " ORDER BY w.uid <forUpdateSkipLocked>")
                .bindList("uids", uids).bind("now", now).mapTo(String.class).list();
        if (!free.isEmpty()) {
            handle.createUpdate("UPDATE webhooks SET lease_owner = :node, lease_until = :until WHERE uid IN (<uids>)")
                    .bind("node", node).bind("until", until).bindList("uids", free).execute();
        }
        return free;
    }

    /** Every claim given back: on SQLite, where the one node that could hold them is this one, restarted. */
    static void releaseAll(Handle handle) {
        handle.createUpdate("UPDATE webhooks SET lease_owner = '', lease_until = 0 WHERE lease_owner <> ''").execute();
    }

    /**
     * The subscription's first {@code limit} pending deliveries in event order (the head first),
     * with what sending them needs: one read for a run of sends.
     */
    static List<Head> heads(Handle handle, String webhookUid, int limit) {
        return handle.createQuery("""
                        SELECT d.webhook_uid, d.event_seq, d.attempts, d.next_attempt_at, d.retry_until,
                               e.id, e.type, e.created_at, e.data, w.url, w.secret, a.id AS app_id, a.user_id
                        FROM webhook_deliveries d
                        JOIN events e ON e.seq = d.event_seq
                        JOIN webhooks w ON w.uid = d.webhook_uid
                        JOIN apps a ON a.uid = w.app_uid
                        WHERE d.webhook_uid = :webhook AND d.state = 1
                        ORDER BY d.event_seq LIMIT :limit""")
                .bind("webhook", webhookUid).bind("limit", limit)
                .map((rs, ctx) -> new Head(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getLong(5),
                        rs.getString(6), rs.getString(7), rs.getLong(8), rs.getString(9), rs.getString(10),
                        rs.getString(11), rs.getString(12), rs.getString(13)))
                .list();
    }

    /** An attempt made at a delivery, to be recorded. */
    record Made(Head head, Attempt attempt) {
    }

    /**
     * Records attempts at the subscription's deliveries (each unless it is no longer pending as
     * read: deleted, or re-sent meanwhile) and extends this node's claim, in one transaction;
     * false when another node holds the claim now (this one was too slow), and it should stop.
     * With {@code release}, gives the claim back instead of extending it (the same write, not a
     * second one). On SQLite the attempts are one UPDATE whatever their number (joined to their
     * values), so a run of deliveries costs the writer two statements, not one per delivery; on
     * PostgreSQL one statement each by key, in one round trip ({@link #recordByKey}). On
     * PostgreSQL the commit does not wait for the disk ({@code synchronous_commit} off for this
     * transaction): a record lost with a crash of the database only has the delivery sent again,
     * which at-least-once allows, and no sender waits for an fsync.
     */
    static boolean record(Handle handle, String webhookUid, List<Made> attempts, String node, long leaseUntil,
                          boolean release) {
        if (SqlDialect.locksRows(handle)) {
            handle.execute("SET LOCAL synchronous_commit = off");
        }
        if (!attempts.isEmpty() && SqlDialect.locksRows(handle)) {
            recordByKey(handle, webhookUid, attempts);
        } else if (!attempts.isEmpty()) {
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < attempts.size(); i++) {
                values.append(i == 0 ? "" : ", ").append("(:seq").append(i).append(", :attempts").append(i)
                        .append(", :state").append(i).append(", :next").append(i).append(", :at").append(i)
                        .append(", :code").append(i).append(", :latency").append(i).append(", :error").append(i)
                        .append(')');
            }
            // VALUES columns are column1… on both databases; UPDATE … FROM is SQLite 3.33+ and PostgreSQL.
            var update = handle.createUpdate("""
                    UPDATE webhook_deliveries SET state = v.column3, attempts = webhook_deliveries.attempts + 1,
                           next_attempt_at = v.column4, last_attempt_at = v.column5, http_code = v.column6,
                           latency_ms = v.column7, error = v.column8
                    FROM (VALUES %s) AS v
                    WHERE webhook_deliveries.webhook_uid = :webhook AND webhook_deliveries.event_seq = v.column1
                      AND webhook_deliveries.state = 1 AND webhook_deliveries.attempts = v.column2"""
                    .formatted(values)).bind("webhook", webhookUid);
            for (int i = 0; i < attempts.size(); i++) {
                Made made = attempts.get(i);
                Attempt attempt = made.attempt();
                update.bind("seq" + i, made.head().eventSeq()).bind("attempts" + i, made.head().attempts())
                        .bind("state" + i, attempt.state()).bind("next" + i, attempt.nextAttemptAt())
                        .bind("at" + i, attempt.at()).bind("code" + i, attempt.httpCode())
                        .bind("latency" + i, attempt.latencyMs()).bind("error" + i, attempt.error());
            }
            update.execute();
        }
        return handle.createUpdate("UPDATE webhooks SET lease_owner = :owner, lease_until = :until"
                        + " WHERE uid = :uid AND lease_owner = :node")
                .bind("owner", release ? "" : node).bind("until", leaseUntil).bind("uid", webhookUid)
                .bind("node", node).execute() > 0;
    }

    /**
     * PostgreSQL: one statement per attempt by the delivery's whole key, sent as one batch (one
     * round trip). Joined to a VALUES list instead, PostgreSQL may hash the subscription's whole
     * backlog when its statistics still say the table is small (measured: delivery at half its
     * rate with a growing backlog); by the whole key there is one plan.
     */
    private static void recordByKey(Handle handle, String webhookUid, List<Made> attempts) {
        var batch = handle.prepareBatch("""
                UPDATE webhook_deliveries SET state = :state, attempts = attempts + 1, next_attempt_at = :next,
                       last_attempt_at = :at, http_code = :code, latency_ms = :latency, error = :error
                WHERE webhook_uid = :webhook AND event_seq = :seq AND state = 1 AND attempts = :attempts""");
        for (Made made : attempts) {
            Attempt attempt = made.attempt();
            batch.bind("webhook", webhookUid).bind("seq", made.head().eventSeq()).bind("attempts", made.head().attempts())
                    .bind("state", attempt.state()).bind("next", attempt.nextAttemptAt()).bind("at", attempt.at())
                    .bind("code", attempt.httpCode()).bind("latency", attempt.latencyMs()).bind("error", attempt.error())
                    .add();
        }
        batch.execute();
    }

    /** A delivery as ListWebhookDeliveries shows it. */
    record Listed(String eventId, String eventType, long eventCreatedAt, int state, int attempts, int httpCode,
                  int latencyMs, String error, long lastAttemptAt, long nextAttemptAt) {
    }

    private static final String LISTED = """
            SELECT e.id, e.type, e.created_at, d.state, d.attempts, d.http_code, d.latency_ms, d.error,
                   d.last_attempt_at, d.next_attempt_at
            FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
            WHERE d.webhook_uid = :webhook""";

    /** The subscription's deliveries, newest event first. */
    static List<Listed> list(Handle handle, String webhookUid, int offset, int limit) {
        return handle.createQuery(LISTED + " ORDER BY d.event_seq DESC LIMIT :limit OFFSET :offset")
                .bind("webhook", webhookUid).bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> listed(rs)).list();
    }

    static Optional<Listed> find(Handle handle, String webhookUid, String eventId) {
        return handle.createQuery(LISTED + " AND e.id = :event").bind("webhook", webhookUid).bind("event", eventId)
                .map((rs, ctx) -> listed(rs)).findOne();
    }

    /**
     * Makes the delivery pending again, due now, with a fresh retry window and attempt count;
     * false when the subscription has no delivery of that event.
     */
    static boolean resend(Handle handle, String webhookUid, String eventId, long now, long retryUntil) {
        return handle.createUpdate("""
                        UPDATE webhook_deliveries SET state = 1, attempts = 0, next_attempt_at = :now, retry_until = :until
                        WHERE webhook_uid = :webhook AND event_seq = (SELECT seq FROM events WHERE id = :event)""")
                .bind("now", now).bind("until", retryUntil).bind("webhook", webhookUid).bind("event", eventId)
                .execute() > 0;
    }

    private static Listed listed(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Listed(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5), rs.getInt(6),
                rs.getInt(7), rs.getString(8), rs.getLong(9), rs.getLong(10));
    }
}
