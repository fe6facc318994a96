package dev.annotask.export;

import dev.annotask.store.Ids;
import dev.annotask.store.UnitOfWork;
import java.time.Clock;
import java.time.Duration;
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
 * Builds exports and dataset versions (their snapshots and metrics, {@link VersionBuild}) in the
 * background, on every node
 * (docs/ARCHITECTURE.md, "Dataset versions and exports"). A poller thread looks every
 * {@code pollEvery} for work nobody holds (a read), claims one item at a time per free builder
 * (a short write: a lease, {@code SKIP LOCKED} on PostgreSQL) and hands it to a fixed pool of
 * {@value #BUILDERS} builder threads, so a node never builds more than that many at once
 * whatever is queued. A builder extends its lease as it goes; a node that dies leaves a lease
 * that lapses, and any node then starts the work again. A build that fails for a reason that may
 * pass is tried again 30 s later, at most {@value #MAX_ATTEMPTS} times in all; one whose source
 * is gone fails at once. Hourly the poller applies retention (built and failed exports are
 * kept {@link #KEPT_FOR}) and removes files no export owns. Thread-safe; close once.
 */
public final class ExportWorker implements AutoCloseable {
    static final int BUILDERS = 2;
    static final int MAX_ATTEMPTS = 3;
    static final Duration KEPT_FOR = Duration.ofDays(7);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    private static final Duration SWEEP_EVERY = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(ExportWorker.class);

    private final UnitOfWork units;
    private final Clock clock;
    private final ExportBuilder builder;
    private final ExportFiles files;
    private final long leaseMillis;
    private final int keepPerApp;
    private final String node = Ids.newId();
    private final Set<String> inHand = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller;
    private final ExecutorService builders;
    private long nextSweepAt;
    private boolean pollFailing;

    private ExportWorker(UnitOfWork units, Clock clock, ExportBuilder builder, ExportFiles files, Duration lease,
                         int keepPerApp) {
        this.units = units;
        this.clock = clock;
        this.builder = builder;
        this.files = files;
        this.leaseMillis = lease.toMillis();
        this.keepPerApp = keepPerApp;
        this.poller = Executors.newSingleThreadScheduledExecutor(daemon("annotask-export-poller"));
        this.builders = Executors.newFixedThreadPool(BUILDERS, daemon("annotask-export-builder"));
    }

    /** Starts working; {@code onlyNode} (SQLite): claims of an earlier run are given back at once. */
    static ExportWorker start(UnitOfWork units, Clock clock, ExportBuilder builder, ExportFiles files, Duration lease,
                              Duration pollEvery, int keepPerApp, boolean onlyNode) {
        ExportWorker worker = new ExportWorker(units, clock, builder, files, lease, keepPerApp);
        if (onlyNode) {
            units.write(handle -> {
                ExportStore.releaseAll(handle);
                VersionStore.releaseAll(handle);
                return null;
            });
        }
        worker.poller.scheduleWithFixedDelay(worker::poll, 0, pollEvery.toMillis(), TimeUnit.MILLISECONDS);
        return worker;
    }

    private void poll() {
        try {
            long now = clock.millis();
            int free = BUILDERS - inHand.size();
            if (free > 0) {
                for (String uid : units.read(handle -> VersionStore.unready(handle, now, free + inHand.size()))) {
                    if (inHand.size() < BUILDERS && !inHand.contains(uid)
                            && units.write(handle -> VersionStore.claim(handle, uid, node, now, now + leaseMillis))) {
                        inHand.add(uid);
                        builders.execute(() -> buildVersion(uid));
                    }
                }
                for (String uid : units.read(handle -> ExportStore.due(handle, now, BUILDERS + inHand.size()))) {
                    if (inHand.size() >= BUILDERS || inHand.contains(uid)) {
                        continue;
                    }
                    int attempt = units.write(handle -> ExportStore.claim(handle, uid, node, now, now + leaseMillis));
                    if (attempt > 0) {
                        inHand.add(uid);
                        builders.execute(() -> build(uid, attempt));
                    }
                }
            }
            if (now >= nextSweepAt) {
                nextSweepAt = now + SWEEP_EVERY.toMillis();
                sweep(now);
            }
            if (pollFailing) {
                pollFailing = false;
                LOG.info("export builds resumed");
            }
        } catch (RuntimeException e) {
            if (!pollFailing) {
                pollFailing = true;
                LOG.warn("cannot look for exports to build; trying again: {}", e.getMessage());
            }
        }
    }

    private void build(String uid, int attempt) {
        try {
            Optional<StoredExport> export = units.read(handle -> ExportStore.findByUid(handle, uid));
            if (export.isPresent()) {
                builder.build(export.get(), node);
            }
        } catch (ExportBuilder.ClaimLost e) {
            LOG.info("export {} is no longer this node's to build", uid);
        } catch (ExportBuilder.Unbuildable e) {
            fail(uid, e.getMessage());
        } catch (Exception | OutOfMemoryError e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // stopping: the lease lapses and the export is built again
            }
            LOG.warn("export {} failed (attempt {} of {}): {}", uid, attempt, MAX_ATTEMPTS, e.toString());
            if (attempt >= MAX_ATTEMPTS) {
                fail(uid, "could not be built: " + e.getMessage());
            } else {
                quietly(() -> units.write(handle -> {
                    ExportStore.retryLater(handle, uid, node, clock.millis() + RETRY_AFTER.toMillis());
                    return null;
                }));
            }
        } finally {
            inHand.remove(uid);
        }
    }

    private void fail(String uid, String why) {
        quietly(() -> units.write(handle -> ExportStore.finish(handle, uid, node, ExportStore.FAILED, why, 0, 0,
                clock.millis())));
    }

    private void buildVersion(String versionUid) {
        try {
            new VersionBuild(units, clock, node, leaseMillis).build(versionUid);
        } catch (ExportBuilder.ClaimLost e) {
            LOG.info("dataset version {} is no longer this node's to build", versionUid);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            LOG.warn("dataset version {} could not be built: {}", versionUid, e.toString());
            quietly(() -> units.write(handle -> {
                if (VersionStore.attempts(handle, versionUid) >= MAX_ATTEMPTS) {
                    VersionStore.finish(handle, versionUid, node, VersionStore.FAILURE, null, clock.millis());
                } else {
                    VersionStore.retryLater(handle, versionUid, node, clock.millis() + RETRY_AFTER.toMillis());
                }
                return null;
            }));
        } finally {
            inHand.remove(versionUid);
        }
    }

    private void sweep(long now) {
        List<String> expired;
        do {
            expired = units.write(handle -> ExportStore.deleteExpired(handle, now - KEPT_FOR.toMillis(), keepPerApp, 100));
            expired.forEach(files::delete);
        } while (expired.size() == 100);
        // Files carry the file system's times, not the server clock's.
        files.sweep(uid -> units.read(handle -> ExportStore.isBuilt(handle, uid)), System.currentTimeMillis(),
                Math.max(leaseMillis * 4, Duration.ofHours(1).toMillis()));
    }

    private static void quietly(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            LOG.warn("could not record an export's outcome; its lease will lapse: {}", e.getMessage());
        }
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
        builders.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
            builders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
