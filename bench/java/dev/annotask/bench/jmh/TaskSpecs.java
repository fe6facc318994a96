package dev.annotask.bench.jmh;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskConcept;
import dev.annotask.proto.api.TaskInputSource;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.TaskWorkerPartitionedStrategyInfo;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.Worker;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import java.util.List;

/**
 * Task definitions in the normalized form the server stores (TaskDefinitions): worker ids
 * repeated in {@code user_ids}, {@code users} and {@code workers}, concepts in both the legacy
 * and the current field. A PARTITIONED, WEIGHTED detection task, the strategy whose labeling
 * plan does the most work.
 */
public final class TaskSpecs {
    private static final List<String> CONCEPTS = List.of("car", "person", "bicycle", "dog", "traffic-light");

    private TaskSpecs() {
    }

    /** Weights 1 to 4 in turn, so the weighted score is exercised with unequal weights. */
    public static Task partitioned(List<String> workers, int workersPerInput) {
        Struct.Builder weights = Struct.newBuilder();
        TaskWorker.Builder worker = TaskWorker.newBuilder().setStrategy(TaskWorker.TaskWorkerStrategy.PARTITIONED)
                .addAllUserIds(workers);
        for (int i = 0; i < workers.size(); i++) {
            String id = workers.get(i);
            worker.addUsers(User.newBuilder().setId(id));
            worker.addWorkers(Worker.newBuilder().setUser(User.newBuilder().setId(id)));
            weights.putFields(id, Value.newBuilder().setNumberValue(1 + i % 4).build());
        }
        worker.setPartitionedStrategyInfo(TaskWorkerPartitionedStrategyInfo.newBuilder()
                .setType(TaskWorkerPartitionedStrategyInfo.TaskWorkerPartitionedStrategy.WEIGHTED)
                .setWorkersPerInput(workersPerInput)
                .setWeights(weights));
        Task.Builder task = Task.newBuilder().setType(Task.TaskType.BOUNDING_BOX_DETECTION)
                .setName("Street scenes: vehicles and people")
                .setWorker(worker)
                .addAllConceptIds(CONCEPTS)
                .setInputSource(TaskInputSource.newBuilder().setType(TaskInputSource.TaskInputSourceType.ALL_INPUTS))
                .setReview(TaskReview.newBuilder().setStrategy(TaskReview.TaskReviewStrategy.NONE));
        for (String concept : CONCEPTS) {
            task.addConcepts(TaskConcept.newBuilder().setConcept(Concept.newBuilder().setId(concept).setName(concept)
                    .setValue(1.0f)));
        }
        return task.build();
    }

    public static StoredTask stored(Task spec) {
        long now = 1_780_000_000_000L;
        return new StoredTask("3f1c9a0be47d4d2a9c51e8f0a6b2d7c4", "8e2b6d1f0c3a4b5e9d7f6a1c2b3e4d5f", spec,
                StatusCode.TASK_IN_PROGRESS.getNumber(), now, now);
    }

    /** The same task as made before migration V11: its PARTITIONED split goes input by input. */
    public static StoredTask storedSplitByInput(Task spec) {
        StoredTask task = stored(spec);
        return new StoredTask(task.appUid(), task.id(), spec, task.status(), task.createdAt(), task.modifiedAt(), true);
    }
}
