package dev.annotask.webhook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Subscriptions in the database: {@code webhooks} and the event types of each. Stateless. */
final class WebhookStore {
    /** A subscription as stored; {@code sealedSecret} is the secret sealed by {@link SecretBox}. */
    record Stored(String uid, String appUid, String id, String url, String sealedSecret, List<String> events,
                  long createdAt) {
    }

    private WebhookStore() {
    }

    static int count(Handle handle, String appUid) {
        return handle.createQuery("SELECT COUNT(*) FROM webhooks WHERE app_uid = :app").bind("app", appUid)
                .mapTo(Integer.class).one();
    }

    static List<String> existingIds(Handle handle, String appUid, Collection<String> ids) {
        return handle.createQuery("SELECT id FROM webhooks WHERE app_uid = :app AND id IN (<ids>) ORDER BY id")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).mapTo(String.class).list();
    }

    static void insertAll(Handle handle, List<Stored> webhooks) {
        var rows = handle.prepareBatch("""
                INSERT INTO webhooks (uid, app_uid, id, url, secret, created_at)
                VALUES (:uid, :app, :id, :url, :secret, :createdAt)""");
        var types = handle.prepareBatch("""
                INSERT INTO webhook_event_types (app_uid, type, webhook_uid) VALUES (:app, :type, :uid)""");
        for (Stored webhook : webhooks) {
            rows.bind("uid", webhook.uid()).bind("app", webhook.appUid()).bind("id", webhook.id())
                    .bind("url", webhook.url()).bind("secret", webhook.sealedSecret())
                    .bind("createdAt", webhook.createdAt()).add();
            for (String type : webhook.events()) {
                types.bind("app", webhook.appUid()).bind("type", type).bind("uid", webhook.uid()).add();
            }
        }
        rows.execute();
        types.execute();
    }

    /** The app's subscriptions in order of creation. */
    static List<Stored> list(Handle handle, String appUid, int offset, int limit) {
        return withEvents(handle, handle.createQuery("""
                        SELECT uid, app_uid, id, url, secret, created_at FROM webhooks WHERE app_uid = :app
                        ORDER BY created_at, id LIMIT :limit OFFSET :offset""")
                .bind("app", appUid).bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), List.of(), rs.getLong(6))).list());
    }

    static Optional<Stored> find(Handle handle, String appUid, String id) {
        return withEvents(handle, handle.createQuery("""
                        SELECT uid, app_uid, id, url, secret, created_at FROM webhooks WHERE app_uid = :app AND id = :id""")
                .bind("app", appUid).bind("id", id)
                .map((rs, ctx) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), List.of(), rs.getLong(6))).list()).stream().findFirst();
    }

    /** Deletes the app's subscriptions with these ids (their types and deliveries go with them); returns the ids deleted. */
    static List<String> delete(Handle handle, String appUid, Collection<String> ids) {
        return handle.createQuery("DELETE FROM webhooks WHERE app_uid = :app AND id IN (<ids>) RETURNING id")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).mapTo(String.class).list();
    }

    private static List<Stored> withEvents(Handle handle, List<Stored> webhooks) {
        if (webhooks.isEmpty()) {
            return webhooks;
        }
        Map<String, List<String>> types = new LinkedHashMap<>();
        webhooks.forEach(w -> types.put(w.uid(), new ArrayList<>()));
        handle.createQuery("""
                        SELECT webhook_uid, type FROM webhook_event_types WHERE webhook_uid IN (<uids>)
                        ORDER BY webhook_uid, type""")
                .bindList("uids", List.copyOf(types.keySet()))
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(entry -> types.get(entry.getKey()).add(entry.getValue()));
        return webhooks.stream().map(w -> new Stored(w.uid(), w.appUid(), w.id(), w.url(), w.sealedSecret(),
                List.copyOf(types.get(w.uid())), w.createdAt())).toList();
    }
}
