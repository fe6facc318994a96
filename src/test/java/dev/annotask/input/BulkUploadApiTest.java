package dev.annotask.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A full upload (128 inputs, the most a PostInputs call takes) is stored with a few statements
 * for the whole batch: its inputs keep the request's order (listing and task scans), each joins
 * its datasets after the members already there and in that same order, the counters add up,
 * and a labeler's scan of an ALL_INPUTS task sees this app's inputs only, in arrival order.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class BulkUploadApiTest {
    private static final int FULL = InputRpcs.MAX_BATCH;

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("bulk");
        app.postDatasets("even", "all");
    }

    /** Ids in an order that is neither sorted nor generated, as clients send them. */
    private static List<String> ids(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + String.format("%03d", (i * 37) % count)).toList();
    }

    private void upload(DataFixtures into, List<String> ids, String conflict) {
        String inputs = IntStream.range(0, ids.size()).mapToObj(i -> "{\"id\":\"" + ids.get(i)
                        + "\",\"data\":{\"text\":{\"raw\":\"t\"}},\"dataset_ids\":["
                        + (i % 2 == 0 ? "\"even\",\"all\"" : "\"all\"") + "]}")
                .collect(Collectors.joining(","));
        var reply = into.call("POST", "/v2/inputs", "{\"inputs\":[" + inputs + "]" + conflict + "}",
                MultiInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    private List<String> membersInOrder(String datasetId) {
        return world.database().jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT d.input_id FROM dataset_inputs d JOIN apps a ON a.uid = d.app_uid
                        WHERE a.id = :app AND d.dataset_id = :dataset ORDER BY d.input_seq""")
                .bind("app", app.appId()).bind("dataset", datasetId).mapTo(String.class).list());
    }

    private List<Long> places(String datasetId) {
        return world.database().jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT d.input_seq FROM dataset_inputs d JOIN apps a ON a.uid = d.app_uid
                        WHERE a.id = :app AND d.dataset_id = :dataset ORDER BY d.input_seq""")
                .bind("app", app.appId()).bind("dataset", datasetId).mapTo(Long.class).list());
    }

    private static <T> List<T> everyOther(List<T> list) {
        return IntStream.range(0, list.size()).filter(i -> i % 2 == 0).mapToObj(list::get).toList();
    }

    @Test
    void aFullUploadKeepsTheRequestsOrderInTheAppAndInEachDataset() {
        List<String> first = ids("a", FULL);
        upload(app, first, "");

        assertThat(app.inputIds("?per_page=" + FULL)).containsExactlyElementsOf(first);
        assertThat(membersInOrder("all")).containsExactlyElementsOf(first);
        assertThat(membersInOrder("even")).containsExactlyElementsOf(everyOther(first));
        assertThat(places("all")).as("one place each, after the last")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, FULL).mapToObj(i -> (long) i).toList());
        assertThat(app.call("GET", "/v2/inputs/status", null,
                dev.annotask.proto.api.SingleInputCountResponse.getDefaultInstance()).message()
                .getCounts().getProcessed()).isEqualTo(FULL);
    }

    @Test
    void aSecondUploadWithSkippedIdsJoinsAfterTheFirstInItsOwnOrder() {
        List<String> first = ids("a", FULL);
        upload(app, first, "");
        // Half of these are taken: skipped inputs neither move nor join again.
        List<String> second = new ArrayList<>(ids("b", FULL / 2));
        second.addAll(1, first.subList(0, FULL / 2));
        upload(app, second, ",\"input_id_conflict_resolution\":\"SKIP\"");

        List<String> added = ids("b", FULL / 2);
        List<String> all = new ArrayList<>(first);
        all.addAll(added);
        assertThat(app.inputIds("?per_page=1000")).containsExactlyElementsOf(all);
        assertThat(membersInOrder("all")).containsExactlyElementsOf(all);
        assertThat(places("all")).doesNotHaveDuplicates().isSorted().hasSize(all.size());
        long counted = world.database().jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT d.input_count FROM datasets d JOIN apps a ON a.uid = d.app_uid
                        WHERE a.id = :app AND d.id = 'all'""").bind("app", app.appId()).mapTo(Long.class).one());
        assertThat(counted).as("the dataset's counter").isEqualTo(all.size());
    }

    @Test
    void anAllInputsTaskScansThisAppsInputsOnlyInArrivalOrder() {
        String workerToken = world.token("w1");
        app.addCollaborators(world.ownerToken(), "w1");
        app.postConcepts("cat");
        DataFixtures other = world.newBareApp("other");
        other.postDatasets("even", "all");
        // The other app's inputs arrive before, between and after this app's.
        upload(other, ids("x", 20), "");
        List<String> mine = ids("m", 12);
        upload(app, mine.subList(0, 6), "");
        upload(other, ids("y", 20), "");
        upload(app, mine.subList(6, 12), "");
        String taskId = app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"FULL\","
                + "\"user_ids\":[\"w1\"]},\"concept_ids\":[\"cat\"],\"input_source\":{\"type\":\"ALL_INPUTS\"},"
                + "\"review\":{\"strategy\":\"NONE\"}}").getId();
        Labeler worker = new Labeler(world.client(), "w1", workerToken, app);

        List<String> offered = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            var batch = worker.start(taskId);
            if (batch.isEmpty()) {
                break;
            }
            batch.forEach(assignment -> offered.add(assignment.getInput().getId()));
            worker.labelBatch(taskId, batch, "cat");
        }

        assertThat(offered).containsExactlyElementsOf(mine);
        assertThat(LabelingApp.inputsOf(worker.start(taskId))).isEmpty();
    }
}
