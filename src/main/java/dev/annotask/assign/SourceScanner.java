package dev.annotask.assign;

import dev.annotask.proto.api.TaskInputSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Reads a task's input source in arrival order, a page at a time after a position, and counts
 * it. The source is read live, so inputs that join it after the task was made join the task
 * (a saved search's members are kept up to date by the search feature's SearchMembership).
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
            case DATASET, SAVED_SEARCH -> members(source) + """
                     AND input_seq > :after
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

    /**
     * The rows of these buckets with a place in (afterSeq, upTo], by bucket and then place
     * ({@link BucketSplit}): the indexed bucket expression (migration V11) compared with the
     * bucket numbers, then the index's order. Not for a single-input source, which has no
     * buckets to speak of.
     *
     * <p>The numbers are bound, never written into the text, and the list is padded (with its
     * last number again) to a power of two: every worker's pass then runs one of a few
     * statement texts, which Jdbi parses once and PostgreSQL prepares once per connection.
     * Each call wrote its own text before, and parsing it cost more than running it.
     */
    static List<Candidate> inBuckets(Handle handle, String appUid, TaskInputSource source, List<Integer> buckets,
                                     long afterSeq, long upTo, int limit) {
        boolean members = hasMembers(source);
        String bucket = members ? BucketSplit.MEMBER_BUCKET : BucketSplit.INPUT_BUCKET;
        String which = " IN (<buckets>)";
        String sql = members
                ? members(source) + " AND " + bucket + which + " AND input_seq > :after AND input_seq <= :upTo"
                        + " ORDER BY " + bucket + ", input_seq LIMIT :limit"
                : "SELECT seq, id FROM inputs WHERE app_uid = :app AND " + bucket + which
                        + " AND seq > :after AND seq <= :upTo ORDER BY " + bucket + ", seq LIMIT :limit";
        return handle.createQuery(sql).bind("app", appUid).bind("source", source.getId())
                .bindList("buckets", paddedToPowerOfTwo(buckets))
                .bind("after", afterSeq).bind("upTo", upTo).bind("limit", limit)
                .map((rs, ctx) -> new Candidate(rs.getLong("seq"), rs.getString("id"))).list();
    }

    /** The list, its last element repeated up to the next power of two (an IN list's duplicates match nothing more). */
    static List<Integer> paddedToPowerOfTwo(List<Integer> values) {
        int size = Integer.highestOneBit(Math.max(1, values.size() - 1)) << 1;
        if (values.size() == 1 || values.size() == size) {
            return values;
        }
        List<Integer> padded = new ArrayList<>(size);
        padded.addAll(values);
        while (padded.size() < size) {
            padded.add(values.get(values.size() - 1));
        }
        return padded;
    }

    /** The last place in the source's order so far (0 when it is empty): one index entry. */
    static long last(Handle handle, String appUid, TaskInputSource source) {
        String sql = switch (source.getType()) {
            case DATASET -> """
                    SELECT input_seq FROM dataset_inputs WHERE app_uid = :app AND dataset_id = :source
                    ORDER BY app_uid DESC, dataset_id DESC, input_seq DESC LIMIT 1""";
            case SAVED_SEARCH -> """
                    SELECT input_seq FROM search_inputs WHERE app_uid = :app AND search_id = :source
                    ORDER BY app_uid DESC, search_id DESC, input_seq DESC LIMIT 1""";
            case INPUT -> "SELECT seq FROM inputs WHERE app_uid = :app AND id = :source";
            // The index's own order, as in after(): never the primary key read backwards with a filter.
            default -> "SELECT seq FROM inputs WHERE app_uid = :app ORDER BY app_uid DESC, seq DESC LIMIT 1";
        };
        return handle.createQuery(sql).bind("app", appUid).bind("source", source.getId()).mapTo(Long.class)
                .findOne().orElse(0L);
    }

    /** The places in the source of those of the inputs that are in it, by input id. */
    static Map<String, Long> places(Handle handle, String appUid, TaskInputSource source, Collection<String> inputIds) {
        Map<String, Long> places = new HashMap<>();
        if (inputIds.isEmpty()) {
            return places;
        }
        String sql = hasMembers(source) ? members(source) + " AND input_id IN (<ids>)"
                : "SELECT id, seq FROM inputs WHERE app_uid = :app AND id IN (<ids>)";
        handle.createQuery(sql).bind("app", appUid).bind("source", source.getId()).bindList("ids", List.copyOf(inputIds))
                .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getLong("seq")))
                .forEach(e -> places.put(e.getKey(), e.getValue()));
        return places;
    }

    /**
     * Datasets and saved searches keep their members in a table of their own (dataset_inputs,
     * search_inputs), each with its place in the source's order ({@code input_seq}).
     */
    private static boolean hasMembers(TaskInputSource source) {
        return source.getType() == TaskInputSource.TaskInputSourceType.DATASET
                || source.getType() == TaskInputSource.TaskInputSourceType.SAVED_SEARCH;
    }

    /** The start of a query of the source's members, as (seq, id), for {@link #hasMembers} sources. */
    private static String members(TaskInputSource source) {
        return source.getType() == TaskInputSource.TaskInputSourceType.SAVED_SEARCH
                ? "SELECT input_seq AS seq, input_id AS id FROM search_inputs WHERE app_uid = :app AND search_id = :source"
                : "SELECT input_seq AS seq, input_id AS id FROM dataset_inputs WHERE app_uid = :app AND dataset_id = :source";
    }

    static long count(Handle handle, String appUid, TaskInputSource source) {
        // Counters kept by the input and dataset stores: O(1) whatever the source's size.
        String sql = switch (source.getType()) {
            case DATASET -> "SELECT input_count FROM datasets WHERE app_uid = :app AND id = :source";
            // Counted, not kept: one index range, read when a task may complete or its metrics are asked.
            case SAVED_SEARCH -> "SELECT COUNT(*) FROM search_inputs WHERE app_uid = :app AND search_id = :source";
            case INPUT -> "SELECT COUNT(*) AS n FROM inputs WHERE app_uid = :app AND id = :source";
            default -> "SELECT input_count FROM apps WHERE uid = :app";
        };
        return handle.createQuery(sql).bind("app", appUid).bind("source", source.getId()).mapTo(Long.class)
                .findOne().orElse(0L);
    }
}
