package dev.annotask.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.LabelingWorld;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tasks whose input source is a saved search (docs/ARCHITECTURE.md, "Saved searches as task
 * sources"): they cover what the search matches when they are made, and the inputs that match
 * later by any change (a new input, a patched one, an annotation, a dataset membership), which
 * labelers then get and label; a task that had completed reopens. On both databases.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class SavedSearchTaskApiTest {
    @Parameter
    SqlDialect dialect;

    private DataFixtures app;
    private Labeler worker;

    @BeforeEach
    void newApp() {
        LabelingWorld world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("searchtask");
        app.addCollaborators(world.ownerToken(), "w1");
        app.postConcepts("cat", "dog");
        worker = new Labeler(world.client(), "w1", world.token("w1"), app);
    }

    private void input(String id, String metadata) {
        SearchWorld.post(app, "{\"id\":\"" + id + "\",\"data\":{\"text\":{\"raw\":\"t\"},\"metadata\":" + metadata + "}}");
    }

    private void save(String id, String filters) {
        var saved = SearchWorld.search(app, "/v2/inputs/searches", "{\"searches\":[{\"id\":\"" + id
                + "\",\"save\":true,\"query\":{\"filters\":" + filters + "}}]}");
        assertThat(saved.code()).as(saved.body()).isEqualTo(10000);
    }

    private String task(String searchId) {
        return app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]},"
                + "\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"SAVED_SEARCH\",\"id\":\"" + searchId + "\"},"
                + "\"review\":{\"strategy\":\"NONE\"}}").getId();
    }

    private int status(String taskId) {
        return app.call("GET", "/v2/tasks/" + taskId, null, SingleTaskResponse.getDefaultInstance()).message().getTask()
                .getStatus().getCodeValue();
    }

    private List<String> labelWhatIsOffered(String taskId) {
        List<TaskAssignment> batch = worker.start(taskId);
        List<String> inputs = batch.stream().map(a -> a.getInput().getId()).toList();
        if (!batch.isEmpty()) {
            worker.labelBatch(taskId, batch, "cat");
        }
        return inputs;
    }

    @Test
    void inputsThatMatchLaterJoinTheTaskAndGetLabeled() {
        input("a", "{\"batch\":1}");
        input("b", "{\"batch\":2}");
        save("first", "[{\"input\":{\"data\":{\"metadata\":{\"batch\":1}}}}]");
        String taskId = task("first");
        assertThat(app.getTask(taskId).getInputSource().getType()).isEqualTo(
                dev.annotask.proto.api.TaskInputSource.TaskInputSourceType.SAVED_SEARCH);

        assertThat(labelWhatIsOffered(taskId)).containsExactly("a");
        assertThat(status(taskId)).as("everything it matched is labeled").isEqualTo(54002);

        input("c", "{\"batch\":1}");
        assertThat(status(taskId)).as("a new match reopens it").isEqualTo(54001);
        assertThat(labelWhatIsOffered(taskId)).containsExactly("c");

        var patched = app.call("PATCH", "/v2/inputs", "{\"action\":\"merge\",\"inputs\":[{\"id\":\"b\",\"data\":"
                + "{\"metadata\":{\"batch\":1}}}]}", MultiInputResponse.getDefaultInstance());
        assertThat(patched.code()).as(patched.body()).isEqualTo(10000);
        assertThat(labelWhatIsOffered(taskId)).as("an input patched into the search").containsExactly("b");
        assertThat(status(taskId)).isEqualTo(54002);

        var inUse = app.call("DELETE", "/v2/searches/first", null, BaseResponse.getDefaultInstance());
        assertThat(inUse.code()).as(inUse.body()).isEqualTo(43005);
        assertThat(inUse.status().getDetails()).contains(taskId);
        // Labels in the task are annotations a search finds by task id.
        var labeled = SearchWorld.search(app, "/v2/annotations/searches", "{\"searches\":[{\"query\":{\"filters\":"
                + "[{\"annotation\":{\"task_id\":\"" + taskId + "\"}}]}}]}");
        assertThat(labeled.message().getHitsList()).extracting(h -> h.getInput().getId()).containsExactly("a", "c", "b");
    }

    @Test
    void annotationsAndDatasetsMakeInputsMatch() {
        input("x", "{}");
        input("y", "{}");
        input("z", "{}");
        app.postDatasets("keep");
        save("dogs", "[{\"annotation\":{\"data\":{\"concepts\":[{\"id\":\"dog\"}]}}}]");
        save("kept", "[{\"input\":{\"dataset_ids\":[\"keep\"]}},{\"negate\":true,\"annotation\":{\"user_id\":\"w1\"}}]");
        String dogs = task("dogs");
        String kept = task("kept");
        assertThat(worker.start(dogs)).as("nothing matches yet").isEmpty();

        SearchWorld.annotate(app, "{\"annotations\":[{\"input_id\":\"y\",\"data\":{\"concepts\":[{\"id\":\"dog\"}]}}]}");
        assertThat(labelWhatIsOffered(dogs)).as("an annotation made it match").containsExactly("y");

        SearchWorld.addToDataset(app, "keep", "z", "y");
        assertThat(labelWhatIsOffered(kept)).as("joined the dataset, and w1 has not labeled it").containsExactly("z");
        assertThat(status(kept)).isEqualTo(54002);
        // w1 labeled y in the other task: it never matched "kept", and stays out of it.
        assertThat(worker.start(kept)).isEmpty();
    }

    @Test
    void deletingADatasetLetsItsInputsMatchANegatedDatasetFilter() {
        input("m1", "{}");
        input("m2", "{}");
        input("m3", "{}");
        app.postDatasets("hold", "other");
        SearchWorld.addToDataset(app, "hold", "m1", "m2");
        SearchWorld.addToDataset(app, "other", "m3");
        save("free", "[{\"negate\":true,\"input\":{\"dataset_ids\":[\"hold\"]}}]");
        String taskId = task("free");
        assertThat(labelWhatIsOffered(taskId)).as("only the input outside the dataset").containsExactly("m3");
        assertThat(status(taskId)).isEqualTo(54002);

        var deleted = app.call("DELETE", "/v2/datasets", "{\"dataset_ids\":[\"hold\"]}", BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);
        assertThat(status(taskId)).as("the dataset's inputs match now: the task reopens").isEqualTo(54001);
        assertThat(labelWhatIsOffered(taskId)).containsExactlyInAnyOrder("m1", "m2");
    }

    @Test
    void aPartitionedTaskSplitsTheSearchsInputs() {
        LabelingWorld world = LabelingWorld.sharedOnSystemClock(dialect);
        app.addCollaborators(world.ownerToken(), "w2");
        Labeler second = new Labeler(world.client(), "w2", world.token("w2"), app);
        for (int i = 0; i < 12; i++) {
            input("in" + i, "{\"half\":" + (i % 2 == 0) + "}");
        }
        save("even", "[{\"input\":{\"data\":{\"metadata\":{\"half\":true}}}}]");
        String taskId = app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"PARTITIONED\","
                + "\"user_ids\":[\"w1\",\"w2\"],\"partitioned_strategy_info\":{\"type\":\"EVENLY\",\"workers_per_input\":1}},"
                + "\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"SAVED_SEARCH\",\"id\":\"even\"},"
                + "\"review\":{\"strategy\":\"NONE\"}}").getId();
        input("late", "{\"half\":true}");

        java.util.List<String> taken = new java.util.ArrayList<>();
        for (Labeler labeler : List.of(worker, second)) {
            for (int round = 0; round < 5; round++) {
                List<TaskAssignment> batch = labeler.start(taskId);
                if (batch.isEmpty()) {
                    break;
                }
                batch.forEach(a -> taken.add(a.getInput().getId()));
                labeler.labelBatch(taskId, batch, "cat");
            }
        }
        assertThat(taken).as("each input of the search once, between the two")
                .containsExactlyInAnyOrder("in0", "in2", "in4", "in6", "in8", "in10", "late");
        assertThat(status(taskId)).isEqualTo(54002);
    }

    @Test
    void inputsJoiningAtOnceGetPlacesOfTheirOwn() throws Exception {
        save("all", "[{\"input\":{\"data\":{\"text\":{}}}}]");
        String taskId = task("all");
        java.util.concurrent.ExecutorService uploads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(uploads.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        input("t" + thread + "-" + i, "{}");
                    }
                }));
            }
            for (var upload : done) {
                upload.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            uploads.shutdownNow();
        }
        java.util.Set<String> offered = new java.util.HashSet<>();
        for (int round = 0; round < 5 && offered.size() < 20; round++) {
            List<TaskAssignment> batch = worker.start(taskId);
            batch.forEach(a -> offered.add(a.getInput().getId()));
            worker.labelBatch(taskId, batch, "cat");
        }
        assertThat(offered).as("every concurrent upload joined the task").hasSize(20);
        assertThat(status(taskId)).isEqualTo(54002);
    }

    @Test
    void aTaskNeedsASavedSearchOfItsApp() {
        var missing = app.call("POST", "/v2/tasks", "{\"tasks\":[{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":"
                + "{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]},\"concept_ids\":[\"cat\"],\"input_source\":"
                + "{\"type\":\"SAVED_SEARCH\",\"id\":\"nope\"}}]}", MultiTaskResponse.getDefaultInstance());
        assertThat(missing.code()).as(missing.body()).isEqualTo(11102);
        assertThat(missing.status().getDetails()).contains("tasks[0].input_source.id", "nope");
    }
}
