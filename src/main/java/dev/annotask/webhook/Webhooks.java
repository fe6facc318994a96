package dev.annotask.webhook;

import dev.annotask.api.RpcRegistry;
import dev.annotask.config.WebhookSettings;
import dev.annotask.event.Events;
import dev.annotask.store.Database;
import dev.annotask.store.ServerSecrets;
import dev.annotask.store.SqlDialect;
import java.time.Clock;

/**
 * The webhook feature as the server wires it: the subscription RPCs, and the delivery worker
 * started once the server serves. Close once, before the database.
 */
public final class Webhooks implements AutoCloseable {
    private final Database database;
    private final WebhookSettings settings;
    private final Clock clock;
    private final SecretBox secrets;
    private final Events events;
    private DeliveryWorker worker;

    public Webhooks(Database database, WebhookSettings settings, Events events, Clock clock) {
        this.database = database;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.secrets = SecretBox.of(new ServerSecrets(database.jdbi()));
    }

    public void register(RpcRegistry registry) {
        new WebhookRpcs(secrets, new ReceiverAddresses(settings.allowPrivateAddresses()), events, clock,
                settings.retryWindow())
                .register(registry);
    }

    public void startDelivery() {
        worker = DeliveryWorker.start(database.units(), clock, settings, secrets,
                database.dialect() == SqlDialect.SQLITE);
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }
}
