package dev.annotask.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.TaskWorkerPartitionedStrategyInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a WEIGHTED task's weights become when some of its workers leave. */
class TaskRosterTest {
    @Test
    void aShareAboveOnePerInputIsLoweredToIt() {
        Task task = weighted(2, Map.of("a", 50.0, "b", 25.0, "c", 25.0));

        Task without = TaskRoster.without(task, Set.of("b"), "owner");

        TaskWorkerPartitionedStrategyInfo info = without.getWorker().getPartitionedStrategyInfo();
        assertThat(info.getWorkersPerInput()).isEqualTo(2);
        assertThat(weights(info)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 25.0, "c", 25.0));
    }

    @Test
    void onlyTheWeightsAboveTheLevelAreLowered() {
        // Four left, two per input: 60 of 100 is over a half; lowered to 40, a half of the new
        // total of 80, while 30, 5 and 5 stay.
        Task task = weighted(2, Map.of("a", 60.0, "b", 30.0, "c", 5.0, "d", 5.0, "e", 40.0));

        Map<String, Double> left = weights(TaskRoster.without(task, Set.of("e"), "owner")
                .getWorker().getPartitionedStrategyInfo());

        assertThat(left).containsOnlyKeys("a", "b", "c", "d");
        double total = left.values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(left.values()).allSatisfy(w -> assertThat(w / total).isLessThanOrEqualTo(0.5 + 1e-9));
        assertThat(left).containsExactlyInAnyOrderEntriesOf(Map.of("a", 40.0, "b", 30.0, "c", 5.0, "d", 5.0));
    }

    @Test
    void weightsWithinTheirSharesStay() {
        Task task = weighted(2, Map.of("a", 40.0, "b", 30.0, "c", 30.0, "d", 10.0));

        Map<String, Double> left = weights(TaskRoster.without(task, Set.of("d"), "owner")
                .getWorker().getPartitionedStrategyInfo());

        assertThat(left).containsExactlyInAnyOrderEntriesOf(Map.of("a", 40.0, "b", 30.0, "c", 30.0));
    }

    private static Task weighted(int perInput, Map<String, Double> weights) {
        Struct.Builder struct = Struct.newBuilder();
        weights.forEach((id, w) -> struct.putFields(id, Value.newBuilder().setNumberValue(w).build()));
        return Task.newBuilder().setWorker(TaskWorker.newBuilder()
                .setStrategy(TaskWorker.TaskWorkerStrategy.PARTITIONED)
                .addAllUserIds(weights.keySet().stream().sorted().toList())
                .setPartitionedStrategyInfo(TaskWorkerPartitionedStrategyInfo.newBuilder()
                        .setType(TaskWorkerPartitionedStrategyInfo.TaskWorkerPartitionedStrategy.WEIGHTED)
                        .setWorkersPerInput(perInput).setWeights(struct)))
                .build();
    }

    private static Map<String, Double> weights(TaskWorkerPartitionedStrategyInfo info) {
        Map<String, Double> weights = new LinkedHashMap<>();
        info.getWeights().getFieldsMap().forEach((id, value) -> weights.put(id, value.getNumberValue()));
        return weights;
    }
}
