package dev.annotask.export;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the files of deleted exports once their deletion has committed. A delete request
 * cannot remove them itself: its transaction may still roll back (on SQLite a group commit can
 * fail after the request's own work succeeded), and the export would stay with its file gone. So
 * the request hands the uids here, and a thread looks shortly after (then again later, in case
 * the commit was slow) whether each export row is gone, and only then removes its file. A row
 * still there at the last look was not deleted: its file stays. The hourly sweep of
 * {@link ExportFiles} removes anything this misses (the node stopped first). Thread-safe; close once.
 */
final class FileRemovals implements AutoCloseable {
    /** When to look, counted from the request: most commits are done by the first look. */
    static final long[] LOOK_AFTER_MILLIS = {200, 2_000, 20_000};
    private static final Logger LOG = LoggerFactory.getLogger(FileRemovals.class);

    private final ExportFiles files;
    private final Predicate<String> exportExists;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "annotask-export-file-removals");
        t.setDaemon(true);
        return t;
    });

    /** @param exportExists whether the export row is there (a read, committed data only) */
    FileRemovals(ExportFiles files, Predicate<String> exportExists) {
        this.files = files;
        this.exportExists = exportExists;
    }

    /** Removes the exports' files once their rows are gone. */
    void afterCommit(List<String> exportUids) {
        if (!exportUids.isEmpty()) {
            schedule(List.copyOf(exportUids), 0);
        }
    }

    private void schedule(List<String> uids, int look) {
        long delay = LOOK_AFTER_MILLIS[look] - (look == 0 ? 0 : LOOK_AFTER_MILLIS[look - 1]);
        try {
            thread.schedule(() -> look(uids, look), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping: the sweep removes them
        }
    }

    private void look(List<String> uids, int look) {
        List<String> stillThere = new ArrayList<>();
        for (String uid : uids) {
            try {
                if (exportExists.test(uid)) {
                    stillThere.add(uid);
                } else {
                    files.delete(uid);
                }
            } catch (RuntimeException e) {
                LOG.debug("cannot tell whether export {} is gone: {}", uid, e.getMessage());
                stillThere.add(uid);
            }
        }
        if (!stillThere.isEmpty() && look + 1 < LOOK_AFTER_MILLIS.length) {
            schedule(stillThere, look + 1);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
