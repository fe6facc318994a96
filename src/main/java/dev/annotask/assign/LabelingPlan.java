package dev.annotask.assign;

import com.google.protobuf.Value;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.TaskWorkerPartitionedStrategyInfo;
import dev.annotask.task.StoredTask;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a task hands out its inputs, derived from its stored definition: who may label, how
 * many distinct labelers each input needs ({@link #labelersPerInput}), and which inputs a
 * worker may take. Immutable and thread-safe.
 *
 * <p>Labelers per input: PARTITIONED, {@code workers_per_input}; FULL, every worker; DYNAMIC,
 * one, or as many as a consensus threshold needs (capped at the number of workers).
 */
public final class LabelingPlan {
    private final StoredTask task;
    private final List<String> workers;
    private final int labelersPerInput;
    private final Rendezvous byInput;
    private final BucketSplit byBucket;

    private LabelingPlan(StoredTask task, List<String> workers, int labelersPerInput, Rendezvous byInput,
                         BucketSplit byBucket) {
        this.task = task;
        this.workers = workers;
        this.labelersPerInput = labelersPerInput;
        this.byInput = byInput;
        this.byBucket = byBucket;
    }

    public static LabelingPlan of(StoredTask task) {
        Task spec = task.spec();
        TaskWorker worker = spec.getWorker();
        List<String> workers = List.copyOf(worker.getUserIdsList());
        int consensus = spec.getReview().getStrategy() == TaskReview.TaskReviewStrategy.CONSENSUS
                ? spec.getReview().getConsensusStrategyInfo().getApprovalThresholdLabelers() : 1;
        return switch (worker.getStrategy()) {
            case PARTITIONED -> {
                TaskWorkerPartitionedStrategyInfo info = worker.getPartitionedStrategyInfo();
                int k = info.getWorkersPerInput();
                long seed = seedOf(task.appUid(), task.id());
                yield task.partitionByInput()
                        ? new LabelingPlan(task, workers, k, new Rendezvous(seed, weights(info, workers)), null)
                        : new LabelingPlan(task, workers, k, null, BucketSplit.of(seed, weights(info, workers), k));
            }
            case FULL -> new LabelingPlan(task, workers, Math.max(workers.size(), 1), null, null);
            default -> new LabelingPlan(task, workers, Math.max(1, Math.min(consensus, workers.size())), null, null);
        };
    }

    private static Map<String, Double> weights(TaskWorkerPartitionedStrategyInfo info, List<String> workers) {
        boolean weighted = info.getType() == TaskWorkerPartitionedStrategyInfo.TaskWorkerPartitionedStrategy.WEIGHTED;
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String worker : workers) {
            Value weight = info.getWeights().getFieldsMap().get(worker);
            weights.put(worker, weighted && weight != null ? weight.getNumberValue() : 1.0);
        }
        return weights;
    }

    /** Per task, so two tasks over the same inputs split them independently. */
    static long seedOf(String appUid, String taskId) {
        long hash = 1125899906842597L;
        for (byte b : (appUid + "/" + taskId).getBytes(StandardCharsets.UTF_8)) {
            hash = 31 * hash + b;
        }
        return hash;
    }

    public StoredTask task() {
        return task;
    }

    public boolean isWorker(String userId) {
        return workers.contains(userId);
    }

    public int labelersPerInput() {
        return labelersPerInput;
    }

    public boolean isDynamic() {
        return task.spec().getWorker().getStrategy() == TaskWorker.TaskWorkerStrategy.DYNAMIC;
    }

    /**
     * May this worker take this input at all (before counting who already holds it)? The
     * input's place in the source ({@code seq}, a dataset member's {@code input_seq}) decides
     * under a split by bucket; its id under a split input by input.
     */
    public boolean mayTake(String worker, String inputId, long place) {
        if (byInput != null) {
            return byInput.owns(worker, inputId, labelersPerInput);
        }
        return byBucket == null || byBucket.owns(byBucket.indexOf(worker), BucketSplit.bucketOf(place));
    }

    /** True when the plan splits its inputs input by input (a PARTITIONED task made before migration V11). */
    boolean splitsByInput() {
        return byInput != null;
    }

    /** The split by bucket of a PARTITIONED task, or null (every other plan, and tasks split by input). */
    BucketSplit buckets() {
        return byBucket;
    }

    public TaskReview.TaskReviewStrategy review() {
        return task.spec().getReview().getStrategy();
    }
}
