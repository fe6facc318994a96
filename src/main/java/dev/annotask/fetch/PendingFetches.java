package dev.annotask.fetch;

import dev.annotask.input.ImageHeaders;
import dev.annotask.input.ImageSize;
import dev.annotask.input.InputMediaStore;
import dev.annotask.input.MediaHeaders;
import dev.annotask.input.InputMediaStore.PendingFetch;
import dev.annotask.input.UrlFetching;
import dev.annotask.store.UnitOfWork;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code --fetch-urls}: fetches the content of URL inputs after their upload, as Clarifai
 * does (INPUT_DOWNLOAD_PENDING, then INPUT_DOWNLOAD_SUCCESS or INPUT_DOWNLOAD_FAILED with the
 * reason in the status details), and stores it as if it had been uploaded.
 *
 * <p>The work list is the database: pending inputs are rows, claimed one at a time under a
 * lease (a time until which the claiming node fetches it; {@link InputMediaStore#claimPending}),
 * so an upload needs no hook after its commit, every node may fetch, and an input whose node
 * died is fetched by another once the lease has passed. One thread looks for work when an
 * upload wakes it and at least every second; {@link #WORKERS} threads fetch, so at most that
 * many fetches run per node, each within the {@link UrlFetcher}'s bounds. Each input gets one
 * attempt: an origin that fails fails the input (the client may post it again). Thread-safe.
 */
public final class PendingFetches implements UrlFetching, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PendingFetches.class);
    static final int WORKERS = 2;
    private static final long IDLE_POLL_MILLIS = 1000;
    private static final long WOKEN_POLL_MILLIS = 100;

    private final UnitOfWork units;
    private final InputMediaStore store;
    private final UrlFetcher fetcher;
    private final Clock clock;
    private final Duration lease;
    private final Semaphore free = new Semaphore(WORKERS);
    private final ExecutorService workers;
    private final Thread poller;
    private final Object signal = new Object();
    /** Quick looks left after a wake: the upload that woke us may not have committed yet. */
    private final AtomicInteger quickLooks = new AtomicInteger();
    private volatile boolean closed;

    public PendingFetches(UnitOfWork units, InputMediaStore store, UrlFetcher fetcher, Clock clock, Duration timeout) {
        this.units = units;
        this.store = store;
        this.fetcher = fetcher;
        this.clock = clock;
        // Long enough for the fetch, its wait for memory and the writes after it.
        this.lease = timeout.plus(UrlFetcher.MEMORY_WAIT).plusSeconds(60);
        AtomicInteger numbers = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(WORKERS, runnable -> daemon(runnable,
                "annotask-fetch-" + numbers.incrementAndGet()));
        this.poller = daemon(this::poll, "annotask-fetch-poll");
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    public PendingFetches start() {
        poller.start();
        return this;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void wake() {
        quickLooks.set(5);
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void poll() {
        while (!closed) {
            try {
                free.acquire();
                Optional<PendingFetch> claimed = claim();
                if (claimed.isEmpty()) {
                    free.release();
                    pause(quickLooks.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? WOKEN_POLL_MILLIS : IDLE_POLL_MILLIS);
                    continue;
                }
                workers.execute(() -> {
                    try {
                        fetch(claimed.get());
                    } finally {
                        free.release();
                    }
                });
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database is away, say: look again later.
                free.release();
                LOG.warn("Looking for URL inputs to fetch failed: {}", e.toString());
                try {
                    pause(IDLE_POLL_MILLIS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** The next pending input, claimed; a read first, so an idle node does not queue for the writer. */
    private Optional<PendingFetch> claim() {
        long now = clock.millis();
        if (!units.read(handle -> store.anyPending(handle, now))) {
            return Optional.empty();
        }
        return units.write(handle -> store.claimPending(handle, now, now + lease.toMillis()));
    }

    private void pause(long millis) throws InterruptedException {
        synchronized (signal) {
            signal.wait(millis);
        }
    }

    private void fetch(PendingFetch pending) {
        try {
            fetchAndRecord(pending);
        } catch (RuntimeException e) {
            // Most likely the database: the lease runs out and the input is fetched again.
            LOG.warn("Fetching URL input {} of app {} failed: {}", pending.inputId(), pending.appUid(), e.toString());
        }
    }

    private void fetchAndRecord(PendingFetch pending) {
        UrlFetcher.Fetched fetched;
        try {
            fetched = fetcher.fetch(pending.url());
        } catch (UrlFetcher.Refused refused) {
            units.write(handle -> store.failFetch(handle, pending, refused.getMessage(), clock.millis()));
            return;
        } catch (TimeoutException | InterruptedException e) {
            // No memory free in time, or stopping: another look (here or on another node) fetches it.
            releaseQuietly(pending);
            return;
        }
        try (fetched) {
            ImageSize image = pending.data().hasImage() ? ImageHeaders.read(fetched.bytes()).orElse(null) : null;
            String media = MediaHeaders.read(pending.data(), fetched.bytes());
            units.write(handle -> store.storeFetched(handle, pending, fetched.bytes(), image, media, clock.millis()));
        }
    }

    private void releaseQuietly(PendingFetch pending) {
        try {
            units.write(handle -> {
                store.release(handle, pending);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.debug("Could not give back the claim on input {}: {}", pending.inputId(), e.toString());
        }
    }

    /** Stops looking and fetching; fetches in flight are interrupted and their inputs left for later. */
    @Override
    public void close() {
        closed = true;
        poller.interrupt();
        workers.shutdownNow();
        try {
            poller.join(TimeUnit.SECONDS.toMillis(5));
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fetcher.close();
    }
}
