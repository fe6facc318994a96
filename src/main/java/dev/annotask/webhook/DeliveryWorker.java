package dev.annotask.webhook;

import dev.annotask.config.WebhookSettings;
import dev.annotask.event.EventRetention;
import dev.annotask.store.Ids;
import dev.annotask.store.UnitOfWork;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends webhook events (docs/ARCHITECTURE.md, "Events and webhooks"): at least once, in order
 * per subscription, each subscription by one node at a time, a slow receiver holding up only
 * its own subscription.
 *
 * <p>A poller thread looks every {@code pollEvery} for subscriptions whose first pending
 * delivery is due and that nobody holds (a read), claims as many as it has free senders (a
 * short write: the subscription's lease, {@link DeliveryStore#claim}), and hands each to one of
 * a fixed pool of {@code senders} threads. A sender reads the subscription's next
 * {@value #PER_RUN} deliveries, sends them one after the other, each outside any transaction,
 * and records their attempts (extending the lease) in one write, before a send that could
 * otherwise outlast the lease too; it gives the subscription back when its next delivery is not
 * due yet (a failed one waits for its retry, and the later ones wait behind it) or after
 * {@value #MAX_PER_CLAIM} deliveries, so that busy subscriptions take turns. A node that dies
 * leaves a lease that lapses after {@code lease}; another node (or this one, restarted) then
 * sends again what it had sent but not recorded, at most {@value #PER_RUN}: at least once.
 * Memory is bounded whatever the backlog: {@value #PER_RUN} deliveries in hand per sender. Once
 * an hour the poller also deletes expired events ({@link EventRetention}). Thread-safe; close
 * once.
 */
public final class DeliveryWorker implements AutoCloseable {
    static final int MAX_PER_CLAIM = 100;
    /** Deliveries read at once, and at most sent between two records of their attempts. */
    static final int PER_RUN = 10;
    private static final Duration RETENTION_EVERY = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);

    private final UnitOfWork units;
    private final Clock clock;
    private final WebhookSettings settings;
    private final SecretBox secrets;
    private final Sender sender;
    private final Backoff backoff;
    /**
     * This worker in {@code webhooks.lease_owner}: the process id first, so that an operator
     * (or a test) can tell which process holds a subscription; a random part after it, so that
     * two servers in one JVM, or a restarted one that got the same pid, are told apart.
     */
    private final String node = ProcessHandle.current().pid() + "-" + Ids.newId();
    private final Set<String> inHand = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller;
    private final ExecutorService senders;
    private long nextRetentionAt;
    private boolean pollFailing;

    private DeliveryWorker(UnitOfWork units, Clock clock, WebhookSettings settings, SecretBox secrets) {
        this.units = units;
        this.clock = clock;
        this.settings = settings;
        this.secrets = secrets;
        this.sender = new Sender(settings.requestTimeout(), new ReceiverAddresses(settings.allowPrivateAddresses()), clock);
        this.backoff = new Backoff(settings.firstRetry(), settings.maxRetryDelay());
        this.poller = Executors.newSingleThreadScheduledExecutor(daemon("annotask-webhook-poller"));
        this.senders = Executors.newFixedThreadPool(settings.senders(), daemon("annotask-webhook-sender"));
    }

    /**
     * Starts delivering. {@code onlyNode}: no other node shares the database (SQLite), so
     * claims left by an earlier run of this server are given back at once instead of lapsing.
     */
    static DeliveryWorker start(UnitOfWork units, Clock clock, WebhookSettings settings, SecretBox secrets,
                                boolean onlyNode) {
        DeliveryWorker worker = new DeliveryWorker(units, clock, settings, secrets);
        if (onlyNode) {
            units.write(handle -> {
                DeliveryStore.releaseAll(handle);
                return null;
            });
        }
        worker.poller.scheduleWithFixedDelay(worker::poll, 0, settings.pollEvery().toMillis(), TimeUnit.MILLISECONDS);
        return worker;
    }

    private void poll() {
        try {
            long now = clock.millis();
            int free = settings.senders() - inHand.size();
            if (free > 0) {
                List<String> due = units.read(handle -> DeliveryStore.due(handle, now, free + inHand.size()))
                        .stream().filter(uid -> !inHand.contains(uid)).limit(free).toList();
                if (!due.isEmpty()) {
                    long until = now + settings.lease().toMillis();
                    for (String uid : units.write(handle -> DeliveryStore.claim(handle, due, node, now, until))) {
                        inHand.add(uid);
                        senders.execute(() -> drain(uid, until));
                    }
                }
            }
            if (now >= nextRetentionAt) {
                nextRetentionAt = now + RETENTION_EVERY.toMillis();
                while (units.write(handle -> EventRetention.deleteExpired(handle, clock.millis()))) {
                    // one batch per transaction, so the writer is never held long
                }
            }
            if (pollFailing) {
                pollFailing = false;
                LOG.info("webhook deliveries resumed");
            }
        } catch (RuntimeException e) {
            if (!pollFailing) {
                pollFailing = true;
                LOG.warn("cannot look for webhook deliveries; trying again: {}", e.getMessage());
            }
        }
    }

    /**
     * Sends the subscription's due deliveries in order, then gives it back. Reads them
     * {@value #PER_RUN} at a time and records each run's attempts in one write (which extends
     * the lease, or after the last run gives it back), sooner when the lease would otherwise
     * lapse during the next send; a failed attempt ends the run (the deliveries after it wait for
     * its retry).
     */
    private void drain(String webhookUid, long leaseUntil) {
        List<DeliveryStore.Made> made = new ArrayList<>();
        long heldUntil = leaseUntil;
        try {
            int sent = 0;
            while (true) {
                int limit = Math.min(PER_RUN, MAX_PER_CLAIM - sent);
                List<DeliveryStore.Head> heads = units.read(handle -> DeliveryStore.heads(handle, webhookUid, limit));
                boolean more = !heads.isEmpty();
                for (DeliveryStore.Head head : heads) {
                    if (head.nextAttemptAt() > clock.millis()) {
                        more = false; // a failure's retry, not due yet: everything after it waits
                        break;
                    }
                    if (clock.millis() + settings.requestTimeout().toMillis() >= heldUntil) {
                        heldUntil = record(webhookUid, made, false);
                        if (heldUntil == 0) {
                            return; // another node holds the subscription now
                        }
                    }
                    Optional<DeliveryStore.Made> attempt = attempt(head);
                    if (attempt.isEmpty()) {
                        return; // the server is stopping: not an attempt of the receiver's making
                    }
                    made.add(attempt.get());
                    sent++;
                    if (attempt.get().attempt().state() != DeliveryStore.DELIVERED) {
                        more = false;
                        break;
                    }
                }
                if (!more || sent >= MAX_PER_CLAIM) {
                    record(webhookUid, made, true);
                    return;
                }
                heldUntil = record(webhookUid, made, false);
                if (heldUntil == 0) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            // The lease lapses by itself; the deliveries not recorded are sent again then.
            LOG.warn("webhook delivery interrupted: {}", e.getMessage());
        } finally {
            inHand.remove(webhookUid);
        }
    }

    /**
     * Records the attempts made (and forgets them), extending the lease or giving the
     * subscription back; the lease's new end, or 0 when another node holds it now (or it was
     * given back).
     */
    private long record(String webhookUid, List<DeliveryStore.Made> made, boolean release) {
        long now = clock.millis();
        long until = release ? now : now + settings.lease().toMillis();
        List<DeliveryStore.Made> attempts = List.copyOf(made);
        made.clear();
        boolean held = units.write(handle -> DeliveryStore.record(handle, webhookUid, attempts, node, until, release));
        return held && !release ? until : 0;
    }

    /** Sends one delivery; the attempt to record, or nothing when the server is stopping. */
    private Optional<DeliveryStore.Made> attempt(DeliveryStore.Head head) {
        String body = Payload.of(head);
        Sender.Outcome outcome = sender.send(URI.create(head.url()), head.eventId(), head.eventType(), body,
                secrets.open(head.webhookUid(), head.sealedSecret()));
        if (Thread.currentThread().isInterrupted()) {
            return Optional.empty();
        }
        long now = clock.millis();
        DeliveryStore.Attempt attempt;
        if (outcome.delivered()) {
            attempt = new DeliveryStore.Attempt(DeliveryStore.DELIVERED, head.nextAttemptAt(), now, outcome.httpCode(),
                    outcome.latencyMs(), "");
        } else {
            long next = now + backoff.delayMillis(head.attempts() + 1);
            int state = next > head.retryUntil() ? DeliveryStore.FAILED : DeliveryStore.PENDING;
            attempt = new DeliveryStore.Attempt(state, next, now, outcome.httpCode(), outcome.latencyMs(),
                    outcome.error());
        }
        return Optional.of(new DeliveryStore.Made(head, attempt));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        poller.shutdownNow();
        senders.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.close(); // after the senders stopped: nothing sends through it any more
    }
}
