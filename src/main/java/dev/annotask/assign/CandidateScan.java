package dev.annotask.assign;

import dev.annotask.proto.api.TaskInputSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Handle;

/**
 * One LABEL_START's walk over the task's source from the worker's cursor: the inputs the plan
 * gives the worker, a few at a time, the cursor moving past each as it is handed over
 * (docs/ARCHITECTURE.md, "The labeling workflow"). Two ways to read:
 * <ul>
 *   <li>in order of place, keeping what the plan gives the worker: every plan but PARTITIONED
 *       keeps every row; a PARTITIONED one keeps one in about W/k, so this is used for it only
 *       when few rows are new since the cursor (fewer than {@value #SMALL_PASS} per bucket the
 *       worker owns) or for a task split input by input;</li>
 *   <li>a pass over the worker's own buckets ({@link BucketSplit}) for the places up to the
 *       source's last when the pass began: bucket by bucket, each in order, one index range per
 *       bucket. Every row read is the worker's, so a call reads about its batch and one empty
 *       bucket now and then, whatever the number of workers.</li>
 * </ul>
 * Inputs that join the source later come after the pass's end, so the next pass (or the read
 * in order) finds them. Not thread-safe: one per call.
 */
final class CandidateScan {
    /** Source rows read by every scan so far (for tests and benchmarks: the cost of LABEL_START). */
    static final LongAdder ROWS_READ = new LongAdder();
    /** Statements run by every scan so far. */
    static final LongAdder READS = new LongAdder();

    private static final int PAGE = 256;
    private static final int MAX_ROWS = 50_000;
    private static final int SMALL_PASS = 1;
    private static final int MAX_BUCKETS = 256;

    private final Handle handle;
    private final LabelingPlan plan;
    private final String workerId;
    private final String appUid;
    private final TaskInputSource source;
    private final BucketSplit split;
    private final int worker;
    private ScanCursor cursor;
    private int rows;

    private CandidateScan(Handle handle, LabelingPlan plan, String workerId, ScanCursor cursor) {
        this.handle = handle;
        this.plan = plan;
        this.workerId = workerId;
        this.appUid = plan.task().appUid();
        this.source = plan.task().spec().getInputSource();
        BucketSplit buckets = plan.buckets();
        boolean byBucket = buckets != null && source.getType() != TaskInputSource.TaskInputSourceType.INPUT;
        this.split = byBucket ? buckets : null;
        this.worker = byBucket ? buckets.indexOf(workerId) : -1;
        this.cursor = cursor;
    }

    static CandidateScan open(Handle handle, LabelingPlan plan, String workerId) {
        READS.increment();
        return new CandidateScan(handle, plan, workerId,
                AssignmentStore.cursor(handle, plan.task().appUid(), plan.task().id(), workerId));
    }

    /**
     * Up to {@code limit} inputs the plan gives the worker, after the cursor, which moves past
     * them (and past every row read that was not the worker's). Empty when there are none left.
     */
    List<String> next(int limit) {
        if (split == null || split.ownedCount(worker) == BucketSplit.BUCKETS) {
            return inOrder(limit);
        }
        // Bounded: a pass reads each of the worker's buckets once, and a second pass only what
        // joined the source meanwhile.
        for (int step = 0; step < 2 * BucketSplit.BUCKETS + 4; step++) {
            if (!cursor.inPass()) {
                READS.increment();
                long last = SourceScanner.last(handle, appUid, source);
                if (last <= cursor.lastSeq()) {
                    return List.of();
                }
                if (last - cursor.lastSeq() <= (long) SMALL_PASS * split.ownedCount(worker)) {
                    return inOrder(limit);
                }
                cursor = cursor.startPass(last, split.nextOwned(worker, 0));
                if (!cursor.inPass()) {
                    return List.of(); // owns no bucket (a weight of 0): nothing in this range is theirs
                }
            }
            List<String> mine = readBuckets(limit);
            if (!mine.isEmpty()) {
                return mine;
            }
        }
        return List.of();
    }

    /**
     * One statement of the pass: the rest of the bucket it stopped in, or the next few of the
     * worker's buckets together, as many as should hold about the batch (sparse passes, such
     * as a small source or a few late inputs, would otherwise cost a statement per bucket).
     */
    private List<String> readBuckets(int limit) {
        List<Integer> buckets = new ArrayList<>();
        buckets.add(cursor.bucketAt());
        if (cursor.bucketSeq() == cursor.lastSeq()) {
            double perBucket = (cursor.passTo() - cursor.lastSeq()) / (double) BucketSplit.BUCKETS;
            long wanted = Math.min(MAX_BUCKETS, (long) Math.ceil(1.5 * limit / Math.max(perBucket, 1e-9)));
            for (int next = split.nextOwned(worker, cursor.bucketAt() + 1); next >= 0 && buckets.size() < wanted;
                 next = split.nextOwned(worker, next + 1)) {
                buckets.add(next);
            }
        }
        READS.increment();
        List<SourceScanner.Candidate> found = SourceScanner.inBuckets(handle, appUid, source, buckets,
                cursor.bucketSeq(), cursor.passTo(), limit);
        ROWS_READ.add(found.size());
        if (found.size() == limit) {
            // Rows come by bucket, then place: every listed bucket before the last row's is done.
            long seq = found.get(found.size() - 1).seq();
            cursor = new ScanCursor(cursor.lastSeq(), cursor.passTo(), BucketSplit.bucketOf(seq), seq);
        } else {
            cursor = cursor.nextBucket(split.nextOwned(worker, buckets.get(buckets.size() - 1) + 1));
        }
        return found.stream().map(SourceScanner.Candidate::inputId).toList();
    }

    /** Reads in order of place from the cursor, keeping the rows the plan gives the worker. */
    private List<String> inOrder(int limit) {
        List<String> mine = new ArrayList<>();
        while (mine.isEmpty() && rows < MAX_ROWS) {
            READS.increment();
            List<SourceScanner.Candidate> page = SourceScanner.after(handle, appUid, source, cursor.lastSeq(), PAGE);
            ROWS_READ.add(page.size());
            if (page.isEmpty()) {
                break;
            }
            for (SourceScanner.Candidate candidate : page) {
                cursor = ScanCursor.readTo(candidate.seq());
                rows++;
                if (plan.mayTake(workerId, candidate.inputId(), candidate.seq())) {
                    mine.add(candidate.inputId());
                    if (mine.size() == limit) {
                        break;
                    }
                }
            }
        }
        return mine;
    }

    /** Stores where the walk got to. */
    void save() {
        READS.increment();
        AssignmentStore.setCursor(handle, appUid, plan.task().id(), workerId, cursor);
    }
}
