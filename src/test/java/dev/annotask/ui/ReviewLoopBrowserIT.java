package dev.annotask.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.review.MultiReviewNoteResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.Browser;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/**
 * The review loop through the web UI, in a real (headless) Chromium: a labeler labels two
 * inputs; the reviewer marks a label, writes a comment and requests changes on one, and
 * corrects the other themselves; the labeler sees the sent-back input first, with the comment
 * and the mark, and the task's progress gone down; they fix it and turn it in again, and the
 * reviewer, reminded of what they asked, approves it. The outcome is checked through the API: the correction is the
 * reviewer's, the labeler's original is kept. Screenshots under target/screenshots.
 */
class ReviewLoopBrowserIT {
    private static final String COMMENT = "It is a dog: look at the ears.";
    private static RunningServer server;
    private static Browser browser;
    private static Map<String, String> tokens;
    private static DataFixtures app;
    private static String taskId;

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE);
        browser = Browser.open("http://127.0.0.1:" + server.server().httpPort());
        // Setting up is the admin's and the owner's job, tested elsewhere: here by API.
        Fixtures fixtures = new Fixtures(server.client());
        tokens = Map.of("owner", fixtures.createUserWithToken("owner"), "lena", fixtures.createUserWithToken("lena"),
                "rita", fixtures.createUserWithToken("rita"));
        app = DataFixtures.newApp(server.client(), "owner", tokens.get("owner"), "loop");
        app.addCollaborators(tokens.get("owner"), "lena", "rita");
        app.postConcepts("cat", "dog");
        app.postTextInputs("first", "second");
        taskId = app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"name\":\"Cat or dog\",\"concept_ids\":[\"cat\","
                + "\"dog\"],\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"lena\"]},\"input_source\":{\"type\":"
                + "\"ALL_INPUTS\"},\"review\":{\"strategy\":\"MANUAL\",\"user_ids\":[\"rita\"]}}").getId();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    private static void signIn(String user) {
        browser.signIn(tokens.get(user), "#app-owner-loop");
    }

    private static void signOut() {
        browser.signOut();
    }

    @Test
    void changesRequestedWithACommentReachTheLabelerAndAReviewerCorrectsALabel() {
        try {
            labelBothAsCat();
            String sentBack = reviewerSendsOneBackAndCorrectsTheOther();
            labelerFixesWhatWasSentBack(sentBack);
            reviewerApprovesTheResubmission();
            assertTheOutcome(sentBack);
        } catch (RuntimeException | AssertionError e) {
            browser.screenshot("review-loop-failure");
            throw e;
        }
    }

    /** API requests the page made since the last {@code performance.clearResourceTimings()}. */
    private static long apiRequests() {
        return (Long) browser.script("return performance.getEntriesByType('resource').filter((e) =>"
                + " e.initiatorType === 'fetch' && new URL(e.name).pathname.startsWith('/v2/')).length");
    }

    private void labelBothAsCat() {
        signIn("lena");
        browser.script("performance.clearResourceTimings()");
        browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/label/']");
        browser.waitForText("#position", "Input 1 of 2");
        browser.keys("1", Keys.ENTER);
        browser.waitForText("#position", "Input 2 of 2");
        browser.keys("1");
        browser.waitForText("#left", "Batch fully labeled");
        browser.chord(Keys.SHIFT, Keys.ENTER);
        browser.find("#nothing-left");
        // GetTask, LABEL_START, ListAnnotations (the labeler's, and the pre-labels), a save per
        // input, LABEL_SUBMIT; then the next LABEL_START (empty) and GetTask for the remaining
        // count (docs/ARCHITECTURE.md).
        assertThat(apiRequests()).as("requests for a batch of two").isEqualTo(9);
        signOut();
    }

    /** Returns the input sent back. */
    private String reviewerSendsOneBackAndCorrectsTheOther() {
        signIn("rita");
        browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/review/']");
        browser.waitForText("#position", "Input 1 of 2");
        String sentBack = browser.find(".counter .muted").getText();
        browser.click(".labeling[data-worker='lena'] button.mark");
        browser.waitForText(".labeling[data-worker='lena'] button.mark[aria-pressed='true']", "cat");
        browser.type(".labeling[data-worker='lena'] textarea.comment", COMMENT);
        browser.screenshot("review-comment");
        browser.click(".labeling[data-worker='lena'] button.verb.changes");

        browser.waitForText("#position", "Input 2 of 2");
        browser.click(".labeling[data-worker='lena'] button.correct");
        browser.find("#correcting");
        browser.click("#correcting button[data-concept='cat']");
        browser.click("#correcting button[data-concept='dog']");
        assertThat(browser.find("#correcting button[data-concept='dog']").getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(browser.find("#correcting button[data-concept='cat']").getAttribute("aria-pressed")).isEqualTo("false");
        browser.screenshot("review-correction");
        browser.click("#approve-corrected");
        browser.find("#queue-empty");
        signOut();
        return sentBack;
    }

    private void labelerFixesWhatWasSentBack(String sentBack) {
        signIn("lena");
        // One of two inputs is no longer turned in: the progress went down.
        assertThat(browser.find("tr[data-task-id='" + taskId + "'] [aria-label='Labeling']").getAttribute("aria-valuenow"))
                .isEqualTo("50");
        browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/label/']");
        browser.waitForText("#sent-back", COMMENT);
        assertThat(browser.find("#sent-back").getText()).contains("Sent back by rita");
        assertThat(browser.find("#review-marks").getText()).contains("cat");
        assertThat(browser.find("#position").getText()).contains("Input 1 of 1", "1 sent back");
        assertThat(browser.find("#stage").getText()).contains("text of " + sentBack);
        assertThat(browser.find("button.concept[data-concept='cat']").getAttribute("aria-pressed")).isEqualTo("true");
        browser.screenshot("label-sent-back");
        browser.keys("1", "2"); // cat off, dog on
        browser.waitForText("#left", "Batch fully labeled");
        assertThat(browser.find("button.concept[data-concept='dog']").getAttribute("aria-pressed")).isEqualTo("true");
        browser.chord(Keys.SHIFT, Keys.ENTER);
        browser.find("#nothing-left");
        signOut();
    }

    private void reviewerApprovesTheResubmission() {
        signIn("rita");
        browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/review/']");
        browser.waitForText("#position", "Input 1 of 1");
        assertThat(browser.find(".labeling[data-worker='lena'] .chips").getText()).contains("dog").doesNotContain("cat");
        assertThat(browser.find(".labeling[data-worker='lena'] .earlier").getText()).contains("Resubmitted", COMMENT);
        browser.keys("a");
        browser.find("#queue-empty");
        signOut();
    }

    private void assertTheOutcome(String sentBack) {
        List<Annotation> all = app.call("GET", "/v2/annotations?task_id=" + taskId + "&per_page=100", null,
                MultiAnnotationResponse.getDefaultInstance()).message().getAnnotationsList();
        assertThat(all).filteredOn(a -> a.getInputId().equals(sentBack)).singleElement().satisfies(a -> {
            assertThat(a.getUserId()).isEqualTo("lena");
            assertThat(a.getData().getConcepts(0).getId()).isEqualTo("dog");
            assertThat(a.getStatus().getCodeValue()).isEqualTo(24150);
        });
        List<Annotation> corrected = all.stream().filter(a -> !a.getInputId().equals(sentBack)).toList();
        assertThat(corrected).hasSize(2);
        assertThat(corrected).filteredOn(a -> a.getUserId().equals("lena")).singleElement().satisfies(a -> {
            assertThat(a.getData().getConcepts(0).getId()).as("the original, kept").isEqualTo("cat");
            assertThat(a.getStatus().getCodeValue()).isEqualTo(24158);
        });
        assertThat(corrected).filteredOn(a -> a.getUserId().equals("rita")).singleElement().satisfies(a -> {
            assertThat(a.getData().getConcepts(0).getId()).as("the reviewer's correction").isEqualTo("dog");
            assertThat(a.getStatus().getCodeValue()).isEqualTo(24150);
        });
        var notes = app.call("GET", "/v2/tasks/" + taskId + "/review_notes", null,
                MultiReviewNoteResponse.getDefaultInstance()).message().getReviewNotesList();
        assertThat(notes).extracting(n -> n.getComment()).contains(COMMENT);
    }
}
