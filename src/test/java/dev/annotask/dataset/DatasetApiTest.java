package dev.annotask.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Dataset;
import dev.annotask.proto.api.MultiDatasetInputResponse;
import dev.annotask.proto.api.MultiDatasetResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.SingleDatasetResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Datasets and their inputs through the REST API: PostDatasets, ListDatasets, GetDataset,
 * DeleteDatasets, PostDatasetInputs, ListDatasetInputs, DeleteDatasetInputs, and inputs
 * posted with {@code dataset_ids}. One server per database vendor, a fresh app per test.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class DatasetApiTest {
    private static final String OWNER = "owner";

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("datasets");
    }

    private ApiClient.Reply<MultiDatasetResponse> post(String json) {
        return app.call("POST", "/v2/datasets", json, MultiDatasetResponse.getDefaultInstance());
    }

    private ApiClient.Reply<SingleDatasetResponse> get(String datasetId) {
        return app.call("GET", "/v2/datasets/" + datasetId, null, SingleDatasetResponse.getDefaultInstance());
    }

    private List<String> datasetIds() {
        var reply = app.call("GET", "/v2/datasets", null, MultiDatasetResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getDatasetsList().stream().map(Dataset::getId).toList();
    }

    private ApiClient.Reply<MultiDatasetInputResponse> addInputs(String datasetId, String... inputIds) {
        StringBuilder items = new StringBuilder();
        for (String inputId : inputIds) {
            items.append(items.length() == 0 ? "" : ",").append("{\"input\":{\"id\":\"").append(inputId).append("\"}}");
        }
        return app.call("POST", "/v2/datasets/" + datasetId + "/inputs", "{\"dataset_inputs\":[" + items + "]}",
                MultiDatasetInputResponse.getDefaultInstance());
    }

    private List<String> inputsOf(String datasetId) {
        var reply = app.call("GET", "/v2/datasets/" + datasetId + "/inputs", null,
                MultiDatasetInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getDatasetInputsList().stream().map(d -> d.getInput().getId()).toList();
    }

    @Test
    void postedDatasetsAreListedAndReadBack() {
        var reply = post("{\"datasets\":[{\"id\":\"train\",\"description\":\"Training images\"},{\"id\":\"test\"}]}");

        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.httpStatus()).isEqualTo(200);
        assertThat(reply.message().getDatasetsList()).extracting(Dataset::getId).containsExactly("train", "test");
        var train = get("train");
        assertThat(train.code()).as(train.body()).isEqualTo(10000);
        assertThat(train.message().getDataset().getId()).isEqualTo("train");
        assertThat(train.message().getDataset().getDescription()).isEqualTo("Training images");
        assertThat(datasetIds()).containsExactlyInAnyOrder("train", "test");
    }

    @Test
    void datasetIdIsRequiredAndUnique() {
        var missing = post("{\"datasets\":[{\"description\":\"no id\"}]}");
        assertThat(missing.code()).as(missing.body()).isEqualTo(11102);
        assertThat(missing.httpStatus()).isEqualTo(400);
        assertThat(missing.status().getDetails()).contains("datasets[0].id");
        assertThat(missing.body()).contains("\"datasets\":[]");

        app.postDatasets("train");
        var taken = post("{\"datasets\":[{\"id\":\"extra\"},{\"id\":\"train\"}]}");
        assertThat(taken.code()).as(taken.body()).isEqualTo(40010);
        assertThat(taken.httpStatus()).isEqualTo(409);
        assertThat(get("extra").code()).as("extra must not have been created").isEqualTo(11101);
        assertThat(datasetIds()).containsExactly("train");
    }

    @Test
    void getOfAMissingDatasetDoesNotExist() {
        var reply = get("nope");
        assertThat(reply.code()).isEqualTo(11101);
        assertThat(reply.httpStatus()).isEqualTo(404);
    }

    @Test
    void deleteDatasetsIsAllOrNothing() {
        app.postDatasets("a", "b", "c");

        var withMissing = app.call("DELETE", "/v2/datasets", "{\"dataset_ids\":[\"a\",\"nope\"]}",
                BaseResponse.getDefaultInstance());
        assertThat(withMissing.code()).as(withMissing.body()).isEqualTo(11101);
        assertThat(withMissing.httpStatus()).isEqualTo(404);
        assertThat(datasetIds()).as("nothing deleted").containsExactlyInAnyOrder("a", "b", "c");

        var deleted = app.call("DELETE", "/v2/datasets", "{\"dataset_ids\":[\"a\",\"b\"]}",
                BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);
        assertThat(get("a").code()).isEqualTo(11101);
        assertThat(datasetIds()).containsExactly("c");
    }

    @Test
    void inputsAreAddedListedAndRemovedAndAddingTwiceIsHarmless() {
        app.postDatasets("train", "test");
        app.postTextInputs("i1", "i2", "i3");

        var added = addInputs("train", "i1", "i2");
        assertThat(added.code()).as(added.body()).isEqualTo(10000);
        assertThat(inputsOf("train")).containsExactlyInAnyOrder("i1", "i2");
        assertThat(inputsOf("test")).isEmpty();

        var twice = addInputs("train", "i1");
        assertThat(twice.code()).as(twice.body()).isEqualTo(10000);
        assertThat(inputsOf("train")).containsExactlyInAnyOrder("i1", "i2");

        var removed = app.call("DELETE", "/v2/datasets/train/inputs", "{\"input_ids\":[\"i1\"]}",
                BaseResponse.getDefaultInstance());
        assertThat(removed.code()).as(removed.body()).isEqualTo(10000);
        assertThat(inputsOf("train")).containsExactly("i2");
        assertThat(app.getInput("i1").getId()).as("the input itself stays").isEqualTo("i1");
    }

    @Test
    void addingAnUnknownInputIsInputDoesNotExist() {
        app.postDatasets("train");

        var reply = addInputs("train", "ghost");
        assertThat(reply.code()).as(reply.body()).isEqualTo(30102);
        assertThat(reply.httpStatus()).isEqualTo(404);
        assertThat(reply.body()).contains("\"dataset_inputs\":[]");
        assertThat(inputsOf("train")).isEmpty();
    }

    @Test
    void inputsPostedWithDatasetIdsAreInThoseDatasets() {
        app.postDatasets("train", "test", "other");

        var posted = app.call("POST", "/v2/inputs", "{\"inputs\":["
                + "{\"id\":\"i1\",\"dataset_ids\":[\"train\"],\"data\":{\"text\":{\"raw\":\"one\"}}},"
                + "{\"id\":\"i2\",\"dataset_ids\":[\"train\",\"test\"],\"data\":{\"text\":{\"raw\":\"two\"}}},"
                + "{\"id\":\"i3\",\"data\":{\"text\":{\"raw\":\"three\"}}}]}", MultiInputResponse.getDefaultInstance());
        assertThat(posted.code()).as(posted.body()).isEqualTo(10000);

        assertThat(inputsOf("train")).containsExactlyInAnyOrder("i1", "i2");
        assertThat(inputsOf("test")).containsExactly("i2");
        assertThat(inputsOf("other")).isEmpty();
    }

    @Test
    void inputsWithAnUnknownDatasetAreRefusedAndNothingIsWritten() {
        app.postDatasets("train");

        var reply = app.call("POST", "/v2/inputs", "{\"inputs\":["
                + "{\"id\":\"i1\",\"dataset_ids\":[\"train\"],\"data\":{\"text\":{\"raw\":\"one\"}}},"
                + "{\"id\":\"i2\",\"dataset_ids\":[\"nope\"],\"data\":{\"text\":{\"raw\":\"two\"}}}]}",
                MultiInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(11102);
        assertThat(reply.httpStatus()).isEqualTo(400);
        assertThat(reply.status().getDetails()).contains("dataset_ids");
        assertThat(app.inputIds("")).isEmpty();
        assertThat(inputsOf("train")).isEmpty();
    }

    @Test
    void datasetsBelongToTheirAppAndTheLongPathReachesThem() {
        var viaLongPath = world.client().send("POST", app.longPath() + "/datasets", world.ownerToken(),
                "{\"datasets\":[{\"id\":\"train\"}]}", MultiDatasetResponse.getDefaultInstance());
        assertThat(viaLongPath.code()).as(viaLongPath.body()).isEqualTo(10000);
        assertThat(get("train").code()).isEqualTo(10000);

        DataFixtures other = world.newBareApp("datasets");
        assertThat(other.call("GET", "/v2/datasets/train", null, SingleDatasetResponse.getDefaultInstance()).code())
                .isEqualTo(11101);
        assertThat(other.call("GET", "/v2/datasets", null, MultiDatasetResponse.getDefaultInstance())
                .message().getDatasetsList()).isEmpty();
        assertThat(other.call("DELETE", "/v2/datasets", "{\"dataset_ids\":[\"train\"]}",
                BaseResponse.getDefaultInstance()).code()).isEqualTo(11101);
        assertThat(datasetIds()).containsExactly("train");
    }
}
