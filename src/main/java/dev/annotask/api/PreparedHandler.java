package dev.annotask.api;

import com.google.protobuf.Message;
import dev.annotask.identity.Caller;
import dev.annotask.store.UnitOfWork;

/**
 * An RPC that writes, split in two: what needs no database (checking the request, printing its
 * JSON, laying out its statements) runs first, on the request's thread and outside any
 * transaction, and returns the unit of work that does the rest. On SQLite every write unit runs
 * on the one writer thread, which every write waits for, and on PostgreSQL a write may hold a
 * lock others wait for: neither should wait for CPU work that could have been done before.
 *
 * <p>The preparation runs once; the unit it returns may run more than once (the dispatcher
 * retries a transaction that lost a lock race), so it must not keep state between runs.
 * Expected failures are thrown as {@link ApiException} from either step.
 */
@FunctionalInterface
public interface PreparedHandler<Q extends Message, R extends Message> {
    UnitOfWork.Work<R> prepare(Caller caller, Q request);
}
