package dev.annotask.identity;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * At most {@code maxEntries} values, each kept at most {@code ttl}, the least recently used
 * dropped first: the building block of {@link AuthorizationCache}.
 *
 * <p>{@link #clear} starts a new generation, and a value is stored only under the generation
 * that was current when its loading began ({@link #putIfUnchanged}): a loader may have read the
 * database before the change that caused the clear committed, and storing its answer afterwards
 * would undo the clear. One lock guards a few map operations; loaders run outside it.
 * Thread-safe.
 */
final class BoundedCache<K, V> {
    private record Entry<V>(V value, long loadedAt) {
    }

    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<K, Entry<V>> entries;
    private long generation;

    /** @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass their own) */
    BoundedCache(int maxEntries, Duration ttl, LongSupplier nanoTime) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        // Access order: get() moves an entry to the end, so the eldest is the least recently used.
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The value stored for the key less than the ttl ago, or null. */
    synchronized V get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (nanoTime.getAsLong() - entry.loadedAt() >= ttlNanos) {
            entries.remove(key);
            return null;
        }
        return entry.value();
    }

    /** The generation to pass to {@link #putIfUnchanged}; read it before loading. */
    synchronized long generation() {
        return generation;
    }

    /** Stores the value unless {@link #clear} ran since {@code loadedInGeneration} was read. */
    synchronized void putIfUnchanged(K key, V value, long loadedInGeneration) {
        if (loadedInGeneration == generation) {
            entries.put(key, new Entry<>(value, nanoTime.getAsLong()));
        }
    }

    synchronized void clear() {
        generation++;
        entries.clear();
    }

    synchronized int size() {
        return entries.size();
    }
}
