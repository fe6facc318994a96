package dev.annotask.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.annotask.proto.api.MultiDatasetVersionExportResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.exports.MultiExportResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.LabelingWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A dataset version's snapshot made in the background, on both databases: exports of a version
 * not READY are refused with its status; a build that died resumes after what it had copied
 * without copying anything twice; inputs added to the dataset after the version was asked for
 * stay out of it. The worker's state is set by hand in the database (a lease held far into the
 * future keeps the worker off a version until the test lets it lapse).
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class VersionBuildApiTest {
    private static final long FAR_FUTURE = Long.MAX_VALUE / 4;
    private static LabelingWorld world;

    @Parameter
    SqlDialect dialect;

    private LabeledImages images;

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        world = LabelingWorld.shared(dialect);
    }

    @BeforeEach
    void postImages() {
        images = new LabeledImages(world.newApp("vbuild")).post();
    }

    @Test
    void exportsOfAVersionNotReadyAreRefusedWithItsStatusUntilItIsBuilt() {
        images.version("v1");
        String uid = versionUid("v1");
        sql("UPDATE dataset_versions SET status = 64005, lease_until = " + FAR_FUTURE + " WHERE uid = '" + uid + "'");

        assertThat(images.getVersion("v1").getDatasetVersion().getStatus().getCode())
                .isEqualTo(StatusCode.DATASET_VERSION_PENDING);
        var put = images.app().call("PUT", images.base() + "/datasets/ds/versions/v1/exports",
                "{\"exports\":[{\"format\":\"COCO\"}]}", MultiDatasetVersionExportResponse.getDefaultInstance());
        assertThat(put.httpStatus()).as(put.body()).isEqualTo(409);
        assertThat(put.status().getCode()).isEqualTo(StatusCode.DATASET_VERSION_PENDING);
        var post = images.app().call("POST", images.base() + "/exports",
                "{\"exports\":[{\"format\":\"JSONL\",\"dataset_id\":\"ds\",\"dataset_version_id\":\"v1\"}]}",
                MultiExportResponse.getDefaultInstance());
        assertThat(post.status().getCode()).as(post.body()).isEqualTo(StatusCode.DATASET_VERSION_PENDING);
        assertThat(count("SELECT COUNT(*) FROM exports WHERE version_uid = '" + uid + "'")).as("nothing written").isZero();

        sql("UPDATE dataset_versions SET lease_until = 0 WHERE uid = '" + uid + "'");
        images.ready("v1");
        assertThat(images.putExports("v1", "COCO").getExports(0).getStatus().getCode())
                .isEqualTo(StatusCode.DATASET_VERSION_EXPORT_PENDING);
    }

    @Test
    void aBuildThatDiedResumesAfterWhatItCopiedAndCopiesNothingTwice() {
        images.version("v1");
        String uid = versionUid("v1");
        long first = count("SELECT MIN(input_seq) FROM dataset_version_inputs WHERE version_uid = '" + uid + "'");
        // A node copied the first input and died holding the lease: the rest is not there, the lease lapses.
        sql("DELETE FROM dataset_version_annotations WHERE version_uid = '" + uid + "' AND input_seq > " + first);
        sql("DELETE FROM dataset_version_inputs WHERE version_uid = '" + uid + "' AND input_seq > " + first);
        sql("UPDATE dataset_versions SET status = 64010, metrics = NULL, lease_owner = 'a-dead-node', lease_until = 0"
                + " WHERE uid = '" + uid + "'");

        var metrics = images.ready("v1").getDatasetVersion().getMetricsOrThrow("/");
        assertThat(metrics.getInputsCount().getValue()).isEqualTo(3);
        assertThat(metrics.getRegionsCount().getValue()).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM dataset_version_annotations WHERE version_uid = '" + uid + "'"))
                .as("a-box, a-tag, a-poly: turned in, each once").isEqualTo(3);
        JsonObject coco = JsonParser.parseString(Exported.text(Exported.download(images.built(images.postExport(
                "{\"format\":\"COCO\",\"dataset_id\":\"ds\",\"dataset_version_id\":\"v1\"}")).getUrl(), key()),
                "annotations/instances.json")).getAsJsonObject();
        List<String> inputIds = coco.getAsJsonArray("images").asList().stream()
                .map(image -> image.getAsJsonObject().get("annotask_input_id").getAsString()).toList();
        assertThat(inputIds).containsExactly("img1", "img2", "img3");
    }

    @Test
    void inputsAddedAfterTheVersionWasAskedForStayOutOfIt() {
        images.version("v1");
        String uid = versionUid("v1");
        // As if the version had just been asked for: nothing copied yet, the worker kept off it.
        sql("DELETE FROM dataset_version_annotations WHERE version_uid = '" + uid + "'");
        sql("DELETE FROM dataset_version_inputs WHERE version_uid = '" + uid + "'");
        sql("UPDATE dataset_versions SET status = 64005, metrics = NULL, lease_until = " + FAR_FUTURE
                + " WHERE uid = '" + uid + "'");
        var added = images.app().call("POST", "/v2/inputs", "{\"inputs\":[{\"id\":\"img4\",\"data\":{\"image\":{\"url\":"
                + "\"https://example.com/img4.png\"}},\"dataset_ids\":[\"ds\"]}]}", MultiInputResponse.getDefaultInstance());
        assertThat(added.code()).as(added.body()).isEqualTo(10000);

        sql("UPDATE dataset_versions SET lease_until = 0 WHERE uid = '" + uid + "'");
        assertThat(images.ready("v1").getDatasetVersion().getMetricsOrThrow("/").getInputsCount().getValue())
                .as("img4 came after").isEqualTo(3);
        images.version("v2");
        assertThat(images.getVersion("v2").getDatasetVersion().getMetricsOrThrow("/").getInputsCount().getValue())
                .isEqualTo(4);
    }

    @Test
    void aDeletedExportsFileGoesOnceTheDeleteHasCommitted() throws Exception {
        images.version("v1");
        String exportId = images.postExport("{\"format\":\"JSONL\",\"dataset_id\":\"ds\",\"dataset_version_id\":\"v1\"}");
        images.built(exportId);
        Path file = world.server().config().dataDir().resolve("exports").resolve(exportId + ".zip");
        assertThat(file).exists();

        var deleted = images.app().call("DELETE", images.base() + "/exports", "{\"ids\":[\"" + exportId + "\"]}",
                dev.annotask.proto.api.status.BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);
        assertThat(Exported.await(() -> Files.exists(file), exists -> !exists, "the file of " + exportId)).isFalse();
    }

    private String key() {
        return images.app().data().appKey();
    }

    private String versionUid(String id) {
        return world.database().jdbi().withHandle(h -> h.createQuery("""
                        SELECT v.uid FROM dataset_versions v JOIN apps a ON a.uid = v.app_uid
                        WHERE a.id = :app AND v.dataset_id = 'ds' AND v.id = :id""")
                .bind("app", images.app().data().appId()).bind("id", id).mapTo(String.class).one());
    }

    private static void sql(String statement) {
        world.database().jdbi().useHandle(h -> h.execute(statement));
    }

    private static long count(String query) {
        return world.database().jdbi().withHandle(h -> h.createQuery(query).mapTo(Long.class).one());
    }
}
