package dev.annotask.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiDatasetVersionExportResponse;
import dev.annotask.proto.api.MultiDatasetVersionResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.SingleDatasetVersionResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.exports.Export;
import dev.annotask.proto.exports.MultiExportResponse;
import dev.annotask.proto.exports.SingleExportResponse;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.TestImages;
import java.util.Base64;

/**
 * The data the export tests start from, in an app of a labeling world (concepts cat and dog):
 * dataset {@code ds} with three stored images — img1 (PNG 40×30) with a cat box and the
 * input-level concept dog, img2 (JPEG 50×20) with a dog polygon and a pending (not final) cat
 * tag, img3 (GIF 10×10) without labels — and the calls the tests make on them.
 */
final class LabeledImages {
    static final byte[] PNG = TestImages.png(40, 30);
    static final byte[] JPEG = TestImages.jpeg(50, 20);
    static final byte[] GIF = TestImages.gif(10, 10);
    static final String BOX = "{\"top_row\":0.1,\"left_col\":0.2,\"bottom_row\":0.5,\"right_col\":0.6}";

    private final LabelingApp app;

    LabeledImages(LabelingApp app) {
        this.app = app;
    }

    LabelingApp app() {
        return app;
    }

    String base() {
        return app.data().longPath();
    }

    LabeledImages post() {
        app.data().postDatasets("ds");
        var inputs = app.call("POST", "/v2/inputs", "{\"inputs\":[" + image("img1", PNG) + "," + image("img2", JPEG) + ","
                + image("img3", GIF) + "]}", MultiInputResponse.getDefaultInstance());
        assertThat(inputs.code()).as(inputs.body()).isEqualTo(10000);
        var annotations = app.call("POST", "/v2/annotations", """
                {"annotations":[
                 {"id":"a-box","input_id":"img1","data":{"regions":[{"id":"r-box","region_info":{"bounding_box":%s},
                   "data":{"concepts":[{"id":"cat","value":1}]}}]}},
                 {"id":"a-tag","input_id":"img1","data":{"concepts":[{"id":"dog","value":1}]}},
                 {"id":"a-poly","input_id":"img2","data":{"regions":[{"id":"r-poly","region_info":{"polygon":{"points":[
                   {"row":0.1,"col":0.1},{"row":0.1,"col":0.5},{"row":0.6,"col":0.3}]}},
                   "data":{"concepts":[{"id":"dog","value":1}]}}]}},
                 {"id":"a-pending","input_id":"img2","data":{"concepts":[{"id":"cat","value":1}]},
                  "status":{"code":"ANNOTATION_PENDING"}}]}""".formatted(BOX), MultiAnnotationResponse.getDefaultInstance());
        assertThat(annotations.code()).as(annotations.body()).isEqualTo(10000);
        return this;
    }

    private static String image(String id, byte[] bytes) {
        return "{\"id\":\"" + id + "\",\"data\":{\"image\":{\"base64\":\"" + Base64.getEncoder().encodeToString(bytes)
                + "\"}},\"dataset_ids\":[\"ds\"]}";
    }

    /** PostDatasetVersions of ds, checked to succeed; waits until its snapshot is made (READY). */
    void version(String id) {
        var reply = app.call("POST", base() + "/datasets/ds/versions", "{\"dataset_versions\":[{\"id\":\"" + id + "\"}]}",
                MultiDatasetVersionResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        ready(id);
    }

    SingleDatasetVersionResponse getVersion(String id) {
        return app.call("GET", base() + "/datasets/ds/versions/" + id, null,
                SingleDatasetVersionResponse.getDefaultInstance()).message();
    }

    /** Waits until the version's metrics are counted. */
    SingleDatasetVersionResponse ready(String id) {
        return Exported.await(() -> getVersion(id),
                v -> v.getDatasetVersion().getStatus().getCode() == StatusCode.DATASET_VERSION_READY, "version " + id);
    }

    MultiDatasetVersionExportResponse putExports(String versionId, String... formats) {
        StringBuilder exports = new StringBuilder();
        for (String format : formats) {
            exports.append(exports.isEmpty() ? "" : ",").append("{\"format\":\"").append(format).append("\"}");
        }
        var reply = app.call("PUT", base() + "/datasets/ds/versions/" + versionId + "/exports",
                "{\"exports\":[" + exports + "]}", MultiDatasetVersionExportResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message();
    }

    /** PostExports of one export (its JSON), checked to succeed; returns its id. */
    String postExport(String exportJson) {
        var reply = app.call("POST", base() + "/exports", "{\"exports\":[" + exportJson + "]}",
                MultiExportResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getExports(0).getId();
    }

    /** Waits until the export is built, checked to have succeeded. */
    Export built(String exportId) {
        Export export = Exported.await(() -> app.call("GET", base() + "/exports/" + exportId, null,
                        SingleExportResponse.getDefaultInstance()).message().getExport(),
                e -> e.getStatus().getCode() != StatusCode.DATASET_VERSION_EXPORT_PENDING
                        && e.getStatus().getCode() != StatusCode.DATASET_VERSION_EXPORT_IN_PROGRESS, "export " + exportId);
        assertThat(export.getStatus().getCode()).as(export.toString()).isEqualTo(StatusCode.DATASET_VERSION_EXPORT_SUCCESS);
        return export;
    }
}
