package dev.annotask.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A closed loop like {@link ClosedLoop}, whose clients are not threads: each client is a chain
 * of calls made with {@link BenchHttp#callAsync}, the next call sent from the thread that
 * received the previous answer. A thread blocked per client costs the load generator a wake-up
 * and a context switch per call on the cores it shares with the server; here the generator
 * runs on the HTTP client's few threads, and the calls in flight are bounded by the number of
 * clients (each has at most one out).
 */
final class AsyncLoop {
    /** One client's round, answered when its last call is; false when the client has nothing left to do. */
    interface Round {
        CompletableFuture<Boolean> run(int client, ClosedLoop.Timer timer);
    }

    private AsyncLoop() {
    }

    /**
     * Records rounds until the duration has passed (a round under way then finishes), or every
     * client ran out of work. Each client starts after a random delay up to {@code stagger}
     * (zero: all at once), so that paced clients do not all call in the same instant. Any
     * failed call fails the run.
     */
    static ClosedLoop.Outcome run(int clients, Duration duration, Duration stagger, Round round, ProcessMeter meter)
            throws Exception {
        Random random = new Random(clients);
        List<ClosedLoop.Timer> timers = new ArrayList<>();
        List<CompletableFuture<Void>> finished = new ArrayList<>();
        CompletableFuture<Void> failed = new CompletableFuture<>();
        ProcessMeter.Snapshot started = meter == null ? null : meter.begin();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        for (int c = 0; c < clients; c++) {
            int client = c;
            ClosedLoop.Timer timer = new ClosedLoop.Timer();
            timer.startRecording();
            timers.add(timer);
            CompletableFuture<Void> done = new CompletableFuture<>();
            finished.add(done);
            long delay = stagger.isZero() ? 0 : random.nextLong(stagger.toNanos());
            CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS)
                    .execute(() -> next(client, timer, round, deadline, done, failed));
        }
        CompletableFuture<Object> over = CompletableFuture.anyOf(failed,
                CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new)));
        try {
            // Past the deadline, a round's calls have the HTTP client's own timeout to answer.
            over.get(duration.plus(stagger).plusMinutes(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : e.getCause();
            throw cause instanceof Exception exception ? exception : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("the clients did not finish their last rounds", e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ProcessMeter.Usage usage = meter == null ? null : meter.since(started);
        return new ClosedLoop.Outcome(ClosedLoop.merge(timers, seconds), seconds, usage);
    }

    /**
     * The client's next round, and after it the one after, until the deadline, the end of its
     * work or any client's failure (which ends the run at once: the others stop after their
     * round).
     */
    private static void next(int client, ClosedLoop.Timer timer, Round round, long deadline, CompletableFuture<Void> done,
                             CompletableFuture<Void> failed) {
        CompletableFuture<Boolean> running;
        try {
            running = round.run(client, timer);
        } catch (RuntimeException e) {
            failed.completeExceptionally(e);
            done.complete(null);
            return;
        }
        running.whenComplete((more, failure) -> {
            if (failure != null) {
                failed.completeExceptionally(failure);
                done.complete(null);
            } else if (more && System.nanoTime() < deadline && !failed.isDone()) {
                next(client, timer, round, deadline, done, failed);
            } else {
                done.complete(null);
            }
        });
    }
}
