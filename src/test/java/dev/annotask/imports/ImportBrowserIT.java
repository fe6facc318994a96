package dev.annotask.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.BoundingBox;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.Browser;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/**
 * Imports and pre-labels in the web UI, in a real (headless) Chromium on a real server: the
 * owner imports a small COCO ZIP as pre-labels of a model and follows it to the end; a labeler
 * of a box task over the imported dataset sees the pre-labels dashed, accepts the one on the
 * first image and draws a box of their own instead of the other; only the labeler's boxes are
 * their annotations, and the pre-labels stay as they were. Screenshots under target/screenshots.
 */
class ImportBrowserIT {
    private static RunningServer server;
    private static Browser browser;
    private static Map<String, String> tokens;
    private static DataFixtures app;

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE);
        browser = Browser.open("http://127.0.0.1:" + server.server().httpPort());
        Fixtures fixtures = new Fixtures(server.client());
        tokens = Map.of("owner", fixtures.createUserWithToken("owner"), "lena", fixtures.createUserWithToken("lena"));
        app = DataFixtures.newApp(server.client(), "owner", tokens.get("owner"), "shop");
        app.addCollaborators(tokens.get("owner"), "lena");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    private static void signIn(String user) {
        browser.go("#/signin");
        browser.type("#token", tokens.get(user));
        browser.keys(Keys.ENTER);
        browser.click("#app-owner-shop");
        browser.find("#my-tasks");
    }

    @Test
    void theOwnerImportsPrelabelsAndALabelerAcceptsOneAndCorrectsAnother() throws IOException {
        try {
            signIn("owner");
            browser.click("#nav a[href='#/import']");
            browser.uploadFiles("#import-file", List.of(cocoZip()));
            browser.type("#import-dataset", "shelf");
            browser.type("#import-prelabels", "detector");
            browser.click("#import-start");
            browser.waitForText("#import-phase", "Done");
            browser.waitForText("#import-inputs", "2 of 2 inputs");
            browser.waitForText("#import-list", "pre-labels of detector");
            browser.screenshot("import-done");
            browser.click("#sign-out");

            String taskId = app.postTask("""
                    {"type":"BOUNDING_BOX_DETECTION","name":"Products","concept_ids":["can","box"],
                     "worker":{"strategy":"FULL","user_ids":["lena"]},"input_source":{"type":"DATASET","id":"shelf"},
                     "review":{"strategy":"NONE"}}""").getId();
            signIn("lena");
            browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/label/']");
            browser.waitForText("#position", "Input 1 of 2");
            browser.waitForImages();
            browser.waitForText("#suggestions", "1 suggestion");
            assertThat(browser.all("svg.regions .shape.suggestion")).hasSize(1);
            browser.screenshot("prelabel-suggestions");
            String accepted = inputShown();
            browser.click("#accept-all");
            browser.waitForText("#region-count", "1 box");
            assertThat(browser.all("#suggestions")).isEmpty();
            browser.keys(Keys.ENTER);

            browser.waitForText("#position", "Input 2 of 2");
            browser.waitForImages();
            browser.waitForText("#suggestions", "1 suggestion");
            String corrected = inputShown();
            browser.keys("2"); // not the suggested concept: a box of the labeler's own
            browser.drag("svg.regions", 0.8, 0.8, 0.95, 0.95); // clear of both suggestions
            browser.waitForText("#region-count", "1 box");
            browser.screenshot("prelabel-corrected");
            browser.chord(Keys.SHIFT, Keys.ENTER);
            browser.find("#nothing-left");

            Map<String, Annotation> prelabels = byInput(ImportFixtures.annotations(app, "return_model_output=true")
                    .stream().filter(a -> a.getWorker().hasModel()).toList());
            Map<String, Annotation> lena = byInput(ImportFixtures.annotations(app, "task_id=" + taskId));
            assertThat(lena).containsOnlyKeys(accepted, corrected);
            assertThat(lena.values()).allSatisfy(a -> assertThat(a.getUserId()).isEqualTo("lena"));
            assertThat(box(lena.get(accepted))).as("accepted as suggested").isEqualTo(box(prelabels.get(accepted)));
            assertThat(lena.get(accepted).getData().getRegions(0).getData().getConcepts(0).getId()).isEqualTo("can");
            BoundingBox own = box(lena.get(corrected));
            assertThat(own).isNotEqualTo(box(prelabels.get(corrected)));
            assertThat(own.getTopRow()).isGreaterThan(0.5f);
            assertThat(prelabels.values()).hasSize(2).allSatisfy(a ->
                    assertThat(a.getStatus().getCodeValue()).as("still a suggestion").isEqualTo(24151));
        } catch (RuntimeException | AssertionError e) {
            browser.screenshot("import-failure");
            throw e;
        }
    }

    private static Map<String, Annotation> byInput(List<Annotation> annotations) {
        Map<String, Annotation> byInput = new LinkedHashMap<>();
        annotations.forEach(a -> byInput.put(a.getInputId(), a));
        return byInput;
    }

    private static BoundingBox box(Annotation annotation) {
        return annotation.getData().getRegions(0).getRegionInfo().getBoundingBox();
    }

    private static String inputShown() {
        return browser.find("#media").getAttribute("alt").replace("input ", "");
    }

    /** Two 120x80 product photos, a can on each: boxes in pixels. */
    private static Path cocoZip() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("annotations.json", ImportFixtures.utf8("""
                {"images":[{"id":1,"file_name":"shelf-1.png","width":120,"height":80},
                           {"id":2,"file_name":"shelf-2.png","width":120,"height":80}],
                 "annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[12,8,36,32],"score":0.9},
                                {"id":2,"image_id":2,"category_id":1,"bbox":[60,20,30,40],"score":0.7}],
                 "categories":[{"id":1,"name":"can"},{"id":2,"name":"box"}]}"""));
        files.put("images/shelf-1.png", TestImages.png(120, 80));
        files.put("images/shelf-2.png", TestImages.png(120, 80));
        Path zip = Files.createTempFile("coco", ".zip");
        Files.write(zip, ImportFixtures.zip(files));
        return zip;
    }
}
