package dev.annotask.store;

/**
 * A SQLite write that waited its whole statement timeout for the writer (queued in
 * {@link GroupCommit} or {@link SerializedWrites}, or on the database file's lock) without
 * getting its turn. Nothing was written; {@link StoreFailures#isTimeout} recognises it,
 * so the caller answers like any statement timeout.
 */
final class WriteQueueTimeout extends RuntimeException {
    WriteQueueTimeout(long waitedMillis) {
        super("waited " + waitedMillis + " ms for the SQLite writer without getting it", null, false, false);
    }
}
