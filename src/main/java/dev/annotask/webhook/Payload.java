package dev.annotask.webhook;

import com.google.gson.stream.JsonWriter;
import com.google.protobuf.util.Timestamps;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The body of a delivery: {@code {"id","type","created_at","app":{"user_id","app_id"},"data"}},
 * with {@code data} the event's stored JSON, as it was printed when the event happened.
 */
final class Payload {
    private Payload() {
    }

    static String of(DeliveryStore.Head head) {
        StringWriter text = new StringWriter(head.dataJson().length() + 256);
        try (JsonWriter json = new JsonWriter(text)) {
            json.beginObject();
            json.name("id").value(head.eventId());
            json.name("type").value(head.eventType());
            json.name("created_at").value(Timestamps.toString(Timestamps.fromMillis(head.eventCreatedAt())));
            json.name("app").beginObject().name("user_id").value(head.ownerId()).name("app_id").value(head.appId())
                    .endObject();
            json.name("data").jsonValue(head.dataJson());
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
