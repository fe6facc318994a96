package dev.annotask.assign;

import dev.annotask.proto.api.TaskInputSource;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Reads a task's input source in arrival order, a page at a time after a position, and counts
 * it. The source is read live, so inputs that join it after the task was made join the task.
 * Stateless.
 */
final class SourceScanner {
    /** An input of the source and its place in arrival order. */
    record Candidate(long seq, String inputId) {
    }

    private SourceScanner() {
    }

    static List<Candidate> after(Handle handle, String appUid, TaskInputSource source, long afterSeq, int limit) {
        String sql = switch (source.getType()) {
            case DATASET -> """
                    SELECT input_seq AS seq, input_id AS id FROM dataset_inputs
                    WHERE app_uid = :app AND dataset_id = :source AND input_seq > :after
                    ORDER BY input_seq LIMIT :limit""";
            case INPUT -> "SELECT seq, id FROM inputs WHERE app_uid = :app AND id = :source AND seq > :after LIMIT :limit";
            // ORDER BY app_uid, seq (the same order: app_uid is fixed) names the index's own
            // order, so the primary key on seq read with a filter on the app (every other app's
            // rows read and dropped) is never an option, whatever the statistics say.
            default -> "SELECT seq, id FROM inputs WHERE app_uid = :app AND seq > :after ORDER BY app_uid, seq LIMIT :limit";
        };
        return handle.createQuery(sql).bind("app", appUid).bind("source", source.getId()).bind("after", afterSeq)
                .bind("limit", limit)
                .map((rs, ctx) -> new Candidate(rs.getLong("seq"), rs.getString("id"))).list();
    }

    static long count(Handle handle, String appUid, TaskInputSource source) {
        // Counters kept by the input and dataset stores: O(1) whatever the source's size.
        String sql = switch (source.getType()) {
            case DATASET -> "SELECT input_count FROM datasets WHERE app_uid = :app AND id = :source";
            case INPUT -> "SELECT COUNT(*) AS n FROM inputs WHERE app_uid = :app AND id = :source";
            default -> "SELECT input_count FROM apps WHERE uid = :app";
        };
        return handle.createQuery(sql).bind("app", appUid).bind("source", source.getId()).mapTo(Long.class)
                .findOne().orElse(0L);
    }
}
