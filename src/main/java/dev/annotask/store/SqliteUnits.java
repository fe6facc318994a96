package dev.annotask.store;

import org.jdbi.v3.core.Jdbi;

/**
 * Units of work on SQLite: reads on pooled connections, each in a DEFERRED transaction (one
 * snapshot of the WAL, never waiting for the writer); writes on {@link GroupCommit}'s writer
 * thread. The pool's connections open IMMEDIATE transactions by default (see
 * {@link SqlDialect#sqliteUrl}), which would take the write lock, so reads begin theirs by hand
 * on an autocommit connection. Thread-safe.
 */
final class SqliteUnits implements UnitOfWork {
    private final Jdbi jdbi;
    private final GroupCommit writer;

    SqliteUnits(Jdbi jdbi, GroupCommit writer) {
        this.jdbi = jdbi;
        this.writer = writer;
    }

    @Override
    public <R> R read(Work<R> work) {
        return jdbi.withHandle(handle -> {
            handle.execute("BEGIN DEFERRED");
            boolean done = false;
            try {
                R result = work.withHandle(handle);
                handle.execute("COMMIT");
                done = true;
                return result;
            } finally {
                if (!done) {
                    GroupCommit.rollBackQuietly(handle);
                }
            }
        });
    }

    @Override
    public <R> R write(Work<R> work) {
        return writer.run(work);
    }
}
