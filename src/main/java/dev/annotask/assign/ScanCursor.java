package dev.annotask.assign;

/**
 * How far a worker has read a task's source (a {@code task_cursors} row, migration V11).
 *
 * @param lastSeq every place up to this one has been read
 * @param passTo when above {@code lastSeq}, a pass over the worker's buckets is under way for
 *     the places in (lastSeq, passTo]; 0 otherwise
 * @param bucketAt the bucket that pass is reading
 * @param bucketSeq the last place read in that bucket
 */
record ScanCursor(long lastSeq, long passTo, int bucketAt, long bucketSeq) {
    static final ScanCursor START = new ScanCursor(0, 0, 0, 0);

    boolean inPass() {
        return passTo > lastSeq;
    }

    /** Read in order up to this place, with no pass under way. */
    static ScanCursor readTo(long seq) {
        return new ScanCursor(seq, 0, 0, 0);
    }

    /** A pass over (lastSeq, passTo] starting at this bucket. */
    ScanCursor startPass(long passTo, int firstBucket) {
        return new ScanCursor(lastSeq, passTo, firstBucket, lastSeq);
    }

    /** The same pass, this bucket read up to this place. */
    ScanCursor readInBucket(long seq) {
        return new ScanCursor(lastSeq, passTo, bucketAt, seq);
    }

    /** The same pass, now at this bucket from its start; or the pass finished when there is none (-1). */
    ScanCursor nextBucket(int bucket) {
        return bucket < 0 ? readTo(passTo) : new ScanCursor(lastSeq, passTo, bucket, lastSeq);
    }
}
