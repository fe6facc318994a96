package dev.annotask.imports;

import dev.annotask.proto.imports.ImportError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bad entries of an import: the first {@link #KEPT} with where and why, and how many in
 * all. A file with any is written not at all. Not thread-safe.
 */
final class ImportReport {
    static final int KEPT = 1000;

    private final List<ImportError> kept = new ArrayList<>();
    private int count;

    void bad(String entry, String message) {
        count++;
        if (kept.size() < KEPT) {
            kept.add(ImportError.newBuilder().setEntry(entry).setMessage(message).build());
        }
    }

    int count() {
        return count;
    }

    boolean clean() {
        return count == 0;
    }

    List<ImportError> kept() {
        return Collections.unmodifiableList(kept);
    }
}
