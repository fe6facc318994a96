package dev.annotask.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * A closed loop: a number of clients, each doing one round after another with no pause until
 * the time is up (or it runs out of work), every call timed. A closed loop finds the
 * throughput ceiling; latency in it is mostly queueing once clients outnumber what the server
 * can serve at once (Little's law), which is what the curves over client counts show.
 */
final class ClosedLoop {
    /** One client's round; false when the client has nothing left to do. */
    interface Round {
        boolean run(int client, Timer timer) throws Exception;
    }

    /** Times named calls of one client. Not thread-safe: one per client. */
    static final class Timer {
        private final Map<String, long[]> spans = new LinkedHashMap<>();
        private final Map<String, Integer> counts = new LinkedHashMap<>();
        private boolean recording;

        interface Call<T> {
            T run() throws Exception;
        }

        <T> T time(String name, Call<T> call) throws Exception {
            long start = System.nanoTime();
            T result = call.run();
            record(name, System.nanoTime() - start);
            return result;
        }

        /**
         * Times a call that answers later (AsyncLoop): from now until the answer. The client's
         * calls still follow one another, so one timer is never used by two threads at once.
         */
        <T> CompletableFuture<T> timeAsync(String name, Supplier<CompletableFuture<T>> call) {
            long start = System.nanoTime();
            return call.get().thenApply(result -> {
                record(name, System.nanoTime() - start);
                return result;
            });
        }

        void startRecording() {
            recording = true;
        }

        private void record(String name, long took) {
            if (recording) {
                int n = counts.getOrDefault(name, 0);
                long[] kept = spans.computeIfAbsent(name, k -> new long[1024]);
                if (n == kept.length) {
                    kept = java.util.Arrays.copyOf(kept, n * 2);
                    spans.put(name, kept);
                }
                kept[n] = took;
                counts.put(name, n + 1);
            }
        }
    }

    /** Per call name, the latencies of all clients together, the measured span, what the processes used in it. */
    record Outcome(Map<String, Latencies> calls, double seconds, ProcessMeter.Usage usage) {
        Latencies call(String name) {
            return calls.getOrDefault(name, Latencies.of(new long[0], 0, seconds));
        }
    }

    private ClosedLoop() {
    }

    /**
     * Runs warm-up rounds per client unrecorded, then records rounds until the duration has
     * passed (at least one per client that has work). Any failed call fails the run: a
     * benchmark of errors measures nothing.
     */
    static Outcome run(int clients, int warmUpRounds, Duration duration, Round round) throws Exception {
        return run(clients, warmUpRounds, duration, round, null);
    }

    /** The same, with the CPU and memory of the measured span (not the warm-up) read by the meter. */
    static Outcome run(int clients, int warmUpRounds, Duration duration, Round round, ProcessMeter meter)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Timer> timers = new ArrayList<>();
        List<Future<?>> running = new ArrayList<>();
        java.util.concurrent.CyclicBarrier warm = new java.util.concurrent.CyclicBarrier(clients + 1);
        long[] window = new long[2];
        ProcessMeter.Snapshot started = null;
        try {
            for (int c = 0; c < clients; c++) {
                int client = c;
                Timer timer = new Timer();
                timers.add(timer);
                running.add(pool.submit(() -> {
                    boolean more = true;
                    for (int r = 0; r < warmUpRounds && more; r++) {
                        more = round.run(client, timer);
                    }
                    warm.await(); // every client warm before any is measured
                    warm.await(); // the window's start is set
                    timer.startRecording();
                    // At least one recorded round each, so that a span shorter than a round
                    // (the smoke tests' are a fraction of a second) still measures every call.
                    boolean first = true;
                    while (more && (first || System.nanoTime() < window[1])) {
                        first = false;
                        more = round.run(client, timer);
                    }
                    return null;
                }));
            }
            warm.await();
            started = meter == null ? null : meter.begin();
            window[0] = System.nanoTime();
            window[1] = window[0] + duration.toNanos();
            warm.await();
            for (Future<?> client : running) {
                client.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // Until the last client finished: past the deadline by its last round, or earlier when
        // every client ran out of work.
        double seconds = (System.nanoTime() - window[0]) / 1e9;
        ProcessMeter.Usage usage = meter == null ? null : meter.since(started);
        return new Outcome(merge(timers, seconds), seconds, usage);
    }

    /** Per call name, the latencies the clients' timers recorded, all clients together. */
    static Map<String, Latencies> merge(List<Timer> timers, double seconds) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        timers.forEach(timer -> names.addAll(timer.counts.keySet()));
        Map<String, Latencies> calls = new LinkedHashMap<>();
        for (String name : names) {
            int total = timers.stream().mapToInt(t -> t.counts.getOrDefault(name, 0)).sum();
            long[] all = new long[total];
            int at = 0;
            for (Timer timer : timers) {
                int n = timer.counts.getOrDefault(name, 0);
                if (n > 0) {
                    System.arraycopy(timer.spans.get(name), 0, all, at, n);
                    at += n;
                }
            }
            calls.put(name, Latencies.of(all, total, seconds));
        }
        return calls;
    }
}
