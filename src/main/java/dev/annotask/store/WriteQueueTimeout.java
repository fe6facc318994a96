package dev.annotask.store;

/**
 * A SQLite write transaction that waited its whole statement timeout in {@link SerializedWrites}
 * without getting its turn. Nothing was written; {@link StoreFailures#isTimeout} recognises it,
 * so the caller answers like any statement timeout.
 */
final class WriteQueueTimeout extends RuntimeException {
    WriteQueueTimeout(long waitedMillis) {
        super("waited " + waitedMillis + " ms for the SQLite writer without getting it", null, false, false);
    }
}
