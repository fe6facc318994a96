package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PARTITIONED tasks split by bucket, through HTTP on both databases: what a LABEL_START reads
 * does not grow as a worker's share shrinks (the same as more workers), every input goes once
 * to the owner of its bucket, late inputs included, and a task made before the split by bucket
 * keeps its split input by input.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class PartitionScanApiTest {
    private static final String BUCKET_OF_SEQ = "seq * 40503 % 16384";
    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("partition");
    }

    private List<String> postInputs(String prefix, int count) {
        List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
        for (int from = 0; from < count; from += 128) {
            app.data().postTextInputs(ids.subList(from, Math.min(count, from + 128)).toArray(String[]::new));
        }
        return ids;
    }

    private String weightedTask(int w1, int w2, int w3, int w4) {
        return app.task("{\"strategy\":\"PARTITIONED\",\"user_ids\":[\"w1\",\"w2\",\"w3\",\"w4\"],"
                + "\"partitioned_strategy_info\":{\"type\":\"WEIGHTED\",\"workers_per_input\":1,\"weights\":{\"w1\":" + w1
                + ",\"w2\":" + w2 + ",\"w3\":" + w3 + ",\"w4\":" + w4 + "}}}", "{\"strategy\":\"NONE\"}");
    }

    /** Source rows read per round (LABEL_START of a new batch, then its LABEL_SUBMIT) over a few rounds of w1. */
    private double rowsPerRound(String taskId, int rounds) {
        Labeler w1 = app.labeler("w1");
        long before = CandidateScan.ROWS_READ.sum();
        for (int round = 0; round < rounds; round++) {
            List<TaskAssignment> batch = w1.start(taskId);
            assertThat(batch).hasSize(LabelingService.BATCH);
            assertThat(w1.submit(taskId, batch).code()).isEqualTo(10000);
        }
        return (CandidateScan.ROWS_READ.sum() - before) / (double) rounds;
    }

    @Test
    void whatALabelStartReadsDoesNotGrowAsTheWorkersShareShrinks() {
        postInputs("in", 3000);
        double quarter = rowsPerRound(weightedTask(1, 1, 1, 1), 5);
        double oneIn32 = rowsPerRound(weightedTask(1, 1, 1, 29), 5);
        String splitByInput = weightedTask(1, 1, 1, 29);
        world.database().jdbi().useHandle(handle -> handle.createUpdate(
                "UPDATE tasks SET partition_by_input = TRUE WHERE id = :id").bind("id", splitByInput).execute());
        double oneIn32ByInput = rowsPerRound(splitByInput, 5);

        // A quarter of 3,000 inputs is read in order (a page of 256 rows per call); 1 in 32 by
        // bucket: the batch; 1 in 32 input by input: about 32 rows per input taken.
        assertThat(oneIn32).as("1 in 32, by bucket").isLessThanOrEqualTo(2.0 * LabelingService.BATCH)
                .isLessThanOrEqualTo(quarter);
        assertThat(oneIn32ByInput).as("1 in 32, input by input").isGreaterThan(10 * oneIn32);
    }

    @Test
    void everyInputGoesOnceToTheOwnerOfItsBucketLateInputsToo() {
        // w1–w3 own about 1,024 buckets each, fewer than the inputs: they read by bucket;
        // w4 owns the rest and reads in order. Both ways are in play.
        postInputs("early", 1500);
        String taskId = weightedTask(1, 1, 1, 13);
        Map<String, List<String>> byWorker = new HashMap<>();
        Labeler w1 = app.labeler("w1");
        for (int round = 0; round < 3; round++) {
            List<TaskAssignment> batch = w1.start(taskId);
            byWorker.computeIfAbsent("w1", w -> new ArrayList<>()).addAll(LabelingApp.inputsOf(batch));
            assertThat(w1.submit(taskId, batch).code()).isEqualTo(10000);
        }
        postInputs("late", 300); // while w1 is in the middle of a pass
        for (String worker : List.of("w1", "w2", "w3", "w4")) {
            Labeler labeler = app.labeler(worker);
            for (int round = 0; round < 400; round++) {
                List<TaskAssignment> batch = labeler.start(taskId);
                if (batch.isEmpty()) {
                    break;
                }
                byWorker.computeIfAbsent(worker, w -> new ArrayList<>()).addAll(LabelingApp.inputsOf(batch));
                assertThat(labeler.submit(taskId, batch).code()).isEqualTo(10000);
            }
        }
        List<String> all = byWorker.values().stream().flatMap(List::stream).toList();
        assertThat(all).as("no input twice").doesNotHaveDuplicates().hasSize(1800);

        Map<String, Integer> bucketOf = new HashMap<>();
        world.database().jdbi().useHandle(handle -> handle.createQuery("SELECT i.id, " + BUCKET_OF_SEQ.replace("seq",
                        "i.seq") + " AS bucket FROM inputs i JOIN apps a ON a.uid = i.app_uid WHERE a.id = :app")
                .bind("app", app.data().appId())
                .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getInt("bucket")))
                .forEach(e -> bucketOf.put(e.getKey(), e.getValue())));
        Map<Integer, String> ownerOfBucket = new HashMap<>();
        byWorker.forEach((worker, inputs) -> inputs.forEach(input -> {
            String owner = ownerOfBucket.putIfAbsent(bucketOf.get(input), worker);
            assertThat(owner == null || owner.equals(worker)).as("bucket of %s has one owner", input).isTrue();
        }));
        assertThat(byWorker.get("w4").size() / 1800.0).isBetween(13 / 16.0 - 0.05, 13 / 16.0 + 0.05);
        for (String worker : List.of("w1", "w2", "w3")) {
            assertThat(byWorker.get(worker).size() / 1800.0).as(worker).isBetween(1 / 16.0 - 0.03, 1 / 16.0 + 0.03);
        }
    }

    @Test
    void aTaskMadeBeforeTheSplitByBucketKeepsItsSplitInputByInput() {
        postInputs("in", 400);
        String taskId = weightedTask(1, 1, 1, 1);
        world.database().jdbi().useHandle(handle -> handle.createUpdate(
                "UPDATE tasks SET partition_by_input = TRUE WHERE id = :id").bind("id", taskId).execute());
        Set<String> seen = new HashSet<>();
        Map<String, List<String>> byWorker = new HashMap<>();
        int total = 0;
        for (String worker : List.of("w1", "w2", "w3", "w4")) {
            Labeler labeler = app.labeler(worker);
            for (List<TaskAssignment> batch = labeler.start(taskId); !batch.isEmpty(); batch = labeler.start(taskId)) {
                seen.addAll(LabelingApp.inputsOf(batch));
                byWorker.computeIfAbsent(worker, w -> new ArrayList<>()).addAll(LabelingApp.inputsOf(batch));
                total += batch.size();
                assertThat(labeler.submit(taskId, batch).code()).isEqualTo(10000);
            }
        }
        assertThat(seen).hasSize(400);
        assertThat(total).isEqualTo(400);
        String appUid = world.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT app_uid FROM tasks WHERE id = :id").bind("id", taskId).mapTo(String.class).one());
        Rendezvous byInput = new Rendezvous(LabelingPlan.seedOf(appUid, taskId),
                Map.of("w1", 1.0, "w2", 1.0, "w3", 1.0, "w4", 1.0));
        for (String worker : List.of("w1", "w2", "w3", "w4")) {
            assertThat(byWorker.get(worker)).as(worker)
                    .allSatisfy(input -> assertThat(byInput.owners(input, 1)).containsExactly(worker));
        }
    }
}
