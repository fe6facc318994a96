package dev.annotask.imports;

import dev.annotask.proto.imports.ImportProgress;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Overlaps an import's two halves: while one batch's write unit runs (on SQLite, in the single
 * writer), the import's thread reads and prepares the next batch (bytes from the archive, image
 * headers, request checks) instead of waiting for the commit. At most one write is in flight, and
 * writes run in the order given, so what is stored is always a prefix of the plan, as when
 * written one after the other. {@code committed} takes each write's recorded progress once that
 * write has returned, so it never runs ahead of what is stored. A failed write's exception is
 * thrown by the next {@link #submit} or by {@link #drain}. Not thread-safe: one import thread.
 */
final class WritePipeline implements AutoCloseable {
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "annotask-import-writes");
        thread.setDaemon(true);
        return thread;
    });
    private final ImportProgress.Builder committed;
    private Future<ImportProgress> inFlight;

    WritePipeline(ImportProgress.Builder committed) {
        this.committed = committed;
    }

    /** Waits for the write in flight, then starts this one; the write returns the progress it recorded. */
    void submit(Supplier<ImportProgress> write) {
        drain();
        inFlight = writer.submit(write::get);
    }

    /** Waits for the write in flight, if any. */
    void drain() {
        if (inFlight == null) {
            return;
        }
        Future<ImportProgress> waiting = inFlight;
        inFlight = null;
        try {
            committed.mergeFrom(waiting.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waiting.cancel(true);
            throw new CancellationException("the import was stopped");
        }
    }

    /** Lets a write in flight finish (a unit once started runs to its end anyway), then stops the thread. */
    @Override
    public void close() {
        try {
            drain();
        } catch (RuntimeException | Error e) {
            // the import is ending for another reason already; what was written stays
        } finally {
            writer.shutdown();
        }
    }
}
