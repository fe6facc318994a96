package dev.annotask.task;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.TaskWorkerPartitionedStrategyInfo;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.Worker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A task definition without some of its people: what a task becomes when users stop
 * collaborating on its app (docs/COMPATIBILITY.md, "Removing a collaborator"). The rules keep
 * the task completable:
 * <ul>
 *   <li>they leave the worker and reviewer lists, in all three forms the API shows;</li>
 *   <li>PARTITIONED: their weights go, and {@code workers_per_input} drops to the number of
 *       workers left when it was above it (no input could get more distinct workers); the
 *       largest weights left are lowered until no share is above 1/{@code workers_per_input}
 *       ({@link #capped});</li>
 *   <li>consensus thresholds stay: an input that can no longer gather that many agreeing
 *       labelers goes to review, as with a threshold above the labelers per input;</li>
 *   <li>when nobody is left where someone is needed (any worker list that named people; the
 *       reviewers of MANUAL and CONSENSUS), the app's owner takes the place; and when the one
 *       reviewer left also labels the task, the owner joins the reviewers, since nobody reviews
 *       their own labeling (docs/ARCHITECTURE.md, "Nobody reviews their own work").</li>
 * </ul>
 * Pure and thread-safe.
 */
final class TaskRoster {
    private static final double OWNER_WEIGHT = 1.0;

    private TaskRoster() {
    }

    static Task without(Task spec, Set<String> gone, String ownerId) {
        TaskWorker worker = worker(spec.getWorker(), gone, ownerId);
        return spec.toBuilder()
                .setWorker(worker)
                .setReview(review(spec.getReview(), gone, ownerId, worker.getUserIdsList()))
                .build();
    }

    private static TaskWorker worker(TaskWorker worker, Set<String> gone, String ownerId) {
        List<String> kept = kept(worker.getUserIdsList(), gone, ownerId, !worker.getUserIdsList().isEmpty());
        TaskWorker.Builder changed = worker.toBuilder().clearUserIds().clearUsers().clearWorkers().addAllUserIds(kept);
        for (String id : kept) {
            changed.addUsers(User.newBuilder().setId(id));
            changed.addWorkers(Worker.newBuilder().setUser(User.newBuilder().setId(id)));
        }
        if (worker.hasPartitionedStrategyInfo()) {
            changed.setPartitionedStrategyInfo(partitioned(worker.getPartitionedStrategyInfo(), gone, kept));
        }
        return changed.build();
    }

    private static TaskWorkerPartitionedStrategyInfo partitioned(TaskWorkerPartitionedStrategyInfo info,
                                                                 Set<String> gone, List<String> kept) {
        Struct.Builder weights = info.getWeights().toBuilder();
        gone.forEach(weights::removeFields);
        boolean weighted = info.getType() == TaskWorkerPartitionedStrategyInfo.TaskWorkerPartitionedStrategy.WEIGHTED;
        for (String id : kept) {
            if (weighted && !weights.containsFields(id)) {
                weights.putFields(id, Value.newBuilder().setNumberValue(OWNER_WEIGHT).build());
            }
        }
        int perInput = Math.max(1, Math.min(info.getWorkersPerInput(), kept.size()));
        return info.toBuilder()
                .setWorkersPerInput(perInput)
                .setWeights(weighted ? capped(weights.build(), perInput) : weights.build())
                .build();
    }

    /**
     * The weights with no worker's share above 1/{@code perInput}, the rule PostTasks holds a
     * WEIGHTED task to (an input cannot get the same worker twice, so a larger share could never
     * be given): the largest weights are lowered to the one level at which each of them is
     * exactly that share, the others kept. E.g. 50/25/25 with two per input, once a 25 has
     * gone, becomes 25/25.
     */
    static Struct capped(Struct weights, int perInput) {
        List<Map.Entry<String, Value>> byWeight = new ArrayList<>(weights.getFieldsMap().entrySet());
        byWeight.sort(Comparator.comparingDouble((Map.Entry<String, Value> e) -> e.getValue().getNumberValue()).reversed()
                .thenComparing(Map.Entry::getKey));
        double rest = byWeight.stream().mapToDouble(e -> e.getValue().getNumberValue()).sum();
        // With the top `lowered` weights set to a level c each: c = rest / (perInput - lowered),
        // where rest sums the others; the first `lowered` whose next weight fits under c is it.
        for (int lowered = 0; lowered < Math.min(perInput, byWeight.size()); lowered++) {
            double level = rest / (perInput - lowered);
            double next = byWeight.get(lowered).getValue().getNumberValue();
            if (next <= level * (1 + 1e-12)) {
                if (lowered == 0) {
                    return weights;
                }
                Struct.Builder capped = weights.toBuilder();
                for (int i = 0; i < lowered; i++) {
                    capped.putFields(byWeight.get(i).getKey(), Value.newBuilder().setNumberValue(level).build());
                }
                return capped.build();
            }
            rest -= next;
        }
        return weights; // fewer weights than workers per input: not a WEIGHTED definition to fix here
    }

    private static TaskReview review(TaskReview review, Set<String> gone, String ownerId, List<String> workers) {
        boolean needsReviewer = review.getStrategy() == TaskReview.TaskReviewStrategy.MANUAL
                || review.getStrategy() == TaskReview.TaskReviewStrategy.CONSENSUS;
        List<String> kept = kept(review.getUserIdsList(), gone, ownerId, needsReviewer);
        boolean lostSome = review.getUserIdsList().stream().anyMatch(gone::contains);
        if (needsReviewer && lostSome && kept.size() == 1 && !kept.contains(ownerId) && workers.contains(kept.get(0))) {
            kept = List.of(kept.get(0), ownerId);
        }
        TaskReview.Builder changed = review.toBuilder().clearUserIds().clearUsers().addAllUserIds(kept);
        kept.forEach(id -> changed.addUsers(User.newBuilder().setId(id)));
        return changed.build();
    }

    /** The ids not gone, in their order; the owner alone when none is left and someone is needed. */
    private static List<String> kept(List<String> ids, Set<String> gone, String ownerId, boolean needed) {
        List<String> kept = ids.stream().filter(id -> !gone.contains(id)).toList();
        return kept.isEmpty() && needed ? List.of(ownerId) : kept;
    }
}
