package dev.annotask.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.store.SqlDialect;
import dev.annotask.testing.Browser;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The whole labeling loop through the web UI, in a real (headless) Chromium on a real server:
 * the owner uploads images, adds concepts and people, and creates a CONSENSUS detection task;
 * two labelers label from the keyboard and draw boxes, agreeing on one image and not on the
 * other; the reviewer settles the disagreement; the owner's task page shows the final counts.
 * Every page is saved as a screenshot under target/screenshots.
 */
class WebUiBrowserIT {
    private static RunningServer server;
    private static Browser browser;
    private static Map<String, String> tokens;

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE);
        browser = Browser.open("http://127.0.0.1:" + server.server().httpPort());
        // Users and their tokens are the admin's job (POST /v2/users); the owner's app is made once by API.
        Fixtures fixtures = new Fixtures(server.client());
        tokens = Map.of("owner", fixtures.createUserWithToken("owner"), "alice", fixtures.createUserWithToken("alice"),
                "bob", fixtures.createUserWithToken("bob"), "carol", fixtures.createUserWithToken("carol"));
        fixtures.createApp(tokens.get("owner"), "pets");
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
        browser.click("#app-owner-pets");
        browser.find("#my-tasks");
    }

    private static void signOut() {
        browser.click("#sign-out");
        browser.find("#token");
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);
    }

    @Test
    void ownerLabelersAndReviewerRunAConsensusTaskToTheEnd() throws IOException {
        browser.go("");
        browser.find("#token");
        browser.screenshot("sign-in");
        try {
            String taskId = ownerPreparesDataAndTask();
            String agreed = label("alice", null, taskId);
            label("bob", agreed, taskId);
            review(taskId);
            ownerSeesTheFinishedTask(taskId);
            ownerSubscribesAWebhook();
        } catch (RuntimeException | AssertionError e) {
            browser.screenshot("failure");
            throw e;
        }
    }

    private String ownerPreparesDataAndTask() throws IOException {
        signIn("owner");
        browser.click("#nav a[href='#/people']");
        for (String user : List.of("alice", "bob", "carol")) {
            browser.type("#collaborator-new", user, Keys.ENTER);
            browser.waitForText("#collaborator-list", user);
        }
        browser.click("#nav a[href='#/data']");
        for (String concept : List.of("cat", "dog")) {
            browser.type("#concept-new", concept, Keys.ENTER);
            browser.waitForText("#concept-list", concept);
        }
        browser.uploadFiles("#files", List.of(image("first", Color.ORANGE), image("second", Color.CYAN),
                emptyFile()));
        browser.waitForText("#upload-status", "3 of 3 done, 1 failed");
        // The empty file fails alone, with the API's own words.
        assertThat(browser.find("#upload-errors").getText()).contains("empty.png").containsIgnoringCase("invalid");
        browser.waitForText("#gallery", "2 inputs");
        browser.waitForImages(); // the uploaded bytes, through signed media URLs
        browser.screenshot("data");

        browser.click("#nav a[href='#/tasks/new']");
        browser.type("#task-name", "Pets: boxes around every animal, agreed by two labelers");
        browser.find("#task-type").sendKeys("BOUNDING");
        browser.find("#review-strategy").sendKeys("CONSENSUS");
        browser.click("#reviewers-carol");
        browser.click("#workers-alice");
        browser.click("#workers-bob");
        browser.type("#threshold-labelers", "2");
        browser.click("#create-task");
        // No concept picked: the API refuses, and the page shows its description and details.
        WebElement error = browser.find("#task-error .error");
        assertThat(error.getText()).contains("Invalid request", "a task needs at least one concept");
        browser.screenshot("new-task-error");
        browser.click("#task-concepts input[value='cat']");
        browser.click("#task-concepts input[value='dog']");
        browser.click("#create-task");
        browser.find("#input-counts");
        String taskId = ((String) browser.script("return location.hash")).replace("#/task/", "");
        browser.screenshot("task-new");
        signOut();
        return taskId;
    }

    /**
     * Labels the batch: on the image {@code agreedInput} (the first one, for the first labeler) a
     * box made with the keyboard around "cat"; on the other a box drawn with the mouse, "cat" for
     * alice and "dog" for bob, so they disagree there. Returns the agreed input's id.
     */
    private String label(String user, String agreedInput, String taskId) {
        signIn(user);
        browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/label/']");
        browser.waitForText("#position", "Input 1 of 2");
        browser.waitForText("#left", "2 left");
        String agreed = agreedInput;
        for (int i = 0; i < 2; i++) {
            browser.waitForText("#position", "Input " + (i + 1) + " of 2");
            browser.waitForImages();
            String inputId = inputShown();
            if (agreed == null) {
                agreed = inputId;
            }
            if (inputId.equals(agreed)) {
                browser.keys("1", "b"); // concept 1 (cat), then a box from the keyboard
                browser.keys(Keys.ARROW_RIGHT); // move it right
                browser.chord(Keys.SHIFT, Keys.ARROW_DOWN); // and make it taller
            } else {
                browser.keys(user.equals("alice") ? "1" : "2");
                browser.drag("svg.regions", 0.1, 0.1, 0.5, 0.6);
            }
            browser.waitForText("#region-count", "1 box");
            if (user.equals("alice") && i == 1) {
                browser.screenshot("labeling");
            }
            if (i == 0) {
                browser.keys(Keys.ESCAPE, Keys.ENTER); // deselect, then on to the next input
            }
        }
        browser.waitForText("#left", "Batch fully labeled");
        browser.chord(Keys.SHIFT, Keys.ENTER);
        browser.find("#nothing-left");
        if (user.equals("alice")) {
            browser.screenshot("labeling-done");
        }
        signOut();
        return agreed;
    }

    private static String inputShown() {
        return browser.find("#media").getAttribute("alt").replace("input ", "");
    }

    private void review(String taskId) {
        signIn("carol");
        browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/review/']");
        // Only the image they disagreed on comes to review, with both labelings.
        browser.waitForText("#agreement", "disagreed");
        browser.waitForText("#position", "Input 1 of 1");
        browser.waitForImages();
        assertThat(browser.all(".labeling")).hasSize(2);
        assertThat(browser.find(".labeling[data-worker='alice'] .chips").getText()).contains("cat");
        assertThat(browser.find(".labeling[data-worker='bob'] .chips").getText()).contains("dog");
        assertThat(browser.all("svg.regions .shape")).hasSize(2);
        browser.screenshot("review");
        // Approve alice's from the keyboard (select her card, then a); reject bob's in bulk.
        if (!"alice".equals(browser.find(".labeling.selected").getAttribute("data-worker"))) {
            browser.keys(Keys.ARROW_DOWN);
        }
        browser.waitForText(".labeling.selected h3", "alice");
        browser.keys("a");
        browser.waitForText(".labeling[data-worker='alice'] .verdict", "Approved");
        browser.click("li[data-worker='bob'] .bulk-reject");
        browser.find("#queue-empty");
        browser.screenshot("review-done");
        signOut();
    }

    private void ownerSeesTheFinishedTask(String taskId) {
        signIn("owner");
        browser.waitForText("tr[data-task-id='" + taskId + "']", "Done");
        browser.screenshot("tasks");
        browser.click("tr[data-task-id='" + taskId + "'] td.name a");
        browser.waitForText("#task-status", "Done");
        assertThat(count("alice", "success")).isEqualTo("2");
        assertThat(count("alice", "review_denied")).isEqualTo("0");
        assertThat(count("bob", "success")).isEqualTo("1");
        assertThat(count("bob", "review_denied")).isEqualTo("1");
        assertThat(browser.find("[aria-label='Labeling']").getAttribute("aria-valuenow")).isEqualTo("100");
        assertThat(browser.find("[aria-label='Review']").getAttribute("aria-valuenow")).isEqualTo("100");
        browser.screenshot("task-done");
    }

    /** The webhooks page: a receiver on a private address is refused in the API's words, a public one subscribed. */
    private void ownerSubscribesAWebhook() {
        browser.click("#nav a[href='#/webhooks']");
        browser.waitForText("#webhooks", "No subscriptions yet.");
        browser.type("#webhook-id", "ci");
        browser.type("#webhook-url", "http://127.0.0.1:9/hook");
        browser.type("#webhook-secret", "a-receivers-secret-0123");
        browser.click("input[value='task.completed']");
        browser.click("#subscribe");
        browser.waitForText("#webhook-errors", "public");
        browser.find("#webhook-url").clear();
        browser.type("#webhook-url", "https://hooks.example.com/annotask");
        browser.click("#subscribe");
        browser.waitForText("[data-webhook-id='ci']", "No deliveries yet.");
        assertThat(browser.find("[data-webhook-id='ci']").getText()).contains("https://hooks.example.com/annotask",
                "task.completed").doesNotContain("a-receivers-secret-0123");
        // The test event goes to the delivery queue (this server's receivers are private: it cannot be delivered).
        browser.click("[data-webhook-id='ci'] button.send-test");
        browser.waitForText("[data-webhook-id='ci'] .deliveries-table", "webhook.test");
        browser.screenshot("webhooks");
    }

    private static String count(String worker, String column) {
        return browser.find("#input-counts tr[data-worker='" + worker + "'] td[data-col='" + column + "']").getText();
    }

    private static Path image(String name, Color color) throws IOException {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(230, 236, 245));
        g.fillRect(0, 0, 640, 480);
        g.setColor(color);
        g.fillOval(180, 120, 260, 220);
        g.setColor(Color.DARK_GRAY);
        g.fillOval(250, 190, 30, 30);
        g.fillOval(340, 190, 30, 30);
        g.dispose();
        Path file = Files.createTempDirectory("annotask-images").resolve(name + ".png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private static Path emptyFile() throws IOException {
        Path file = Files.createTempDirectory("annotask-images").resolve("empty.png");
        Files.write(file, new byte[0]);
        return file;
    }
}
