package dev.annotask.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.annotask.proto.api.MultiDatasetVersionExportResponse;
import dev.annotask.proto.api.MultiDatasetVersionResponse;
import dev.annotask.proto.api.SingleDatasetVersionResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.exports.MultiExportResponse;
import dev.annotask.proto.exports.SingleExportResponse;
import dev.annotask.proto.webhooks.MultiWebhookDeliveryResponse;
import dev.annotask.proto.webhooks.MultiWebhookResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exports of tasks, who may make and read exports, refusals, and the {@code export.ready}
 * event, through the REST API on both databases: a task's final labels (approved by a reviewer,
 * who is named) against every labeler's; keys of other apps, collaborators without the scopes
 * and requests without a key refused, with status bodies; bad requests refused all or nothing.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class TaskExportApiTest {
    private static LabelingWorld world;

    @Parameter
    SqlDialect dialect;

    private LabelingApp app;
    private LabeledImages images;

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        world = LabelingWorld.shared(dialect);
    }

    @BeforeEach
    void newApp() {
        app = world.newApp("taskexports");
        images = new LabeledImages(app);
    }

    private List<JsonObject> jsonl(String exportId) {
        return Exported.text(Exported.download(images.built(exportId).getUrl(), app.data().appKey()), "labels.jsonl")
                .lines().map(line -> JsonParser.parseString(line).getAsJsonObject()).toList();
    }

    private static String batch(String action, String config, List<TaskAssignment> assignments) {
        String ids = assignments.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
        return "{\"action\":\"" + action + "\",\"" + config + "\":{\"task_assignments\":[" + ids + "]}}";
    }

    @Test
    void aTasksExportHoldsItsFinalLabelsWithReviewersOrEveryLabelersAndSaysSoByWebhook() {
        var hook = world.client().send("POST", images.base() + "/webhooks", world.ownerToken(), "{\"webhooks\":[{\"id\":"
                + "\"ready\",\"url\":\"https://hooks.example.com/exports\",\"events\":[\"export.ready\"],\"secret\":"
                + "\"a-secret-of-sixteen-chars\"}]}", MultiWebhookResponse.getDefaultInstance());
        assertThat(hook.code()).as(hook.body()).isEqualTo(10000);
        app.postInputs(2);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        app.labeler("w1").labelBatch(taskId, app.labeler("w1").start(taskId), "cat");
        List<TaskAssignment> queue = app.labeler("r1").put(taskId, "{\"action\":\"REVIEW_START\"}").message()
                .getTaskAssignmentsList();
        assertThat(queue).hasSize(2);
        String approvedInput = queue.get(0).getInput().getId();
        assertThat(app.labeler("r1").put(taskId, batch("REVIEW_APPROVE", "review_approve_config", queue.subList(0, 1)))
                .code()).isEqualTo(10000);

        String finalOnly = images.postExport("{\"format\":\"JSONL\",\"task_id\":\"" + taskId + "\"}");
        List<JsonObject> lines = jsonl(finalOnly);
        assertThat(lines).extracting(l -> l.get("input_id").getAsString()).containsExactly("in0", "in1");
        for (JsonObject line : lines) {
            JsonArray labels = line.getAsJsonArray("labels");
            if (line.get("input_id").getAsString().equals(approvedInput)) {
                assertThat(labels).hasSize(1);
                JsonObject label = labels.get(0).getAsJsonObject();
                assertThat(label.get("labeler").getAsString()).isEqualTo("w1");
                assertThat(label.getAsJsonArray("reviewers").get(0).getAsString()).isEqualTo("r1");
                assertThat(label.get("status").getAsString()).isEqualTo("ANNOTATION_SUCCESS");
                assertThat(label.getAsJsonObject("data").getAsJsonArray("concepts").get(0).getAsJsonObject().get("id")
                        .getAsString()).isEqualTo("cat");
                assertThat(label.get("task_id").getAsString()).isEqualTo(taskId);
            } else {
                assertThat(labels).as("awaiting review: not final").isEmpty();
            }
        }

        String every = images.postExport("{\"format\":\"JSONL\",\"labels\":\"ALL_LABELERS\",\"task_id\":\"" + taskId + "\"}");
        assertThat(jsonl(every)).allSatisfy(line -> assertThat(line.getAsJsonArray("labels")).hasSize(1))
                .extracting(l -> l.getAsJsonArray("labels").get(0).getAsJsonObject().get("status").getAsString())
                .containsExactlyInAnyOrder("ANNOTATION_SUCCESS", "ANNOTATION_AWAITING_REVIEW");

        var deliveries = Exported.await(() -> world.client().send("GET", images.base() + "/webhooks/ready/deliveries",
                        world.ownerToken(), null, MultiWebhookDeliveryResponse.getDefaultInstance()).message(),
                d -> d.getDeliveriesCount() >= 2, "two export.ready events");
        assertThat(deliveries.getDeliveriesList()).allSatisfy(d -> assertThat(d.getEventType()).isEqualTo("export.ready"));
    }

    @Test
    void onlyCallersWhoMayReadTheAppsLabelsExportOrDownload() {
        images.post();
        images.version("v1");
        String exportId = images.postExport("{\"format\":\"CSV\",\"dataset_id\":\"ds\",\"dataset_version_id\":\"v1\"}");
        String url = images.built(exportId).getUrl();
        String getPath = images.base() + "/exports/" + exportId;

        String otherKey = world.newBareApp("elsewhere").appKey();
        var foreign = Exported.get(url, otherKey);
        assertThat(foreign.statusCode()).isEqualTo(401);
        assertThat(new String(foreign.body(), StandardCharsets.UTF_8)).contains("\"code\":11008");
        assertThat(world.client().send("GET", getPath, otherKey, null, SingleExportResponse.getDefaultInstance()).code())
                .isEqualTo(11008);
        String outsider = new Fixtures(world.client()).createUserWithToken(world.freshUserId("outsider"));
        assertThat(world.client().send("GET", getPath, outsider, null, SingleExportResponse.getDefaultInstance()).code())
                .as("not a collaborator").isEqualTo(11008);
        assertThat(Exported.get(url, outsider).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> anonymous = Exported.get(url, null);
        assertThat(anonymous.statusCode()).isEqualTo(400);
        assertThat(new String(anonymous.body(), StandardCharsets.UTF_8)).contains("\"code\":11102");

        // A labeler whose grant lets them label but not export.
        String labeler = world.freshUserId("exporter");
        String token = new Fixtures(world.client()).createUserWithToken(labeler);
        new Fixtures(world.client()).addCollaborator(world.ownerToken(), LabelingWorld.OWNER, app.data().appId(), labeler,
                "[\"Apps:Get\",\"Inputs:Get\",\"Annotations:Get\",\"Annotations:Add\",\"Tasks:Get\"]");
        var refused = world.client().send("POST", images.base() + "/exports", token, "{\"exports\":[{\"format\":\"CSV\","
                + "\"dataset_id\":\"ds\",\"dataset_version_id\":\"v1\"}]}", MultiExportResponse.getDefaultInstance());
        assertThat(refused.code()).isEqualTo(11007);
        assertThat(refused.body()).contains("Exports:Add");
        assertThat(world.client().send("POST", images.base() + "/datasets/ds/versions", token,
                "{\"dataset_versions\":[{}]}", MultiDatasetVersionResponse.getDefaultInstance()).code()).isEqualTo(11007);
        var download = Exported.get(url, token);
        assertThat(download.statusCode()).isEqualTo(403);
        assertThat(new String(download.body(), StandardCharsets.UTF_8)).contains("\"code\":11007", "Datasets:Get");

        // A collaborator granted All may, as the scope rules say.
        Map<String, byte[]> byWorker = Exported.download(url, world.token("w1"));
        assertThat(byWorker).containsKey("labels.csv");
        assertThat(Exported.get(url.replace(exportId, "nope"), app.data().appKey()).statusCode()).isEqualTo(404);
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() {
        images.post();
        String exports = images.base() + "/exports";
        List.of("{\"exports\":[{\"task_id\":\"t\"}]}",
                        "{\"exports\":[{\"format\":\"COCO\"}]}",
                        "{\"exports\":[{\"format\":\"COCO\",\"task_id\":\"t\",\"dataset_id\":\"ds\"}]}",
                        "{\"exports\":[{\"format\":\"COCO\",\"dataset_id\":\"ds\"}]}")
                .forEach(json -> assertThat(app.call("POST", exports, json, MultiExportResponse.getDefaultInstance()).code())
                        .as(json).isEqualTo(11102));
        assertThat(app.call("POST", exports, "{\"exports\":[{\"format\":\"NOPE\",\"task_id\":\"t\"}]}",
                MultiExportResponse.getDefaultInstance()).code()).isEqualTo(11100);
        assertThat(app.call("POST", exports, "{\"exports\":[{\"format\":\"COCO\",\"task_id\":\"missing\"}]}",
                MultiExportResponse.getDefaultInstance()).code()).isEqualTo(StatusCode.TASK_MISSING_VALUE);
        assertThat(app.call("POST", exports, "{\"exports\":[{\"format\":\"YOLO\",\"dataset_id\":\"ds\","
                + "\"dataset_version_id\":\"missing\"}]}", MultiExportResponse.getDefaultInstance()).code()).isEqualTo(11101);
        assertThat(app.call("GET", exports, null, MultiExportResponse.getDefaultInstance()).message().getExportsList())
                .as("nothing half-made").isEmpty();

        images.version("v1");
        assertThat(app.call("POST", images.base() + "/datasets/ds/versions", "{\"dataset_versions\":[{\"id\":\"v1\"}]}",
                MultiDatasetVersionResponse.getDefaultInstance()).code()).isEqualTo(40010);
        assertThat(app.call("POST", images.base() + "/datasets/nope/versions", "{\"dataset_versions\":[{}]}",
                MultiDatasetVersionResponse.getDefaultInstance()).code()).isEqualTo(11101);
        assertThat(app.call("PUT", images.base() + "/datasets/ds/versions/v1/exports", "{\"exports\":[{}]}",
                MultiDatasetVersionExportResponse.getDefaultInstance()).code()).isEqualTo(11102);
        assertThat(app.call("GET", images.base() + "/datasets/ds/versions/v2", null,
                SingleDatasetVersionResponse.getDefaultInstance()).code()).isEqualTo(11101);
        assertThat(app.call("DELETE", images.base() + "/datasets/ds/versions", "{\"dataset_version_ids\":[\"v1\",\"v2\"]}",
                BaseResponse.getDefaultInstance()).code()).as("one unknown: nothing deleted").isEqualTo(11101);
        assertThat(images.getVersion("v1").getDatasetVersion().getId()).isEqualTo("v1");

        String exportId = images.postExport("{\"format\":\"COCO\",\"dataset_id\":\"ds\",\"dataset_version_id\":\"v1\"}");
        String url = images.built(exportId).getUrl();
        assertThat(app.call("DELETE", images.base() + "/datasets/ds/versions", "{\"dataset_version_ids\":[\"v1\"]}",
                BaseResponse.getDefaultInstance()).code()).isEqualTo(10000);
        assertThat(app.call("GET", exports + "/" + exportId, null, SingleExportResponse.getDefaultInstance()).code())
                .as("a deleted version takes its exports").isEqualTo(11101);
        assertThat(Exported.get(url, app.data().appKey()).statusCode()).isEqualTo(404);
        assertThat(app.call("GET", images.base() + "/datasets/ds/versions", null,
                MultiDatasetVersionResponse.getDefaultInstance()).message().getDatasetVersionsList()).isEmpty();
    }
}
