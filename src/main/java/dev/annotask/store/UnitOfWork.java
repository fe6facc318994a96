package dev.annotask.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

/**
 * Runs one request's database work as one transaction, the only place that opens them while
 * serving: the dispatcher asks for a read or a write unit, the handler gets its {@link Handle}
 * and passes it to the stores, which never open one themselves. A failure anywhere in the work
 * rolls back all of it, so a request writes everything or nothing.
 *
 * <p>Reads run on a pooled connection in a read transaction (one snapshot on SQLite). Writes
 * on PostgreSQL run on a pooled connection too; on SQLite they go to {@link GroupCommit}'s
 * writer thread, which commits many requests at once. Work must not start another unit
 * (a write inside a write would wait for itself). Thread-safe.
 */
public interface UnitOfWork {
    /** A unit of work: what a request does with the database, given its transaction's handle. */
    @FunctionalInterface
    interface Work<R> extends HandleCallback<R, RuntimeException> {
    }

    /** Runs work that only reads, in one transaction. */
    <R> R read(Work<R> work);

    /** Runs work that may write, in one transaction: all of it commits, or none. */
    <R> R write(Work<R> work);
}
