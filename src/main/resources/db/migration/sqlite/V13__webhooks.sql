-- Webhooks (docs/ARCHITECTURE.md, "Events and webhooks"): subscriptions, the events outbox and
-- one delivery row per event and subscription.

-- A subscription of an app's owner. secret is the receiver's HMAC key sealed with the server's
-- 'webhook-secrets' key (AES-GCM, server_secrets), never returned. lease_owner/lease_until: the
-- node sending this subscription's events now and until when (a node that dies lets it lapse).
CREATE TABLE webhooks (
    uid         TEXT   PRIMARY KEY,
    app_uid     TEXT   NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    id          TEXT   NOT NULL,
    url         TEXT   NOT NULL,
    secret      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    lease_owner TEXT   NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    UNIQUE (app_uid, id)
);

-- The event types each subscription wants, keyed for the writer's question "who wants this
-- type of this app's events?".
CREATE TABLE webhook_event_types (
    app_uid     TEXT NOT NULL,
    type        TEXT NOT NULL,
    webhook_uid TEXT NOT NULL REFERENCES webhooks (uid) ON DELETE CASCADE,
    PRIMARY KEY (app_uid, type, webhook_uid)
);
CREATE INDEX webhook_event_types_by_webhook ON webhook_event_types (webhook_uid);

-- The outbox: written in the transaction of the change, only while a subscription of the app
-- wants the type. data is the resource's API JSON as printed then, sent byte for byte.
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT   NOT NULL UNIQUE,
    app_uid    TEXT   NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    type       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    data       TEXT   NOT NULL
);
CREATE INDEX events_by_time ON events (created_at);

-- state: 1 pending, 2 delivered, 3 failed. retry_until ends the retry window; the other
-- columns describe the last attempt.
CREATE TABLE webhook_deliveries (
    webhook_uid     TEXT    NOT NULL REFERENCES webhooks (uid) ON DELETE CASCADE,
    event_seq       BIGINT  NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
    state           INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    retry_until     BIGINT  NOT NULL,
    last_attempt_at BIGINT  NOT NULL DEFAULT 0,
    http_code       INTEGER NOT NULL DEFAULT 0,
    latency_ms      INTEGER NOT NULL DEFAULT 0,
    error           TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (webhook_uid, event_seq)
);
-- A subscription's queue: its pending deliveries in event order (the head is sent first).
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_uid, event_seq) WHERE state = 1;
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_seq);
