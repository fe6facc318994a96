package dev.annotask.imports;

import static dev.annotask.imports.ImportFixtures.annotations;
import static dev.annotask.imports.ImportFixtures.coco;
import static dev.annotask.imports.ImportFixtures.run;
import static dev.annotask.imports.ImportFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.imports.Import;
import dev.annotask.store.SqlDialect;
import dev.annotask.store.Json;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pre-labels on both databases: imported (or posted) with Clarifai's machine-worker marker,
 * listed only when asked for, never final, visible to a labeler of a task over their inputs,
 * and never a labeling: no task progress, count or consensus sees them; a labeler who accepts
 * one or corrects it makes an annotation of their own.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class PrelabelApiTest {
    private static LabelingWorld world;

    @Parameter
    SqlDialect dialect;

    private LabelingApp app;

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        world = LabelingWorld.shared(dialect);
    }

    @BeforeEach
    void importPrelabels() {
        app = world.newApp("pre");
        Import done = run(app.data(), utf8(coco()), "coco.json", "COCO",
                "\"dataset_id\":\"d\",\"prelabel_model_id\":\"detector\",\"prelabel_model_version_id\":\"v3\"");
        assertThat(done.getState()).as(done.toString()).isEqualTo(Import.State.DONE);
    }

    @Test
    void prelabelsCarryTheModelAsTheirWorkerAndAreListedOnlyWhenAskedFor() {
        assertThat(annotations(app.data(), "")).as("people's annotations only, by default").isEmpty();
        List<Annotation> models = annotations(app.data(), "return_model_output=true");
        assertThat(models).extracting(Annotation::getId).containsExactlyInAnyOrder("a-11-v3", "b-12-v3");
        assertThat(models).allSatisfy(a -> {
            assertThat(a.getWorker().hasModel()).isTrue();
            assertThat(a.getWorker().getModel().getId()).isEqualTo("detector");
            assertThat(a.getWorker().getModel().getModelVersion().getId()).isEqualTo("v3");
            assertThat(a.getModelVersionId()).isEqualTo("v3");
            assertThat(a.getStatus().getCodeValue()).as("never final").isEqualTo(24151);
            assertThat(a.getTaskId()).isEmpty();
        });
        assertThat(annotations(app.data(), "model_version_ids=v3")).hasSize(2);
        assertThat(annotations(app.data(), "model_version_ids=other")).isEmpty();

        var finalized = app.call("PATCH", "/v2/annotations", "{\"action\":\"merge\",\"annotations\":[{\"id\":\"a-11-v3\","
                + "\"input_id\":\"a\",\"status\":{\"code\":24150}}]}", MultiAnnotationResponse.getDefaultInstance());
        assertThat(finalized.code()).as(finalized.body()).isEqualTo(24155);
        var inTask = app.call("POST", "/v2/annotations", "{\"annotations\":[{\"input_id\":\"a\",\"task_id\":\"t\","
                + "\"worker\":{\"model\":{\"id\":\"detector\"}},\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}]}",
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(inTask.code()).as(inTask.body()).isEqualTo(11102);
        var posted = app.call("POST", "/v2/annotations", "{\"annotations\":[{\"input_id\":\"a\",\"model_version_id\":"
                + "\"old-tool\",\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}]}", MultiAnnotationResponse.getDefaultInstance());
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        assertThat(posted.message().getAnnotations(0).getWorker().getModel().getId()).isEqualTo("old-tool");
        assertThat(posted.message().getAnnotations(0).getStatus().getCodeValue()).isEqualTo(24151);
    }

    @Test
    void aLabelerSeesPrelabelsAcceptsOneCorrectsAnotherAndOnlyTheirOwnWorkCounts() {
        String taskId = app.data().postTask("""
                {"type":"BOUNDING_BOX_DETECTION","name":"boxes","concept_ids":["cat","dog"],
                 "worker":{"strategy":"FULL","user_ids":["w1","w2"]},"input_source":{"type":"DATASET","id":"d"},
                 "review":{"strategy":"CONSENSUS","consensus_strategy_info":{"approval_threshold":2},"user_ids":["r1"]}}""")
                .getId();
        Task before = metrics(taskId);
        assertThat(before.getMetrics().getInputSource().getInputsCountEstimated()).isEqualTo(2);
        assertThat(before.getMetrics().getWork().getInputsCountEstimated()).as("pre-labels are no work").isZero();

        Labeler w1 = app.labeler("w1");
        List<TaskAssignment> batch = w1.start(taskId);
        assertThat(LabelingApp.inputsOf(batch)).containsExactlyInAnyOrder("a", "b");
        var seen = world.client().send("GET", app.data().longPath() + "/annotations?input_ids=a&input_ids=b"
                + "&return_model_output=true", world.token("w1"), null, MultiAnnotationResponse.getDefaultInstance());
        assertThat(seen.code()).as(seen.body()).isEqualTo(10000);
        Map<String, Annotation> suggestions = seen.message().getAnnotationsList().stream()
                .filter(a -> a.getWorker().hasModel())
                .collect(Collectors.toMap(Annotation::getInputId, Function.identity()));
        assertThat(suggestions).containsOnlyKeys("a", "b");

        // a: accepted as it is; b: the polygon corrected into a box of the labeler's own.
        var accepted = w1.annotate("{\"annotations\":[{\"input_id\":\"a\",\"task_id\":\"" + taskId + "\",\"data\":"
                + Json.write(suggestions.get("a").getData()) + "}]}");
        assertThat(accepted.code()).as(accepted.body()).isEqualTo(10000);
        var corrected = w1.annotate("{\"annotations\":[{\"input_id\":\"b\",\"task_id\":\"" + taskId + "\",\"data\":"
                + "{\"regions\":[{\"region_info\":{\"bounding_box\":{\"top_row\":0.2,\"left_col\":0.2,\"bottom_row\":0.9,"
                + "\"right_col\":0.9}},\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}}]}}]}");
        assertThat(corrected.code()).as(corrected.body()).isEqualTo(10000);
        var submitted = w1.submit(taskId, batch);
        assertThat(submitted.code()).as(submitted.body()).isEqualTo(10000);
        // Had the pre-label counted as a second labeler agreeing, a would be final (54200).
        assertThat(submitted.message().getTaskAssignmentsList()).allSatisfy(a ->
                assertThat(a.getStatus().getCodeValue()).as("awaiting a second person").isEqualTo(54203));

        List<Annotation> inTask = annotations(app.data(), "task_id=" + taskId);
        assertThat(inTask).hasSize(2).allSatisfy(a -> {
            assertThat(a.getUserId()).isEqualTo("w1");
            assertThat(a.getWorker().getUser().getId()).isEqualTo("w1");
        });
        assertThat(inTask.stream().filter(a -> a.getInputId().equals("a")).findFirst().orElseThrow().getData())
                .isEqualTo(suggestions.get("a").getData());
        Task after = metrics(taskId);
        assertThat(after.getMetrics().getWork().getInputsCountEstimated()).isEqualTo(2);
        assertThat(after.getMetrics().getReview().getInputsCountEstimated()).as("nothing final yet").isZero();
        assertThat(annotations(app.data(), "return_model_output=true").stream().filter(a -> a.getWorker().hasModel()))
                .as("the pre-labels stay as they were").hasSize(2)
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(24151));
    }

    private Task metrics(String taskId) {
        var reply = app.call("GET", "/v2/tasks/" + taskId + "?additional_fields=metrics", null,
                SingleTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTask();
    }
}
