package dev.annotask.api;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The heap that large requests may hold at once: request bodies being read and decoded,
 * gRPC messages being parsed, stored media being sent. Each such request reserves what it
 * will hold before it holds it, and gives it back when its answer is written, so any number of
 * concurrent uploads fits the heap: those that do not fit now wait, in arrival order, instead
 * of failing with an out-of-memory error halfway (docs/DEPLOYMENT.md, "Limits and hostile clients").
 *
 * <p>Requests smaller than {@link #UNRESERVED_BYTES} take no reservation: their memory is of the
 * order of a connection's own buffers. A reservation larger than the whole budget is never
 * granted; callers refuse such requests up front (the request size limit is smaller).
 *
 * <p>Waiting is asynchronous ({@link #reserve}, for the HTTP transport, which holds no thread
 * while a body waits) or blocking with a deadline ({@link #reserveWithin}). Thread-safe; the
 * grant callbacks run on the thread that released memory or asked for it, outside the lock.
 */
public final class MemoryBudget {
    /** Requests up to this size need no reservation. */
    public static final long UNRESERVED_BYTES = 16 * 1024;

    private final long capacity;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private long available;

    public MemoryBudget(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacityBytes);
        }
        this.capacity = capacityBytes;
        this.available = capacityBytes;
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes not reserved now (for tests and metrics). */
    public synchronized long available() {
        return available;
    }

    /** How many reservations are waiting now (for tests and metrics). */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Memory held by one request; {@link #close} gives it back, once. */
    public final class Reservation implements AutoCloseable {
        private long bytes;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        public synchronized long bytes() {
            return bytes;
        }

        /**
         * Grows or shrinks the reservation to {@code needed} bytes. Shrinking always succeeds;
         * growing takes only what is free now, without waiting or passing anyone waiting.
         *
         * @return whether the reservation now holds {@code needed} bytes
         */
        public boolean resize(long needed) {
            long freed;
            synchronized (this) {
                if (needed > bytes) {
                    if (!takeNow(needed - bytes)) {
                        return false;
                    }
                    bytes = needed;
                    return true;
                }
                freed = bytes - needed;
                bytes = needed;
            }
            giveBack(freed);
            return true;
        }

        @Override
        public void close() {
            long freed;
            synchronized (this) {
                freed = bytes;
                bytes = 0;
            }
            giveBack(freed);
        }
    }

    /** A place in the queue; {@link #cancel} takes it out if it has not been granted yet. */
    public final class Waiter {
        private final long bytes;
        private final Consumer<Reservation> granted;

        private Waiter(long bytes, Consumer<Reservation> granted) {
            this.bytes = bytes;
            this.granted = granted;
        }

        /** @return true if the waiter was still waiting (it will never be granted now) */
        public boolean cancel() {
            synchronized (MemoryBudget.this) {
                return waiting.remove(this);
            }
        }
    }

    /**
     * Reserves {@code bytes} now, or as soon as memory is released and everyone who asked
     * earlier has been served; {@code granted} runs then. Returns the waiter (to cancel on a
     * deadline), or empty when granted at once (then {@code granted} has already run).
     */
    public Optional<Waiter> reserve(long bytes, Consumer<Reservation> granted) {
        requireFits(bytes);
        Waiter waiter = new Waiter(bytes, granted);
        synchronized (this) {
            if (!waiting.isEmpty() || available < bytes) {
                waiting.addLast(waiter);
                return Optional.of(waiter);
            }
            available -= bytes;
        }
        granted.accept(new Reservation(bytes));
        return Optional.empty();
    }

    /**
     * Reserves {@code bytes}, waiting up to {@code maxWait} on the calling thread.
     *
     * @throws TimeoutException when the memory was not free in time
     */
    public Reservation reserveWithin(long bytes, Duration maxWait) throws TimeoutException {
        CompletableFuture<Reservation> reservation = new CompletableFuture<>();
        Optional<Waiter> waiter = reserve(bytes, reservation::complete);
        try {
            return reservation.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (waiter.isPresent() && !waiter.get().cancel()) {
                // Granted between the timeout and the cancel: give it back.
                reservation.join().close();
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (waiter.isPresent() && !waiter.get().cancel()) {
                reservation.join().close();
            }
            throw new TimeoutException("interrupted while waiting for memory");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a reservation cannot fail", e);
        }
    }

    private void requireFits(long bytes) {
        if (bytes < 0 || bytes > capacity) {
            throw new IllegalArgumentException("cannot reserve " + bytes + " of " + capacity + " bytes");
        }
    }

    private synchronized boolean takeNow(long bytes) {
        if (!waiting.isEmpty() || available < bytes) {
            return false;
        }
        available -= bytes;
        return true;
    }

    private void giveBack(long bytes) {
        if (bytes == 0) {
            return;
        }
        List<Waiter> granted = new ArrayList<>();
        synchronized (this) {
            available += bytes;
            // First come, first served: a large request at the head is not passed by small ones.
            while (!waiting.isEmpty() && waiting.peekFirst().bytes <= available) {
                Waiter next = waiting.removeFirst();
                available -= next.bytes;
                granted.add(next);
            }
        }
        for (Waiter next : granted) {
            next.granted.accept(new Reservation(next.bytes));
        }
    }
}
