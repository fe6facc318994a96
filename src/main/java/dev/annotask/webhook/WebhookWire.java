package dev.annotask.webhook;

import com.google.protobuf.util.Timestamps;
import dev.annotask.proto.webhooks.Webhook;
import dev.annotask.proto.webhooks.WebhookDelivery;

/** Subscriptions and deliveries as the API shows them; a secret never leaves (only that one is set). */
final class WebhookWire {
    private WebhookWire() {
    }

    static Webhook webhook(WebhookStore.Stored stored) {
        return Webhook.newBuilder()
                .setId(stored.id())
                .setUrl(stored.url())
                .addAllEvents(stored.events())
                .setSecretSet(!stored.sealedSecret().isEmpty())
                .setCreatedAt(Timestamps.fromMillis(stored.createdAt()))
                .build();
    }

    static WebhookDelivery delivery(DeliveryStore.Listed listed) {
        WebhookDelivery.Builder wire = WebhookDelivery.newBuilder()
                .setEventId(listed.eventId())
                .setEventType(listed.eventType())
                .setStateValue(listed.state())
                .setAttempts(listed.attempts())
                .setHttpCode(listed.httpCode())
                .setLatencyMs(listed.latencyMs())
                .setError(listed.error())
                .setEventCreatedAt(Timestamps.fromMillis(listed.eventCreatedAt()));
        if (listed.lastAttemptAt() > 0) {
            wire.setLastAttemptAt(Timestamps.fromMillis(listed.lastAttemptAt()));
        }
        if (listed.state() == DeliveryStore.PENDING) {
            wire.setNextAttemptAt(Timestamps.fromMillis(listed.nextAttemptAt()));
        }
        return wire.build();
    }
}
