package dev.annotask.store;

import org.jdbi.v3.core.Jdbi;

/**
 * Units of work on pooled connections: PostgreSQL's reads and writes, whose row locks let many
 * writers in at once. Each unit is one transaction on its own connection. Thread-safe.
 */
final class PooledUnits implements UnitOfWork {
    private final Jdbi jdbi;

    PooledUnits(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public <R> R read(Work<R> work) {
        return jdbi.inTransaction(work);
    }

    @Override
    public <R> R write(Work<R> work) {
        return jdbi.inTransaction(work);
    }
}
