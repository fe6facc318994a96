package dev.annotask.imports;

import static dev.annotask.imports.ImportFixtures.annotations;
import static dev.annotask.imports.ImportFixtures.coco;
import static dev.annotask.imports.ImportFixtures.run;
import static dev.annotask.imports.ImportFixtures.utf8;
import static dev.annotask.imports.ImportFixtures.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.BoundingBox;
import dev.annotask.proto.api.MultiConceptResponse;
import dev.annotask.proto.api.MultiDatasetInputResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.MultiUploadResponse;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.SingleInputResponse;
import dev.annotask.proto.api.SingleUploadResponse;
import dev.annotask.proto.imports.Import;
import dev.annotask.proto.imports.ImportError;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.TestImages;
import java.util.LinkedHashMap;
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
 * Imports through the API, on both databases: a COCO file of URLs, a COCO ZIP with its images
 * and a YOLO ZIP become inputs (ids from the file names), concepts, a dataset and annotations
 * whose boxes and polygons are the file's in Clarifai's normalised convention; the same file
 * again changes nothing; a file with bad entries is reported entry by entry with nothing
 * written; uploads over the size cap and ZIP bombs are refused.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class ImportApiTest {
    private static LabelingWorld world;

    @Parameter
    SqlDialect dialect;

    private DataFixtures app;

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        world = LabelingWorld.shared(dialect);
    }

    @BeforeEach
    void newApp() {
        app = world.newBareApp("imp");
    }

    @Test
    void aCocoFileOfUrlsBecomesInputsConceptsADatasetAndAnnotations() {
        Import done = run(app, utf8(coco()), "coco.json", "COCO", "\"id\":\"first\"");
        assertThat(done.getState()).as(done.toString()).isEqualTo(Import.State.DONE);
        assertThat(done.getProgress().getInputsTotal()).isEqualTo(2);
        assertThat(done.getProgress().getInputsDone()).isEqualTo(2);
        assertThat(done.getProgress().getAnnotationsDone()).isEqualTo(2);

        var inputs = app.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance()).message();
        assertThat(inputs.getInputsList()).extracting(i -> i.getId()).containsExactlyInAnyOrder("a", "b");
        assertThat(inputs.getInputsList()).extracting(i -> i.getData().getImage().getUrl())
                .containsExactlyInAnyOrder("https://example.com/a.jpg", "https://example.com/b.jpg");
        var members = app.call("GET", "/v2/datasets/first/inputs", null, MultiDatasetInputResponse.getDefaultInstance());
        assertThat(members.message().getDatasetInputsList()).extracting(d -> d.getInput().getId())
                .containsExactlyInAnyOrder("a", "b");
        var concepts = app.call("GET", "/v2/concepts", null, MultiConceptResponse.getDefaultInstance()).message();
        assertThat(concepts.getConceptsList()).extracting(c -> c.getId()).contains("cat", "dog");

        Map<String, Annotation> byInput = annotations(app, "").stream()
                .collect(Collectors.toMap(Annotation::getInputId, Function.identity()));
        assertThat(byInput.get("a").getId()).isEqualTo("a-11");
        assertThat(byInput.get("a").getStatus().getCodeValue()).as("final labels").isEqualTo(24150);
        BoundingBox box = byInput.get("a").getData().getRegions(0).getRegionInfo().getBoundingBox();
        // bbox [20, 10, 40, 30] on 200x100 pixels
        assertThat(box.getTopRow()).isCloseTo(0.1f, within(1e-6f));
        assertThat(box.getLeftCol()).isCloseTo(0.1f, within(1e-6f));
        assertThat(box.getBottomRow()).isCloseTo(0.4f, within(1e-6f));
        assertThat(box.getRightCol()).isCloseTo(0.3f, within(1e-6f));
        assertThat(byInput.get("a").getData().getRegions(0).getData().getConcepts(0).getId()).isEqualTo("cat");
        List<Point> triangle = byInput.get("b").getData().getRegions(0).getRegionInfo().getPolygon().getPointsList();
        assertThat(triangle).extracting(Point::getRow, Point::getCol)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0f, 0.5f), org.assertj.core.groups.Tuple.tuple(1f, 1f),
                        org.assertj.core.groups.Tuple.tuple(1f, 0f));
        assertThat(byInput.get("b").getData().getRegions(0).getData().getConcepts(0).getId()).isEqualTo("dog");
    }

    @Test
    void theSameFileAgainChangesNothing() {
        Import first = run(app, utf8(coco()), "coco.json", "COCO", "\"dataset_id\":\"d\"");
        assertThat(first.getState()).as(first.toString()).isEqualTo(Import.State.DONE);
        List<Annotation> before = annotations(app, "");

        Import again = run(app, utf8(coco()), "coco.json", "COCO", "\"dataset_id\":\"d\"");
        assertThat(again.getState()).as(again.toString()).isEqualTo(Import.State.DONE);
        assertThat(again.getProgress().getInputsUnchanged()).isEqualTo(2);
        assertThat(again.getProgress().getAnnotationsUnchanged()).isEqualTo(2);
        List<Annotation> after = annotations(app, "");
        assertThat(after).hasSize(2);
        assertThat(after).extracting(Annotation::getId, Annotation::getModifiedAt)
                .containsExactlyInAnyOrderElementsOf(before.stream().map(a -> org.assertj.core.groups.Tuple.tuple(
                        a.getId(), a.getModifiedAt())).toList());
        var inputs = app.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance()).message();
        assertThat(inputs.getInputsCount()).isEqualTo(2);
    }

    @Test
    void aBadFileIsReportedEntryByEntryAndNothingIsWritten() {
        String bad = """
                {"images":[{"id":1,"file_name":"a.jpg","width":200,"height":100,"coco_url":"https://example.com/a.jpg"},
                           {"id":2,"file_name":"b.jpg","coco_url":"https://example.com/b.jpg"},
                           {"id":3,"file_name":"c.jpg","width":200,"height":100}],
                 "annotations":[{"id":11,"image_id":1,"category_id":1,"bbox":[20,10,40,30]},
                                {"id":12,"image_id":1,"category_id":9,"bbox":[20,10,40,30]},
                                {"id":13,"image_id":7,"category_id":1,"bbox":[20,10,40,30]},
                                {"id":14,"image_id":1,"category_id":1,"bbox":[180,10,60,30]},
                                {"id":15,"image_id":1,"category_id":1,"bbox":[1,2,3]}],
                 "categories":[{"id":1,"name":"cat"}]}""";
        Import failed = run(app, utf8(bad), "bad.json", "COCO", "");
        assertThat(failed.getState()).isEqualTo(Import.State.FAILED);
        assertThat(failed.getErrorCount()).isEqualTo(6);
        assertThat(failed.getFailure()).contains("nothing was written");
        assertThat(failed.getErrorsList()).extracting(ImportError::getEntry).containsExactlyInAnyOrder(
                "images[1] (id 2)", "images[2] (id 3)", "annotations[1] (id 12)", "annotations[2] (id 13)",
                "annotations[3] (id 14)", "annotations[4] (id 15)");
        assertThat(failed.getErrorsList()).extracting(ImportError::getMessage).anySatisfy(m ->
                assertThat(m).contains("width and height")).anySatisfy(m -> assertThat(m).contains("category_id 9"))
                .anySatisfy(m -> assertThat(m).contains("outside the image"));

        assertThat(app.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance()).message()
                .getInputsCount()).isZero();
        assertThat(app.call("GET", "/v2/concepts", null, MultiConceptResponse.getDefaultInstance()).message()
                .getConceptsCount()).isZero();
        assertThat(annotations(app, "")).isEmpty();
    }

    @Test
    void aCocoZipBringsItsImagesAsStoredBytes() {
        String json = """
                {"images":[{"id":5,"file_name":"photos/cat one.png","width":64,"height":32}],
                 "annotations":[{"id":1,"image_id":5,"category_id":3,"bbox":[0,0,32,16]}],
                 "categories":[{"id":3,"name":"big cat"}]}""";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("annotations/instances.json", utf8(json));
        files.put("images/cat one.png", TestImages.png(64, 32));
        Import done = run(app, zip(files), "coco.zip", "COCO", "");
        assertThat(done.getState()).as(done.toString()).isEqualTo(Import.State.DONE);
        var input = app.call("GET", "/v2/inputs/cat_one", null, SingleInputResponse.getDefaultInstance());
        assertThat(input.code()).as(input.body()).isEqualTo(10000);
        assertThat(input.message().getInput().getData().getImage().getImageInfo().getWidth()).isEqualTo(64);
        Annotation annotation = annotations(app, "input_ids=cat_one").get(0);
        assertThat(annotation.getData().getRegions(0).getData().getConcepts(0).getId()).isEqualTo("big_cat");
        assertThat(annotation.getData().getRegions(0).getRegionInfo().getBoundingBox().getBottomRow())
                .isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void aYoloZipBecomesInputsWithBoxesAndPolygons() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("data.yaml", utf8("path: .\ntrain: images/train\nnames:\n  0: cat\n  1: dog\n"));
        files.put("images/train/x.png", TestImages.png(40, 20));
        files.put("labels/train/x.txt", utf8("0 0.5 0.5 0.2 0.4\n\n1 0.1 0.1 0.3 0.1 0.2 0.3\n"));
        files.put("images/train/y.png", TestImages.png(40, 20));
        Import done = run(app, zip(files), "yolo.zip", "YOLO", "\"dataset_id\":\"train\"");
        assertThat(done.getState()).as(done.toString()).isEqualTo(Import.State.DONE);
        assertThat(done.getProgress().getInputsTotal()).isEqualTo(2);
        Map<String, Annotation> byId = annotations(app, "input_ids=x").stream()
                .collect(Collectors.toMap(Annotation::getId, Function.identity()));
        assertThat(byId).containsOnlyKeys("x-1", "x-3");
        BoundingBox box = byId.get("x-1").getData().getRegions(0).getRegionInfo().getBoundingBox();
        assertThat(box.getTopRow()).isCloseTo(0.3f, within(1e-6f));
        assertThat(box.getLeftCol()).isCloseTo(0.4f, within(1e-6f));
        assertThat(box.getBottomRow()).isCloseTo(0.7f, within(1e-6f));
        assertThat(box.getRightCol()).isCloseTo(0.6f, within(1e-6f));
        assertThat(byId.get("x-3").getData().getRegions(0).getRegionInfo().getPolygon().getPointsList())
                .extracting(Point::getCol, Point::getRow).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0.1f, 0.1f), org.assertj.core.groups.Tuple.tuple(0.3f, 0.1f),
                        org.assertj.core.groups.Tuple.tuple(0.2f, 0.3f));
        assertThat(byId.get("x-3").getData().getRegions(0).getData().getConcepts(0).getId()).isEqualTo("dog");
        assertThat(annotations(app, "input_ids=y")).isEmpty();
    }

    @Test
    void aYoloLabelFileWithBadLinesIsReportedLineByLine() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("classes.txt", utf8("cat\n"));
        files.put("images/x.png", TestImages.png(40, 20));
        files.put("labels/x.txt", utf8("0 0.5 0.5 0.2 0.4\n3 0.5 0.5 0.2 0.4\n0 0.5 0.5 0.2\n0 1.5 0.5 0.2 0.4\n"));
        files.put("labels/orphan.txt", utf8("0 0.5 0.5 0.2 0.4\n"));
        Import failed = run(app, zip(files), "yolo.zip", "YOLO", "");
        assertThat(failed.getState()).isEqualTo(Import.State.FAILED);
        assertThat(failed.getErrorsList()).extracting(ImportError::getEntry)
                .containsExactlyInAnyOrder("labels/x.txt:2", "labels/x.txt:3", "labels/x.txt:4", "labels/orphan.txt");
        assertThat(app.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance()).message()
                .getInputsCount()).isZero();
    }

    @Test
    void aZipBombIsRefusedWithoutWritingAnything() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("data.yaml", utf8("names: [cat]\n"));
        files.put("images/bomb.png", new byte[30 << 20]); // 30 MiB of zeros: a few kilobytes zipped
        Import failed = run(app, zip(files), "bomb.zip", "YOLO", "");
        assertThat(failed.getState()).isEqualTo(Import.State.FAILED);
        assertThat(failed.getFailure()).contains("images/bomb.png").contains("expands beyond");

        Map<String, byte[]> ratio = new LinkedHashMap<>();
        ratio.put("coco.json", utf8("{\"images\":[]" + " ".repeat(8 << 20) + "}"));
        Import refused = run(app, zip(ratio), "ratio.zip", "COCO", "");
        assertThat(refused.getState()).isEqualTo(Import.State.FAILED);
        assertThat(refused.getFailure()).contains("ZIP bomb");
        assertThat(app.call("GET", "/v2/inputs", null, MultiInputResponse.getDefaultInstance()).message()
                .getInputsCount()).isZero();
    }

    @Test
    void anUploadOverTheCapOrPartsPastItsSizeAreRefused() {
        var tooBig = app.call("POST", "/v2/uploads", "{\"uploads\":[{\"content_length\":" + ((8L << 30) + 1) + "}]}",
                MultiUploadResponse.getDefaultInstance());
        assertThat(tooBig.httpStatus()).isEqualTo(413);
        assertThat(tooBig.code()).isEqualTo(68002);
        assertThat(tooBig.status().getDetails()).contains("at most");

        var small = app.call("POST", "/v2/uploads", "{\"uploads\":[{\"id\":\"small\",\"content_length\":4}]}",
                MultiUploadResponse.getDefaultInstance());
        assertThat(small.code()).as(small.body()).isEqualTo(10000);
        var past = app.call("PUT", "/v2/uploads/small/content_parts",
                "{\"content_parts\":[{\"range_start\":2,\"part_number\":1,\"data\":\"AAAA\"}]}",
                SingleUploadResponse.getDefaultInstance());
        assertThat(past.httpStatus()).isEqualTo(409);
        assertThat(past.status().getDetails()).contains("past");
        var half = app.call("PUT", "/v2/uploads/small/content_parts",
                "{\"content_parts\":[{\"range_start\":0,\"part_number\":1,\"data\":\"AAA=\"}]}",
                SingleUploadResponse.getDefaultInstance());
        assertThat(half.message().getUpload().getStatus().getCodeValue()).isEqualTo(68000);
        var started = app.call("POST", "/v2/imports", "{\"imports\":[{\"upload_id\":\"small\",\"format\":\"COCO\"}]}",
                dev.annotask.proto.imports.MultiImportResponse.getDefaultInstance());
        assertThat(started.httpStatus()).isEqualTo(400);
        assertThat(started.status().getDetails()).contains("send the rest");
    }
}
