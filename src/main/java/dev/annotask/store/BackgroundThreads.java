package dev.annotask.store;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The store's housekeeping threads: one daemon thread each, stopped with the database. */
final class BackgroundThreads {
    private BackgroundThreads() {
    }

    /** A single daemon thread of this name, so that housekeeping never keeps the JVM alive. */
    static ScheduledExecutorService single(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Lets a running round finish (up to five seconds) and runs no further ones. */
    static void stop(ScheduledExecutorService scheduler) {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
