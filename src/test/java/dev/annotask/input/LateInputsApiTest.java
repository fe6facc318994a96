package dev.annotask.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiDatasetInputResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs that join a task's source after a labeler's scan went past are still offered to that
 * labeler (docs/ARCHITECTURE.md, "The labeling workflow"): an old input added to a dataset
 * later, and, on PostgreSQL, an input whose transaction commits after one that another node
 * began later.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class LateInputsApiTest {
    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;
    private Labeler worker;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("late");
        app.addCollaborators(world.ownerToken(), "w1");
        app.postConcepts("cat");
        worker = new Labeler(world.client(), "w1", world.token("w1"), app);
    }

    private String fullTask(String source) {
        return app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]},"
                + "\"concept_ids\":[\"cat\"],\"input_source\":" + source + ",\"review\":{\"strategy\":\"NONE\"}}").getId();
    }

    @Test
    void anOldInputAddedToTheDatasetLaterIsStillOffered() {
        app.postTextInputs("old", "a", "b");
        app.postDatasets("ds");
        addToDataset("a", "b");
        String taskId = fullTask("{\"type\":\"DATASET\",\"id\":\"ds\"}");
        assertThat(LabelingApp.inputsOf(worker.labelBatch(taskId, worker.start(taskId), "cat")))
                .containsExactlyInAnyOrder("a", "b");

        addToDataset("old");

        assertThat(LabelingApp.inputsOf(worker.start(taskId))).containsExactly("old");
    }

    @Test
    void anInputCommittedAfterALaterOneIsStillOffered() throws Exception {
        if (dialect != SqlDialect.POSTGRESQL) {
            return; // SQLite has one writer: transactions cannot commit out of order
        }
        String taskId = fullTask("{\"type\":\"ALL_INPUTS\"}");
        String appUid = world.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT uid FROM apps WHERE id = :app").bind("app", app.appId()).mapTo(String.class).one());

        // Two uploads on two nodes: this node's begins first, but something else holds the
        // app's row (here a bare transaction) until later ...
        List<TaskAssignment> taken;
        try (Handle holder = world.database().jdbi().open()) {
            holder.begin();
            holder.execute("UPDATE apps SET input_count = input_count WHERE uid = ?", appUid);
            CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> app.call("POST", "/v2/inputs",
                    "{\"inputs\":[" + DataFixtures.textInput("slow") + "]}", MultiInputResponse.getDefaultInstance()).code());
            awaitWaitingForALock();
            // ... the other node's input is stored and committed meanwhile, and the labeler takes it ...
            world.database().jdbi().useHandle(otherNode -> otherNode.execute("INSERT INTO inputs"
                    + " (app_uid, id, data, status, created_at, modified_at)"
                    + " VALUES (?, 'quick', '{\"text\":{\"raw\":\"q\"}}', 30000, 0, 0)", appUid));
            taken = worker.start(taskId);
            assertThat(LabelingApp.inputsOf(taken)).containsExactly("quick");
            // ... and only then does this node's upload go through.
            holder.execute("UPDATE apps SET input_count = input_count + 1 WHERE uid = ?", appUid);
            holder.commit();
            assertThat(slow.get(30, TimeUnit.SECONDS)).isEqualTo(10000);
        }
        worker.labelBatch(taskId, taken, "cat");

        assertThat(LabelingApp.inputsOf(worker.start(taskId)))
                .as("its seq was drawn after the lock, past the labeler's position").containsExactly("slow");
    }

    /** Polls PostgreSQL until some session waits for a lock (the upload, behind the holder). */
    private void awaitWaitingForALock() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            boolean waiting = world.database().jdbi().withHandle(handle -> handle.createQuery(
                    "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'").mapTo(Long.class).one() > 0);
            if (waiting) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the upload never waited for the app's lock");
    }

    private void addToDataset(String... inputIds) {
        StringBuilder members = new StringBuilder();
        for (String id : inputIds) {
            members.append(members.length() == 0 ? "" : ",").append("{\"input\":{\"id\":\"").append(id).append("\"}}");
        }
        var reply = app.call("POST", "/v2/datasets/ds/inputs", "{\"dataset_inputs\":[" + members + "]}",
                MultiDatasetInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }
}
