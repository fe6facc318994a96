package dev.annotask.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.DatasetVersion;
import dev.annotask.proto.api.DatasetVersionExport;
import dev.annotask.proto.api.DatasetVersionMetrics;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.InputBatch;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.LabelingWorld;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Dataset versions and their exports through the REST API, on both databases: a version's
 * snapshot, status and metrics; each format's ZIP read back by a reader of the test's own (JSON
 * trees, the protobuf schema, the JDK's XML parser, text by hand) and compared with what was
 * posted; and a version's exports unchanged by edits made after it.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class ExportApiTest {
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
        images = new LabeledImages(world.newApp("exports")).post();
    }

    private String key() {
        return images.app().data().appKey();
    }

    @Test
    void aVersionCountsItsFinalLabelsAndExportsClarifaisFormats() {
        images.version("v1");
        DatasetVersion version = images.ready("v1").getDatasetVersion();
        assertThat(version.getDatasetId()).isEqualTo("ds");
        DatasetVersionMetrics metrics = version.getMetricsOrThrow("/");
        assertThat(metrics.getInputsCount().getValue()).isEqualTo(3);
        assertThat(metrics.getUnlabeledInputsCount().getValue()).as("img3").isEqualTo(1);
        assertThat(metrics.getRegionsCount().getValue()).isEqualTo(2);
        assertThat(metrics.getBoundingBoxesCount().getValue()).isEqualTo(1);
        assertThat(metrics.getPolygonsCount().getValue()).isEqualTo(1);
        assertThat(metrics.getPositiveInputTagsCount().getValue()).as("dog on img1; the pending cat is not final")
                .isEqualTo(1);
        assertThat(metrics.getPositiveRegionTagsCount().getValue()).isEqualTo(2);

        var put = images.putExports("v1", "COCO", "CLARIFAI_DATA_PROTOBUF", "CLARIFAI_DATA_JSON");
        assertThat(put.getExportsList()).extracting(e -> e.getStatus().getCode())
                .containsOnly(StatusCode.DATASET_VERSION_EXPORT_PENDING);
        var info = Exported.await(() -> images.getVersion("v1").getDatasetVersion().getExportInfo(),
                i -> List.of(i.getCoco(), i.getClarifaiDataProtobuf(), i.getClarifaiDataJson()).stream().allMatch(
                        e -> e.getStatus().getCode() == StatusCode.DATASET_VERSION_EXPORT_SUCCESS), "three exports");
        assertThat(images.putExports("v1", "COCO").getExports(0).getUrl()).as("Put again: the same export")
                .isEqualTo(info.getCoco().getUrl());

        checkCoco(download(info.getCoco()));
        checkProtobuf(download(info.getClarifaiDataProtobuf()));
        checkClarifaiJson(download(info.getClarifaiDataJson()));
    }

    private Map<String, byte[]> download(DatasetVersionExport export) {
        assertThat(export.getSize()).isPositive();
        assertThat(export.getUrl()).startsWith("http://").contains("/exports/").endsWith("/download");
        Map<String, byte[]> entries = Exported.download(export.getUrl(), key());
        return entries;
    }

    private static void checkCoco(Map<String, byte[]> zip) {
        JsonObject coco = JsonParser.parseString(Exported.text(zip, "annotations/instances.json")).getAsJsonObject();
        JsonArray imageList = coco.getAsJsonArray("images");
        assertThat(imageList).hasSize(3);
        JsonObject img1 = imageList.get(0).getAsJsonObject();
        assertThat(img1.get("file_name").getAsString()).isEqualTo("img1.png");
        assertThat(img1.get("width").getAsInt()).isEqualTo(40);
        assertThat(img1.get("height").getAsInt()).isEqualTo(30);
        JsonObject img2 = imageList.get(1).getAsJsonObject();
        assertThat(img2.get("file_name").getAsString()).isEqualTo("img2.jpg");
        assertThat(img2.get("width").getAsInt()).isEqualTo(50);
        Map<String, Integer> categories = new java.util.HashMap<>();
        coco.getAsJsonArray("categories").forEach(c -> categories.put(c.getAsJsonObject().get("name").getAsString(),
                c.getAsJsonObject().get("id").getAsInt()));
        assertThat(categories).containsOnlyKeys("cat", "dog");
        assertThat(img1.getAsJsonArray("category_ids")).as("input-level dog")
                .containsExactly(new com.google.gson.JsonPrimitive(categories.get("dog")));
        assertThat(img2.has("category_ids")).as("the pending cat is not final").isFalse();

        JsonArray annotations = coco.getAsJsonArray("annotations");
        assertThat(annotations).hasSize(2);
        JsonObject box = annotations.get(0).getAsJsonObject();
        assertThat(box.get("image_id").getAsLong()).isEqualTo(img1.get("id").getAsLong());
        assertThat(box.get("category_id").getAsInt()).isEqualTo(categories.get("cat"));
        assertThat(numbers(box.getAsJsonArray("bbox"))).containsExactly(8.0, 3.0, 16.0, 12.0);
        assertThat(box.get("area").getAsDouble()).isCloseTo(192.0, within(0.1));
        JsonObject polygon = annotations.get(1).getAsJsonObject();
        assertThat(polygon.get("image_id").getAsLong()).isEqualTo(img2.get("id").getAsLong());
        assertThat(polygon.get("category_id").getAsInt()).isEqualTo(categories.get("dog"));
        assertThat(numbers(polygon.getAsJsonArray("segmentation").get(0).getAsJsonArray()))
                .containsExactly(5.0, 2.0, 25.0, 2.0, 15.0, 12.0);
        assertThat(numbers(polygon.getAsJsonArray("bbox"))).containsExactly(5.0, 2.0, 20.0, 10.0);
        assertThat(polygon.get("area").getAsDouble()).isCloseTo(100.0, within(0.1));
    }

    private static List<Double> numbers(JsonArray array) {
        List<Double> values = new ArrayList<>();
        array.forEach(v -> values.add(Math.round(v.getAsDouble() * 10) / 10.0));
        return values;
    }

    private static void checkProtobuf(Map<String, byte[]> zip) {
        List<String> names = new ArrayList<>(zip.keySet());
        assertThat(names.get(0)).isEqualTo("mimetype");
        assertThat(Exported.text(zip, "mimetype")).isEqualTo("application/x.clarifai-data+protobuf");
        assertThat(names.subList(1, names.size())).singleElement().satisfies(name -> assertThat(name).matches("all/.*_n3"));
        InputBatch batch;
        try {
            batch = InputBatch.parseFrom(zip.get(names.get(1)));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
        assertThat(batch.getInputsList()).extracting(Input::getId).containsExactly("img1", "img2", "img3");
        Input img1 = batch.getInputs(0);
        assertThat(img1.getData().getImage().getImageInfo().getWidth()).isEqualTo(40);
        assertThat(img1.getData().getImage().getUrl()).contains("/v2/hosted/orig/");
        assertThat(img1.getData().getConceptsList()).extracting(c -> c.getId()).containsExactly("dog");
        assertThat(img1.getData().getRegions(0).getRegionInfo().getBoundingBox().getLeftCol()).isEqualTo(0.2f);
        assertThat(batch.getInputs(1).getData().getConceptsList()).as("pending is not final").isEmpty();
        assertThat(batch.getInputs(1).getData().getRegions(0).getRegionInfo().getPolygon().getPointsCount()).isEqualTo(3);
        assertThat(batch.getInputs(2).getData().getRegionsList()).isEmpty();
    }

    private static void checkClarifaiJson(Map<String, byte[]> zip) {
        assertThat(Exported.text(zip, "mimetype")).isEqualTo("application/x.clarifai-data+json");
        String batchName = zip.keySet().stream().filter(n -> n.startsWith("all/")).findFirst().orElseThrow();
        JsonArray inputs = JsonParser.parseString(Exported.text(zip, batchName)).getAsJsonObject().getAsJsonArray("inputs");
        assertThat(inputs).hasSize(3);
        JsonObject data = inputs.get(0).getAsJsonObject().getAsJsonObject("data");
        assertThat(data.getAsJsonArray("regions").get(0).getAsJsonObject().getAsJsonObject("region_info")
                .getAsJsonObject("bounding_box").get("right_col").getAsDouble()).isCloseTo(0.6, within(1e-6));
        assertThat(data.getAsJsonArray("concepts").get(0).getAsJsonObject().get("id").getAsString()).isEqualTo("dog");
    }

    @Test
    void editsAfterAVersionDoNotChangeItsExports() {
        images.version("before");
        String first = images.postExport("{\"format\":\"COCO\",\"dataset_id\":\"ds\",\"dataset_version_id\":\"before\"}");
        String original = Exported.text(Exported.download(images.built(first).getUrl(), key()), "annotations/instances.json");

        var patched = images.app().call("PATCH", "/v2/annotations", "{\"action\":\"overwrite\",\"annotations\":[{\"id\":"
                + "\"a-box\",\"input_id\":\"img1\",\"data\":{\"regions\":[{\"id\":\"r-box\",\"region_info\":{\"bounding_box\":"
                + "{\"top_row\":0,\"left_col\":0,\"bottom_row\":1,\"right_col\":1}},\"data\":{\"concepts\":[{\"id\":\"dog\","
                + "\"value\":1}]}}]}}]}", MultiAnnotationResponse.getDefaultInstance());
        assertThat(patched.code()).as(patched.body()).isEqualTo(10000);
        assertThat(images.app().call("DELETE", "/v2/annotations", "{\"ids\":[\"a-tag\"],\"input_ids\":[\"img1\"]}",
                BaseResponse.getDefaultInstance()).code()).isEqualTo(10000);
        assertThat(images.app().call("DELETE", "/v2/inputs", "{\"ids\":[\"img3\"]}",
                BaseResponse.getDefaultInstance()).code()).isEqualTo(10000);

        String again = images.postExport("{\"format\":\"COCO\",\"dataset_id\":\"ds\",\"dataset_version_id\":\"before\"}");
        assertThat(Exported.text(Exported.download(images.built(again).getUrl(), key()), "annotations/instances.json"))
                .isEqualTo(original);

        images.version("after");
        String later = images.postExport("{\"format\":\"COCO\",\"dataset_id\":\"ds\",\"dataset_version_id\":\"after\"}");
        JsonObject coco = JsonParser.parseString(Exported.text(Exported.download(images.built(later).getUrl(), key()),
                "annotations/instances.json")).getAsJsonObject();
        assertThat(coco.getAsJsonArray("images")).as("img3 was deleted").hasSize(2);
        assertThat(numbers(coco.getAsJsonArray("annotations").get(0).getAsJsonObject().getAsJsonArray("bbox")))
                .containsExactly(0.0, 0.0, 40.0, 30.0);
    }

    @Test
    void extensionFormatsOfAVersionReadBackAsPosted() throws Exception {
        images.version("v1");
        String version = ",\"dataset_id\":\"ds\",\"dataset_version_id\":\"v1\"}";
        Map<String, byte[]> yolo = Exported.download(images.built(images.postExport("{\"format\":\"YOLO\"" + version))
                .getUrl(), key());
        assertThat(Exported.text(yolo, "labels/img1.txt")).isEqualTo("0 0.400000 0.300000 0.400000 0.400000\n");
        assertThat(Exported.text(yolo, "labels/img2.txt"))
                .isEqualTo("1 0.100000 0.100000 0.500000 0.100000 0.300000 0.600000\n");
        assertThat(Exported.text(yolo, "labels/img3.txt")).as("a stored image without labels: background").isEmpty();
        assertThat(yolo.get("images/img1.png")).isEqualTo(LabeledImages.PNG);
        assertThat(yolo.get("images/img2.jpg")).isEqualTo(LabeledImages.JPEG);
        assertThat(Exported.text(yolo, "data.yaml")).contains("names:\n  0: \"cat\"", "\n  1: \"dog\"");

        Map<String, byte[]> voc = Exported.download(images.built(images.postExport("{\"format\":\"PASCAL_VOC\"" + version))
                .getUrl(), key());
        Document img1 = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(voc.get("Annotations/img1.xml")));
        assertThat(img1.getElementsByTagName("width").item(0).getTextContent()).isEqualTo("40");
        assertThat(img1.getElementsByTagName("object").getLength()).isEqualTo(1);
        Element object = (Element) img1.getElementsByTagName("object").item(0);
        assertThat(object.getElementsByTagName("name").item(0).getTextContent()).isEqualTo("cat");
        assertThat(List.of("xmin", "ymin", "xmax", "ymax")).extracting(tag -> object.getElementsByTagName(tag).item(0)
                .getTextContent()).containsExactly("9", "4", "24", "15");
        assertThat(voc.get("JPEGImages/img3.gif")).isEqualTo(LabeledImages.GIF);

        Map<String, byte[]> csv = Exported.download(images.built(images.postExport("{\"format\":\"CSV\"" + version))
                .getUrl(), key());
        List<String[]> rows = Exported.text(csv, "labels.csv").lines().map(line -> line.split(",", -1)).toList();
        List<String> header = List.of(rows.get(0));
        assertThat(header).startsWith("input_id", "input_url", "image_width", "image_height", "annotation_id");
        assertThat(rows.subList(1, rows.size())).allSatisfy(row -> assertThat(row).hasSize(header.size()));
        assertThat(rows.subList(1, rows.size())).extracting(row -> row[0] + "/" + row[header.indexOf("concept_id")] + "/"
                + row[header.indexOf("shape")]).containsExactly("img1/cat/box", "img1/dog/", "img2/dog/polygon", "img3//");
        String[] boxRow = rows.get(1);
        assertThat(boxRow[header.indexOf("left")]).isEqualTo("0.200000");
        assertThat(boxRow[header.indexOf("labeler")]).isEqualTo(LabelingWorld.OWNER);
        assertThat(boxRow[header.indexOf("status")]).isEqualTo("ANNOTATION_SUCCESS");

        Map<String, byte[]> jsonl = Exported.download(images.built(images.postExport("{\"format\":\"JSONL\"" + version))
                .getUrl(), key());
        List<JsonObject> lines = Exported.text(jsonl, "labels.jsonl").lines()
                .map(line -> JsonParser.parseString(line).getAsJsonObject()).toList();
        assertThat(lines).extracting(l -> l.get("input_id").getAsString()).containsExactly("img1", "img2", "img3");
        JsonArray labels = lines.get(0).getAsJsonArray("labels");
        assertThat(labels).extracting(l -> l.getAsJsonObject().get("annotation_id").getAsString())
                .containsExactly("a-box", "a-tag");
        assertThat(labels.get(0).getAsJsonObject().get("labeler").getAsString()).isEqualTo(LabelingWorld.OWNER);
        assertThat(lines.get(0).getAsJsonObject("input").getAsJsonObject("data").getAsJsonObject("image")
                .getAsJsonObject("image_info").get("height").getAsInt()).isEqualTo(30);
        assertThat(lines.get(1).getAsJsonArray("labels")).as("only a-poly is final").hasSize(1);

        String everyLabeler = images.postExport("{\"format\":\"JSONL\",\"labels\":\"ALL_LABELERS\"" + version);
        List<JsonElement> img2Labels = new ArrayList<>();
        Exported.text(Exported.download(images.built(everyLabeler).getUrl(), key()), "labels.jsonl").lines()
                .map(line -> JsonParser.parseString(line).getAsJsonObject())
                .filter(l -> l.get("input_id").getAsString().equals("img2"))
                .forEach(l -> l.getAsJsonArray("labels").forEach(img2Labels::add));
        assertThat(img2Labels).as("pending work is never exported, even to every labeler's").hasSize(1);
        assertThat(new String(csv.get("labels.csv"), StandardCharsets.UTF_8)).contains("\r\n");
    }
}
