package dev.annotask.imports;

import dev.annotask.proto.imports.Import;
import dev.annotask.proto.imports.ImportProgress;
import dev.annotask.store.Ids;
import dev.annotask.upload.UploadStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's import worker: one thread that claims an unfinished import whose lease lapsed,
 * runs it ({@link ImportRun}) and looks for the next; woken at once by PostImports on this
 * node, else every {@link #POLL_MILLIS}. One import at a time per node keeps an import's
 * writes from crowding out the requests the node serves. It also deletes uploads nobody used
 * in time. Close once.
 */
final class ImportJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImportJobs.class);
    static final long POLL_MILLIS = 2_000;
    static final long LEASE_MILLIS = 60_000;

    private final ApiCalls calls;
    private final ImportRun run;
    private final Clock clock;
    private final String node = Ids.newId();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private boolean woken;
    private volatile boolean closed;

    ImportJobs(ApiCalls calls, Clock clock, java.nio.file.Path workDirectory, ArchiveLimits limits) {
        this.calls = calls;
        this.clock = clock;
        this.run = new ImportRun(calls, clock, workDirectory, node, LEASE_MILLIS, limits);
        this.thread = new Thread(this::loop, "annotask-imports");
        thread.setDaemon(true);
    }

    ImportJobs start() {
        thread.start();
        return this;
    }

    /** Looks for work now (an import was just queued). */
    void wake() {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long lastSweep = 0;
        while (!closed) {
            try {
                if (clock.millis() - lastSweep > 60_000) {
                    calls.write(h -> {
                        UploadStore.deleteExpired(h, clock.millis(), 100);
                        return null;
                    });
                    lastSweep = clock.millis();
                }
                Optional<ImportStore.Stored> next = calls.write(h -> ImportStore.claim(h, node, clock.millis(),
                        clock.millis() + LEASE_MILLIS));
                if (next.isPresent()) {
                    runSafely(next.get());
                    continue;
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("the import worker could not reach the database: {}", e.getMessage());
            }
            sleep();
        }
    }

    private void runSafely(ImportStore.Stored stored) {
        try {
            run.run(stored);
        } catch (RuntimeException e) {
            if (closed) {
                return; // stopping: the lease lapses and a node resumes it
            }
            LOG.error("import {} of app {} failed", stored.id(), stored.appUid(), e);
            try {
                calls.write(h -> {
                    ImportStore.finish(h, stored.seq(), Import.State.FAILED_VALUE, ImportProgress.getDefaultInstance(),
                            List.of(), 0, "internal error (" + e.getClass().getSimpleName() + "); what was written"
                                    + " stays, and importing the file again finishes the rest", clock.millis());
                    return null;
                });
            } catch (RuntimeException again) {
                LOG.warn("import {} could not be marked failed: {}", stored.id(), again.getMessage());
            }
        }
    }

    private void sleep() {
        lock.lock();
        try {
            if (!woken && !closed) {
                wake.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
            woken = false;
        } catch (InterruptedException e) {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
