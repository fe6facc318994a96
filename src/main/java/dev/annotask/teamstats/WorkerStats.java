package dev.annotask.teamstats;

/**
 * One person's work in a task as {@link WorkerStatsStore} counts it; what each number means
 * for a labeler and for a reviewer is documented on the wire message (annotask/admin.proto,
 * WorkerStats). {@code agreement} and {@code medianSecondsPerInput} are -1 when there is
 * nothing to compute them from.
 */
public record WorkerStats(String userId, Role role, long done, long pending, long awaiting, long approved,
                          long rejected, long sentBack, double agreement, double medianSecondsPerInput,
                          long[] perBucket) {

    /** What the person does in the task; the wire name is lower case. */
    public enum Role {
        LABELER, REVIEWER;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The share approved / (approved + rejected), or -1 while nothing is decided. */
    static double share(long approved, long rejected) {
        long decided = approved + rejected;
        return decided == 0 ? -1 : (double) approved / decided;
    }
}
