package dev.annotask.event;

import com.google.protobuf.Message;
import dev.annotask.api.rest.ProtoJson;
import dev.annotask.identity.App;
import dev.annotask.identity.AppStore;
import dev.annotask.identity.AuthorizationCache;
import dev.annotask.store.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * Where features record what happened (docs/ARCHITECTURE.md, "Events and webhooks"): each
 * change that causes an event calls {@link #emit} in its own transaction, so the event is
 * written if and only if the change commits (a failing request rolls both back).
 *
 * <p>Cheap when nobody listens: an event is written only while a webhook of the app subscribes
 * to its type, which the {@link AuthorizationCache} answers from memory (PostWebhooks and
 * DeleteWebhooks clear it like a revoked key: at once on their node, within a second on the
 * others). So an app without subscriptions pays a map lookup per change, no statement, and no
 * event of it is ever stored; the data is built and printed only for events written. A batch
 * of one type is one statement on PostgreSQL (two on SQLite) whatever its size
 * ({@link EventStore#insert}). Thread-safe.
 */
public final class Events {
    private final AuthorizationCache subscriptions;
    private final AppStore apps;
    private final ProtoJson json;
    private final Clock clock;
    private final Duration retryWindow;

    public Events(AuthorizationCache subscriptions, AppStore apps, ProtoJson json, Clock clock, Duration retryWindow) {
        this.subscriptions = subscriptions;
        this.apps = apps;
        this.json = json;
        this.clock = clock;
        this.retryWindow = retryWindow;
    }

    /** Events nobody is told of: for code that writes outside a server (tools, tests of one store). */
    public static Events none() {
        return new Events(null, null, null, Clock.systemUTC(), Duration.ZERO);
    }

    /** True when some subscription of the app wants events of this type (so that emitting them writes). */
    public boolean wanted(Handle handle, String appUid, EventType type) {
        return subscriptions != null && subscriptions.subscribedEventTypes(appUid, () -> EventStore.subscribedTypes(handle, appUid))
                .contains(type.wireName());
    }

    /**
     * Records one event of the type per message the supplier gives (each an API resource, or one
     * of the webhook schema's event messages), in the handle's transaction; the supplier runs
     * only when the type is wanted.
     */
    public void emit(Handle handle, String appUid, EventType type, Supplier<? extends List<? extends Message>> data) {
        if (wanted(handle, appUid, type)) {
            write(handle, appUid, type, data.get());
        }
    }

    /** {@link #emit} for data that shows the app (a task carries its app id and owner): the app is read only when wanted. */
    public void emitWithApp(Handle handle, String appUid, EventType type,
                            Function<App, ? extends List<? extends Message>> data) {
        if (wanted(handle, appUid, type)) {
            apps.findByUid(handle, appUid).ifPresent(app -> write(handle, appUid, type, data.apply(app)));
        }
    }

    /** The type of the event PostWebhookTest sends: to one subscription, whatever types it names. */
    public static final String TEST_TYPE = "webhook.test";

    /** Records a test event for one subscription of the app (and nobody else); returns its id. */
    public String emitTest(Handle handle, String appUid, String webhookUid, Message data) {
        String id = Ids.newId();
        long now = clock.millis();
        EventStore.insertFor(handle, appUid, TEST_TYPE, new EventStore.NewEvent(id, json.print(data)), webhookUid, now,
                now + retryWindow.toMillis());
        return id;
    }

    private void write(Handle handle, String appUid, EventType type, List<? extends Message> data) {
        if (data.isEmpty()) {
            return;
        }
        List<EventStore.NewEvent> events = new ArrayList<>(data.size());
        for (Message message : data) {
            events.add(new EventStore.NewEvent(Ids.newId(), json.print(message)));
        }
        long now = clock.millis();
        EventStore.insert(handle, appUid, type.wireName(), events, now, now + retryWindow.toMillis());
    }
}
