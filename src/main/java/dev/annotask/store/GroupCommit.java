package dev.annotask.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite's write path: one writer thread owns a connection and its prepared statements
 * ({@link CachedStatements}), takes the write units queued since
 * its last commit, runs each inside its own savepoint, commits them all at once and only then
 * answers each request.
 *
 * <p>SQLite has one writer and a commit is its dearest step (a WAL append and, with
 * {@code synchronous=NORMAL}, bookkeeping per transaction). Serving writers one transaction
 * each, the commit ceiling bounds the whole server; grouped, a burst of concurrent requests
 * costs one commit. A unit that fails (an {@code ApiException}, a constraint) rolls back to its
 * savepoint alone and gets its own failure; the others of its group commit. If the commit
 * itself fails, every request of the group gets that failure: nothing of theirs was written.
 *
 * <p>Queued requests hold no pooled connection while they wait. A request waits at most the
 * statement timeout for the writer to start its unit, then fails with
 * {@link WriteQueueTimeout} and its unit never runs; once started, a unit runs to its end.
 * Thread-safe; close once.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** Enough to take a whole burst of request threads in one commit, few enough to answer the first soon. */
    static final int MAX_GROUP = 64;

    private final Jdbi jdbi;
    private final long timeoutMillis;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final LongAdder commits = new LongAdder();
    private final LongAdder units = new LongAdder();
    /** Guards {@link #closed} against a unit queued after the writer's last look at the queue. */
    private final Object intake = new Object();
    private volatile boolean closed;
    private Handle handle;

    /** @param timeoutMillis how long a request may wait for the writer to start its unit; 0 = no limit */
    GroupCommit(Jdbi jdbi, long timeoutMillis) {
        this.jdbi = jdbi;
        this.timeoutMillis = timeoutMillis;
        this.thread = new Thread(this::loop, "annotask-sqlite-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs the work in the next group, waits for its group's commit and returns its result or throws its failure. */
    <R> R run(UnitOfWork.Work<R> work) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("a write unit cannot start another write unit");
        }
        Job<R> job = new Job<>(work);
        synchronized (intake) {
            if (closed) {
                throw new StoreClosed();
            }
            queue.add(job);
        }
        return job.await(timeoutMillis);
    }

    /** Transactions committed so far. */
    long commits() {
        return commits.sum();
    }

    /** Write units waiting for the writer now. */
    int queued() {
        return queue.size();
    }

    /** Write units run so far (committed or rolled back). */
    long units() {
        return units.sum();
    }

    private void loop() {
        List<Job<?>> group = new ArrayList<>(MAX_GROUP);
        while (!closed || !queue.isEmpty()) {
            try {
                Job<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                runGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                // A bug here must not stop the writer: every later write would hang.
                LOG.error("the SQLite writer failed a group", e);
                closeHandle();
                group.forEach(job -> job.finishIfOpen(e));
            } finally {
                group.clear();
            }
        }
        // Interrupted (not closed): nothing more will run the queued units.
        Job<?> left;
        while ((left = queue.poll()) != null) {
            left.finishIfOpen(new StoreClosed());
        }
        closeHandle();
    }

    private void runGroup(List<Job<?>> group) {
        List<Job<?>> started = new ArrayList<>(group.size());
        for (Job<?> job : group) {
            if (job.start()) {
                started.add(job);
            }
        }
        while (!started.isEmpty()) {
            started = commitGroup(started);
        }
    }

    /**
     * Runs the jobs in one transaction and answers them; returns those to run again because the
     * transaction was lost under them through no fault of theirs (empty almost always).
     */
    private List<Job<?>> commitGroup(List<Job<?>> jobs) {
        Handle h;
        try {
            h = handle();
            h.execute("BEGIN IMMEDIATE");
        } catch (RuntimeException e) {
            closeHandle();
            // Another connection (a tool, a start-up write) held the lock for the whole busy
            // timeout, which is the statement timeout: answer as one, not as a lock race to retry.
            RuntimeException failure = StoreFailures.isTransient(e) ? new WriteQueueTimeout(timeoutMillis) : e;
            jobs.forEach(job -> job.finish(null, failure));
            return List.of();
        }
        for (int i = 0; i < jobs.size(); i++) {
            Job<?> job = jobs.get(i);
            h.execute("SAVEPOINT request");
            units.increment();
            try {
                job.succeed(h);
                h.execute("RELEASE request");
            } catch (RuntimeException | Error failure) {
                job.fail(failure);
                if (!rollBackTo(h)) {
                    // SQLite dropped the whole transaction (it does on some I/O and memory
                    // errors): those before ran in vain and run again; this one keeps its failure.
                    job.finish();
                    closeHandle();
                    List<Job<?>> again = new ArrayList<>(jobs.subList(0, i));
                    again.forEach(Job::reset);
                    again.addAll(jobs.subList(i + 1, jobs.size()));
                    return again;
                }
            }
        }
        try {
            h.execute("COMMIT");
            commits.increment();
        } catch (RuntimeException e) {
            rollBackQuietly(h);
            jobs.forEach(job -> job.failIfSucceeded(e));
        }
        jobs.forEach(Job::finish);
        return List.of();
    }

    private static boolean rollBackTo(Handle h) {
        try {
            h.execute("ROLLBACK TO request");
            h.execute("RELEASE request");
            return true;
        } catch (RuntimeException e) {
            rollBackQuietly(h);
            return false;
        }
    }

    /** Ends a transaction begun by hand, if SQLite has not ended it by itself (it does on some errors). */
    static void rollBackQuietly(Handle h) {
        try {
            h.execute("ROLLBACK");
        } catch (RuntimeException ignored) {
            // No transaction left to roll back.
        }
    }

    private Handle handle() {
        if (handle == null) {
            handle = jdbi.open();
            handle.setStatementBuilder(new CachedStatements());
        }
        return handle;
    }

    private void closeHandle() {
        if (handle != null) {
            // The pool knows nothing of a transaction begun by hand: never hand one back open.
            rollBackQuietly(handle);
            try {
                handle.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the writer's connection failed", e);
            }
            handle = null;
        }
    }

    @Override
    public void close() {
        synchronized (intake) {
            closed = true; // the writer still runs every unit queued before this
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The store is closing: no new write is taken. Reported as the database being out of reach. */
    static final class StoreClosed extends RuntimeException {
        StoreClosed() {
            super("the database is closing", null, false, false);
        }
    }

    /** One request's unit: queued, then started by the writer or cancelled by its waiter, then finished. */
    private static final class Job<R> {
        private static final int QUEUED = 0;
        private static final int STARTED = 1;
        private static final int CANCELLED = 2;

        private final UnitOfWork.Work<R> work;
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private final CountDownLatch done = new CountDownLatch(1);
        private R result;
        private Throwable failure;

        Job(UnitOfWork.Work<R> work) {
            this.work = work;
        }

        /** The writer takes the job unless its waiter gave up first. */
        boolean start() {
            return state.compareAndSet(QUEUED, STARTED);
        }

        void succeed(Handle h) {
            result = work.withHandle(h);
        }

        void fail(Throwable e) {
            failure = e;
        }

        void failIfSucceeded(Throwable e) {
            if (failure == null) {
                failure = e;
                result = null;
            }
        }

        void reset() {
            result = null;
            failure = null;
        }

        void finish(R value, Throwable e) {
            result = value;
            failure = e;
            finish();
        }

        void finish() {
            done.countDown();
        }

        void finishIfOpen(Throwable e) {
            if (done.getCount() > 0) {
                if (failure == null) {
                    failure = e;
                }
                done.countDown();
            }
        }

        R await(long timeoutMillis) {
            boolean interrupted = false;
            try {
                if (timeoutMillis > 0 && !done.await(timeoutMillis, TimeUnit.MILLISECONDS)
                        && state.compareAndSet(QUEUED, CANCELLED)) {
                    throw new WriteQueueTimeout(timeoutMillis);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                if (state.compareAndSet(QUEUED, CANCELLED)) {
                    Thread.currentThread().interrupt();
                    throw new WriteQueueTimeout(0);
                }
            }
            // Started: the unit runs to its end whatever happens to this thread, so wait for it.
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            return result;
        }
    }
}
