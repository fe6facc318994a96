package dev.annotask.store;

import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.LocalTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Lets one write transaction at a time into SQLite, queueing the others on a fair Java lock.
 *
 * <p>SQLite has one writer. Without this, every waiting transaction polls the database lock
 * in SQLite's busy handler, which sleeps in growing steps (up to 100 ms) rather than waking
 * when the lock frees: measured, 32 concurrent labelers then waited ~200 ms for a lock held
 * ~5 ms at a time. Queued here, the next writer starts the moment the previous one commits,
 * in arrival order. Reads are not queued (WAL readers never wait for the writer). Reentrant,
 * so nested transactions on one thread pass. Thread-safe.
 */
final class SerializedWrites extends LocalTransactionHandler {
    private final ReentrantLock writer = new ReentrantLock(true);

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        writer.lock();
        try {
            return super.inTransaction(handle, callback);
        } finally {
            writer.unlock();
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level,
                                                    HandleCallback<R, X> callback) throws X {
        writer.lock();
        try {
            return super.inTransaction(handle, level, callback);
        } finally {
            writer.unlock();
        }
    }
}
