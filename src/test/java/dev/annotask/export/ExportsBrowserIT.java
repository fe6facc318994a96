package dev.annotask.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.Browser;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The owner's exports page in a real (headless) Chromium on a real server: exports a dataset (a
 * new version made on the spot) as COCO and a task as JSONL with every labeler's labels, sees
 * both built with their size, and downloads the ZIP through the page (with the session's key),
 * which holds what the API's own download holds. Screenshots under target/screenshots.
 */
class ExportsBrowserIT {
    private static RunningServer server;
    private static Browser browser;
    private static String ownerToken;
    private static DataFixtures app;

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE);
        browser = Browser.open("http://127.0.0.1:" + server.server().httpPort());
        ownerToken = new Fixtures(server.client()).createUserWithToken("owner");
        app = DataFixtures.newApp(server.client(), "owner", ownerToken, "shelter");
        app.postConcepts("cat", "dog");
        app.postDatasets("animals");
        String png = Base64.getEncoder().encodeToString(dev.annotask.testing.TestImages.png(64, 48));
        var inputs = app.call("POST", "/v2/inputs", "{\"inputs\":[{\"id\":\"tom\",\"data\":{\"image\":{\"base64\":\"" + png
                + "\"}},\"dataset_ids\":[\"animals\"]}]}", MultiInputResponse.getDefaultInstance());
        assertThat(inputs.code()).as(inputs.body()).isEqualTo(10000);
        var annotations = app.call("POST", "/v2/annotations", "{\"annotations\":[{\"input_id\":\"tom\",\"data\":{\"regions\":"
                + "[{\"region_info\":{\"bounding_box\":" + LabeledImages.BOX + "},\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}]}}]}",
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(annotations.code()).as(annotations.body()).isEqualTo(10000);
        app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"name\":\"adoptions\",\"worker\":{\"strategy\":\"FULL\","
                + "\"user_ids\":[\"owner\"]},\"concept_ids\":[\"cat\",\"dog\"],\"input_source\":{\"type\":\"ALL_INPUTS\"},"
                + "\"review\":{\"strategy\":\"NONE\"}}");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    @Test
    void theOwnerExportsADatasetAndATaskAndDownloadsTheZip() {
        try {
            browser.go("#/signin");
            browser.type("#token", ownerToken);
            browser.keys(Keys.ENTER);
            browser.click("#app-owner-shelter");
            browser.click("#nav a[href='#/exports']");
            browser.find("#export-source").sendKeys("Dataset animals");
            browser.find("#export-format").sendKeys("COCO");
            browser.click("#start-export");
            WebElement ready = browser.find("#exports tr.export-ready");
            assertThat(ready.getText()).contains("dataset animals", "COCO", "ready");

            browser.find("#export-source").sendKeys("Task adoptions");
            browser.find("#export-format").sendKeys("JSONL");
            browser.find("#export-labels").sendKeys("Every");
            browser.click("#start-export");
            Exported.await(() -> browser.all("#exports tr.export-ready").size(), n -> n == 2, "two exports ready");
            assertThat(browser.find("#exports").getText()).contains("JSONL", "ALL_LABELERS");
            browser.screenshot("exports");

            WebElement coco = browser.all("#exports tr.export-ready").stream()
                    .filter(row -> row.getText().contains("COCO")).findFirst().orElseThrow();
            String exportId = coco.getAttribute("data-export-id");
            coco.findElement(org.openqa.selenium.By.cssSelector("button.download")).click();
            Object bytes = Exported.await(() -> browser.script(
                    "const a = document.getElementById('export-download-link'); return a ? a.dataset.bytes : null;"),
                    b -> b != null, "the page's download");
            String url = "http://127.0.0.1:" + server.server().httpPort() + app.longPath() + "/exports/" + exportId
                    + "/download";
            Map<String, byte[]> zip = Exported.download(url, app.appKey());
            assertThat(Exported.text(zip, "annotations/instances.json")).contains("\"width\":64", "\"name\":\"cat\"");
            long size = Exported.get(url, app.appKey()).body().length;
            assertThat(Long.parseLong(bytes.toString())).as("the page downloaded the whole ZIP").isEqualTo(size);
        } catch (RuntimeException | AssertionError e) {
            browser.screenshot("exports-failure");
            throw e;
        }
    }
}
