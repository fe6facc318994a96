package dev.annotask.assign;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A PARTITIONED task's split by bucket (docs/ARCHITECTURE.md, "The labeling workflow"): every
 * row of a source has a fixed bucket, a function of its place in the source's order
 * ({@link #bucketOf}), and each bucket belongs to the k workers that weighted rendezvous
 * hashing picks for it. A worker then reads only its own buckets, through an index on
 * (app, bucket, seq), instead of reading every input and keeping one in W.
 *
 * <p>{@value #BUCKETS} buckets: a worker's share of the buckets is itself a draw (about
 * 0.4 points of spread at three workers), small beside the spread a share of ten thousand inputs
 * has anyway. Computing who owns them costs buckets x workers scores (measured on a busy
 * 2-core machine at 128 workers: 76 ms EVENLY, which needs no logarithm, 340 ms WEIGHTED; at
 * 32: 19 and 50 ms), so it is done once per definition and node and kept ({@link #of}). The
 * first LABEL_START after a task is made or changed pays it, in the read it tries first
 * ({@link LabelingService#unfinishedBatch}), so not on SQLite's writer thread. Immutable and
 * thread-safe.
 */
final class BucketSplit {
    /** Buckets per source; a power of two, so the multiplier below permutes them. */
    static final int BUCKETS = 16_384;
    /** Odd, so consecutive places go to buckets far apart, every bucket once per 16,384 places. */
    private static final long MULTIPLIER = 40_503;
    /** The SQL of {@link #bucketOf}, exactly as migration V11 indexes it (for inputs; {@code input_seq} for datasets). */
    static final String INPUT_BUCKET = "seq * 40503 % 16384";
    static final String MEMBER_BUCKET = "input_seq * 40503 % 16384";

    private static final int CACHED = 64;
    private static final Map<Key, BucketSplit> CACHE = new ConcurrentHashMap<>();

    private record Key(long seed, Map<String, Double> weights, int k) {
    }

    private final List<String> workers;
    private final int k;
    private final int[] owners;
    private final int[] owned;

    private BucketSplit(Rendezvous rendezvous, int k) {
        this.workers = rendezvous.workers();
        this.k = Math.min(k, workers.size());
        this.owners = rendezvous.bucketOwners(BUCKETS, k);
        this.owned = new int[workers.size()];
        for (int owner : owners) {
            owned[owner]++;
        }
    }

    /** The split for this seed, weights and k: computed once, then shared (a bounded cache). */
    static BucketSplit of(long seed, Map<String, Double> weights, int k) {
        Key key = new Key(seed, Map.copyOf(weights), k);
        BucketSplit split = CACHE.get(key);
        if (split == null) {
            if (CACHE.size() >= CACHED) {
                CACHE.clear();
            }
            split = new BucketSplit(new Rendezvous(seed, weights), k);
            CACHE.put(key, split);
        }
        return split;
    }

    /** The bucket of the source row at this place (an input's seq, a dataset member's input_seq). */
    static int bucketOf(long place) {
        return (int) Math.floorMod(place * MULTIPLIER, (long) BUCKETS);
    }

    /** The worker's index in this split, or -1 when they are not one of its workers. */
    int indexOf(String worker) {
        return workers.indexOf(worker);
    }

    boolean owns(int worker, int bucket) {
        for (int i = bucket * k; i < bucket * k + k; i++) {
            if (owners[i] == worker) {
                return true;
            }
        }
        return false;
    }

    /** The worker's first bucket at or after {@code from}, or -1 when they own none there. */
    int nextOwned(int worker, int from) {
        for (int bucket = Math.max(from, 0); bucket < BUCKETS; bucket++) {
            if (owns(worker, bucket)) {
                return bucket;
            }
        }
        return -1;
    }

    /** How many buckets the worker owns. */
    int ownedCount(int worker) {
        return worker < 0 ? 0 : owned[worker];
    }
}
