package dev.annotask.webhook;

import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.identity.AuthChanges;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.webhooks.DeleteWebhooksRequest;
import dev.annotask.proto.webhooks.GetWebhookRequest;
import dev.annotask.proto.webhooks.ListWebhookDeliveriesRequest;
import dev.annotask.proto.webhooks.ListWebhooksRequest;
import dev.annotask.proto.webhooks.MultiWebhookDeliveryResponse;
import dev.annotask.proto.webhooks.MultiWebhookResponse;
import dev.annotask.proto.webhooks.PostWebhookTestRequest;
import dev.annotask.proto.webhooks.PostWebhooksRequest;
import dev.annotask.proto.webhooks.ResendWebhookDeliveryRequest;
import dev.annotask.proto.webhooks.SingleWebhookDeliveryResponse;
import dev.annotask.proto.webhooks.SingleWebhookResponse;
import dev.annotask.proto.webhooks.Webhook;
import dev.annotask.store.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * PostWebhooks, ListWebhooks, GetWebhook, DeleteWebhooks, ListWebhookDeliveries,
 * ResendWebhookDelivery and PostWebhookTest: an app's subscriptions, for its owner only (their token or a key of
 * the app; a collaborator gets 11007, as for collaborators). Each request is all or nothing.
 * Making or ending a subscription bumps {@link AuthChanges} in its transaction, which is how
 * every node's writers learn at once (this node) or within a second (the others) that the
 * app's events are now wanted or not ({@link dev.annotask.event.Events}). Thread-safe.
 */
final class WebhookRpcs {
    static final int MAX_PER_APP = 20;
    static final int MIN_SECRET_CHARS = 16;
    static final int MAX_SECRET_CHARS = 256;

    private final SecretBox secrets;
    private final ReceiverAddresses addresses;
    private final Clock clock;
    private final Duration retryWindow;
    private final Events events;

    WebhookRpcs(SecretBox secrets, ReceiverAddresses addresses, Events events, Clock clock, Duration retryWindow) {
        this.secrets = secrets;
        this.events = events;
        this.addresses = addresses;
        this.clock = clock;
        this.retryWindow = retryWindow;
    }

    void register(RpcRegistry registry) {
        registry.writes("PostWebhooks", PostWebhooksRequest.class, this::postWebhooks);
        registry.reads("ListWebhooks", ListWebhooksRequest.class, this::listWebhooks);
        registry.reads("GetWebhook", GetWebhookRequest.class, this::getWebhook);
        registry.writes("DeleteWebhooks", DeleteWebhooksRequest.class, this::deleteWebhooks);
        registry.reads("ListWebhookDeliveries", ListWebhookDeliveriesRequest.class, this::listDeliveries);
        registry.writes("ResendWebhookDelivery", ResendWebhookDeliveryRequest.class, this::resend);
        registry.writes("PostWebhookTest", PostWebhookTestRequest.class, this::postTest);
    }

    MultiWebhookResponse postWebhooks(Handle handle, Caller caller, PostWebhooksRequest request) {
        requireOwner(caller);
        Validation.requireBatch("webhooks", request.getWebhooksCount(), MAX_PER_APP);
        String appUid = caller.app().uid();
        long now = clock.millis();
        List<WebhookStore.Stored> created = new ArrayList<>();
        for (int i = 0; i < request.getWebhooksCount(); i++) {
            Webhook wire = request.getWebhooks(i);
            String field = "webhooks[" + i + "]";
            String id = wire.getId().isEmpty() ? Ids.newId() : Validation.requireId(field + ".id", wire.getId());
            String url = addresses.requireValid(field + ".url", wire.getUrl()).toString();
            List<String> events = requireEvents(field + ".events", wire.getEventsList());
            String secret = requireSecret(field + ".secret", wire.getSecret());
            String uid = Ids.newId();
            created.add(new WebhookStore.Stored(uid, appUid, id, url, secrets.seal(uid, secret), events, now));
        }
        Validation.requireUniqueNewIds("webhooks[].id", created.stream().map(WebhookStore.Stored::id).toList());
        List<String> taken = WebhookStore.existingIds(handle, appUid, created.stream().map(WebhookStore.Stored::id).toList());
        if (!taken.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "webhook id already exists: " + String.join(", ", taken));
        }
        int existing = WebhookStore.count(handle, appUid);
        if (existing + created.size() > MAX_PER_APP) {
            throw ApiException.invalid("an app may have at most " + MAX_PER_APP + " webhooks; it has " + existing);
        }
        WebhookStore.insertAll(handle, created);
        // Last: every node's writers of this app's events learn of the subscription (see the class comment).
        AuthChanges.bump(handle);
        return MultiWebhookResponse.newBuilder().addAllWebhooks(created.stream().map(WebhookWire::webhook).toList())
                .build();
    }

    MultiWebhookResponse listWebhooks(Handle handle, Caller caller, ListWebhooksRequest request) {
        requireOwner(caller);
        Page page = Page.of(request.getPage(), request.getPerPage());
        return MultiWebhookResponse.newBuilder().addAllWebhooks(WebhookStore.list(handle, caller.app().uid(),
                page.offset(), page.limit()).stream().map(WebhookWire::webhook).toList()).build();
    }

    SingleWebhookResponse getWebhook(Handle handle, Caller caller, GetWebhookRequest request) {
        requireOwner(caller);
        return SingleWebhookResponse.newBuilder()
                .setWebhook(WebhookWire.webhook(require(handle, caller, request.getWebhookId()))).build();
    }

    BaseResponse deleteWebhooks(Handle handle, Caller caller, DeleteWebhooksRequest request) {
        requireOwner(caller);
        Validation.requireBatch("ids", request.getIdsCount(), 128);
        List<String> ids = request.getIdsList().stream().distinct().toList();
        List<String> deleted = WebhookStore.delete(handle, caller.app().uid(), ids);
        if (deleted.size() < ids.size()) {
            // Rolled back with the rest: all or nothing.
            throw ApiException.notFound("webhook not found: " + String.join(", ",
                    ids.stream().filter(id -> !deleted.contains(id)).toList()));
        }
        AuthChanges.bump(handle);
        return BaseResponse.getDefaultInstance();
    }

    MultiWebhookDeliveryResponse listDeliveries(Handle handle, Caller caller, ListWebhookDeliveriesRequest request) {
        requireOwner(caller);
        WebhookStore.Stored webhook = require(handle, caller, request.getWebhookId());
        Page page = Page.of(request.getPage(), request.getPerPage());
        return MultiWebhookDeliveryResponse.newBuilder().addAllDeliveries(DeliveryStore.list(handle, webhook.uid(),
                page.offset(), page.limit()).stream().map(WebhookWire::delivery).toList()).build();
    }

    SingleWebhookDeliveryResponse resend(Handle handle, Caller caller, ResendWebhookDeliveryRequest request) {
        requireOwner(caller);
        WebhookStore.Stored webhook = require(handle, caller, request.getWebhookId());
        long now = clock.millis();
        if (!DeliveryStore.resend(handle, webhook.uid(), request.getEventId(), now, now + retryWindow.toMillis())) {
            throw ApiException.notFound("webhook '" + webhook.id() + "' has no delivery of event '" + request.getEventId()
                    + "' (events are kept 7 days)");
        }
        return SingleWebhookDeliveryResponse.newBuilder().setDelivery(WebhookWire.delivery(
                DeliveryStore.find(handle, webhook.uid(), request.getEventId()).orElseThrow())).build();
    }

    /** A test event for this subscription only, sent like any other; answers its delivery. */
    SingleWebhookDeliveryResponse postTest(Handle handle, Caller caller, PostWebhookTestRequest request) {
        requireOwner(caller);
        WebhookStore.Stored webhook = require(handle, caller, request.getWebhookId());
        String eventId = events.emitTest(handle, caller.app().uid(), webhook.uid(), WebhookWire.webhook(webhook));
        return SingleWebhookDeliveryResponse.newBuilder()
                .setDelivery(WebhookWire.delivery(DeliveryStore.find(handle, webhook.uid(), eventId).orElseThrow())).build();
    }

    private static WebhookStore.Stored require(Handle handle, Caller caller, String id) {
        if (id.isEmpty()) {
            throw ApiException.invalid("webhook_id is required");
        }
        return WebhookStore.find(handle, caller.app().uid(), id)
                .orElseThrow(() -> ApiException.notFound("webhook not found: " + id));
    }

    private static List<String> requireEvents(String field, List<String> events) {
        if (events.isEmpty()) {
            throw ApiException.invalid(field + ": name at least one event type");
        }
        for (int i = 0; i < events.size(); i++) {
            String type = events.get(i);
            if (EventType.ofWireName(type).isEmpty()) {
                throw ApiException.invalid(field + "[" + i + "]: unknown event type '" + type + "'");
            }
        }
        Validation.requireDistinct(field, events);
        return List.copyOf(events);
    }

    private static String requireSecret(String field, String secret) {
        if (secret.length() < MIN_SECRET_CHARS || secret.length() > MAX_SECRET_CHARS) {
            throw ApiException.invalid(field + ": " + MIN_SECRET_CHARS + " to " + MAX_SECRET_CHARS
                    + " characters are required");
        }
        if (!secret.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw ApiException.invalid(field + ": printable ASCII characters only");
        }
        return secret;
    }

    private static void requireOwner(Caller caller) {
        if (!caller.ownsApp()) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES, "only the app's owner may manage its webhooks");
        }
    }
}
