package dev.annotask.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.review.MultiReviewVerdictResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Browser;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.PageChecks;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestImages;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * The app owner's views in a real (headless) Chromium, on a task set up through the API: two
 * labelers drew boxes on three uploaded images, a reviewer approved one labeling with a note.
 * The owner filters the inputs by labeler and concept (file names, never hex ids), opens an
 * input and sees both labelers' boxes and the final one (switching a labeler off), who approved
 * it and the note; pauses the task and resumes it from the task page; and reads the team's
 * charts. Every page passes {@link PageChecks} at 1280 px and at 800 px, where nothing may
 * need a sideways scroll. Screenshots under target/screenshots.
 */
class OwnerViewsBrowserIT {
    private static RunningServer server;
    private static Browser browser;
    private static Map<String, String> tokens;
    private static DataFixtures app;
    private static String taskId;
    private static final Map<String, String> inputIds = new HashMap<>();

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE);
        browser = Browser.open("http://127.0.0.1:" + server.server().httpPort());
        Fixtures fixtures = new Fixtures(server.client());
        tokens = Map.of("owner", fixtures.createUserWithToken("owner"), "wendy", fixtures.createUserWithToken("wendy"),
                "walt", fixtures.createUserWithToken("walt"), "rex", fixtures.createUserWithToken("rex"));
        app = DataFixtures.newApp(server.client(), "owner", tokens.get("owner"), "zoo");
        app.addCollaborators(tokens.get("owner"), "wendy", "walt", "rex");
        app.postConcepts("cat", "dog");
        String png = Base64.getEncoder().encodeToString(TestImages.png(320, 240));
        for (String name : List.of("kitchen.png", "garden.png", "sofa.png")) {
            var posted = app.call("POST", "/v2/inputs", "{\"inputs\":[{\"data\":{\"image\":{\"base64\":\"" + png
                    + "\"},\"metadata\":{\"filename\":\"" + name + "\"}}}]}", MultiInputResponse.getDefaultInstance());
            assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
            inputIds.put(name, posted.message().getInputs(0).getId());
        }
        taskId = app.postTask("{\"type\":\"BOUNDING_BOX_DETECTION\",\"name\":\"Pets in boxes\",\"concept_ids\":[\"cat\","
                + "\"dog\"],\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"wendy\",\"walt\"]},\"input_source\":{\"type\":"
                + "\"ALL_INPUTS\"},\"review\":{\"strategy\":\"MANUAL\",\"user_ids\":[\"rex\"]}}").getId();
        // wendy calls everything a cat; walt agrees on the kitchen only.
        label("wendy", Map.of("kitchen.png", "cat", "garden.png", "cat", "sofa.png", "cat"), 0.1);
        label("walt", Map.of("kitchen.png", "cat", "garden.png", "dog", "sofa.png", "dog"), 0.3);
        Labeler rex = new Labeler(server.client(), "rex", tokens.get("rex"), app);
        TaskAssignment wendysKitchen = rex.reviewStart(taskId).stream()
                .filter(a -> a.getWorker().getUser().getId().equals("wendy")
                        && a.getInput().getId().equals(inputIds.get("kitchen.png"))).findFirst().orElseThrow();
        var approved = server.client().send("POST", app.longPath() + "/tasks/" + taskId + "/review_verdicts", tokens.get("rex"),
                "{\"verdict\":\"APPROVE\",\"labelings\":[{\"task_assignment_id\":\"" + wendysKitchen.getId()
                        + "\",\"comment\":\"Tight box, well done.\"}]}", MultiReviewVerdictResponse.getDefaultInstance());
        assertThat(approved.code()).as(approved.body()).isEqualTo(10000);
    }

    private static void label(String user, Map<String, String> concepts, double offset) {
        Labeler labeler = new Labeler(server.client(), user, tokens.get(user), app);
        List<TaskAssignment> batch = labeler.start(taskId);
        assertThat(batch).hasSize(3);
        for (TaskAssignment a : batch) {
            String name = inputIds.entrySet().stream().filter(e -> e.getValue().equals(a.getInput().getId()))
                    .findFirst().orElseThrow().getKey();
            ApiClient.Reply<MultiAnnotationResponse> posted = labeler.annotate("{\"annotations\":[{\"input_id\":\""
                    + a.getInput().getId() + "\",\"task_id\":\"" + taskId + "\",\"data\":{\"regions\":[{\"region_info\":"
                    + "{\"bounding_box\":{\"top_row\":" + offset + ",\"left_col\":" + offset + ",\"bottom_row\":"
                    + (offset + 0.5) + ",\"right_col\":" + (offset + 0.4) + "}},\"data\":{\"concepts\":[{\"id\":\""
                    + concepts.get(name) + "\",\"value\":1}]}}]}}]}");
            assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        }
        assertThat(labeler.submit(taskId, batch).code()).isEqualTo(10000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    @Test
    void theOwnerBrowsesInputsReadsAnInputsLabelsPausesTheTaskAndSeesTheTeam() {
        try {
            browser.resize(1280, 900);
            browser.signIn(tokens.get("owner"), "#app-owner-zoo");
            filtersByLabelerAndConcept();
            opensAnInputWithBothLabelersAndTheFinal();
            pausesAndResumesTheTask();
            seesTheTeamsCharts();
            everyPageAt800Pixels();
        } catch (RuntimeException | AssertionError e) {
            browser.screenshot("owner-views-failure");
            throw e;
        }
    }

    private void filtersByLabelerAndConcept() {
        browser.click("#nav a[href='#/browse']");
        browser.waitForText("#browse-count", "3 inputs");
        browser.waitForImages();
        assertThat(browser.find("#gallery").getText()).contains("kitchen.png", "garden.png", "sofa.png")
                .doesNotContain(inputIds.get("kitchen.png"));
        PageChecks.check(browser, "owner-browse");
        new Select(browser.find("#filter-labeler")).selectByValue("walt");
        new Select(browser.find("#filter-concept")).selectByValue("dog");
        browser.click("#apply-filters");
        browser.waitForText("#browse-count", "2 inputs");
        assertThat(browser.all("#gallery a.thumb")).extracting(e -> e.getText())
                .containsExactlyInAnyOrder("garden.png", "sofa.png");
        PageChecks.check(browser, "owner-browse-filtered");
        new Select(browser.find("#filter-concept")).selectByValue("cat");
        browser.click("#apply-filters");
        browser.waitForText("#browse-count", "1 input ");
        assertThat(browser.find("#gallery").getText()).isEqualTo("kitchen.png");
    }

    private void opensAnInputWithBothLabelersAndTheFinal() {
        browser.click("#gallery a.thumb");
        browser.waitForText("#input-name", "kitchen.png");
        browser.waitForImages();
        assertThat(browser.all("#layers li.layer")).extracting(e -> e.getDomAttribute("data-layer"))
                .containsExactly("wendy", "walt", "final");
        assertThat(browser.all(".frame svg.regions rect.shape")).as("wendy's, walt's and the final box").hasSize(3);
        assertThat(browser.find("#final-how").getText()).contains("approved by rex");
        assertThat(browser.find("#review-notes").getText()).contains("Tight box, well done.", "rex", "wendy");
        PageChecks.check(browser, "owner-input");
        browser.click("#layer-user-walt");
        assertThat(browser.all(".frame svg.regions rect.shape")).as("walt switched off").hasSize(2);
        assertThat(browser.find(".frame svg.regions").getText()).doesNotContain("walt");
        browser.click("#layer-user-walt");
        assertThat(browser.all(".frame svg.regions rect.shape")).hasSize(3);
    }

    private void pausesAndResumesTheTask() {
        browser.go("#/task/" + taskId);
        browser.waitForText("#task-status", "In progress");
        browser.click("#pause-task");
        browser.waitForText("#task-status", "Paused");
        assertThat(app.getTask(taskId).getStatus().getCodeValue()).isEqualTo(54006);
        PageChecks.check(browser, "owner-task-paused");
        browser.click("#reopen-task");
        browser.waitForText("#task-status", "In progress");
        assertThat(app.getTask(taskId).getStatus().getCodeValue()).isEqualTo(54001);
        // Renamed and described; the definition stays as it was.
        browser.click("#edit-task");
        browser.type("#edit-name", "Pets in boxes, round 1");
        browser.type("#edit-description", "Box every cat and dog, tightly.");
        browser.click("#save-task");
        browser.waitForText("h1", "round 1");
        assertThat(browser.find("#task-description").getText()).isEqualTo("Box every cat and dog, tightly.");
        var renamed = app.getTask(taskId);
        assertThat(renamed.getName()).isEqualTo("Pets in boxes, round 1");
        DataFixtures.assertWorkers(renamed, "wendy", "walt");
        DataFixtures.assertReviewers(renamed, "rex");
        browser.click("#delete-task");
        assertThat(browser.find("#task-manage .confirm").getText()).contains("6 labelings", "labels already saved stay");
        browser.click("#task-manage .confirm-no");
        browser.find("#delete-task");
    }

    private void seesTheTeamsCharts() {
        browser.find("#chart-done svg");
        assertThat(browser.all(".chart-box svg title")).isNotEmpty();
        assertThat((String) browser.script("return document.querySelector('#chart-throughput svg desc').textContent"))
                .contains("wendy 3", "walt 3");
        assertThat(browser.find("#team-table tr[data-worker='wendy'][data-role='labeler'] [data-col='done']").getText())
                .isEqualTo("3");
        assertThat(browser.find("#team-table tr[data-worker='wendy'] [data-col='agreement']").getText()).isEqualTo("100%");
        assertThat(browser.find("#team-table tr[data-worker='rex'][data-role='reviewer'] [data-col='done']").getText())
                .isEqualTo("1");
        browser.click(".segmented button[data-hours='168']");
        browser.find(".segmented button[data-hours='168'][aria-pressed='true']");
        browser.waitForText("#chart-throughput figcaption", "per day");
        browser.script("document.getElementById('team-title').scrollIntoView()");
        PageChecks.check(browser, "owner-task-team");
    }

    private void everyPageAt800Pixels() {
        browser.resize(800, 900);
        for (String[] page : new String[][] {{"#/browse", "#browse-count"}, {"#/input/" + inputIds.get("kitchen.png"), "#layers"},
                {"#/task/" + taskId, "#team-table"}}) {
            browser.go(page[0]);
            browser.find(page[1]);
            if (!page[0].startsWith("#/task/")) {
                browser.waitForImages();
            }
            assertThat(PageChecks.fitsWidth(browser)).as(page[0] + " fits 800 px").isTrue();
            PageChecks.check(browser, "owner-800-" + page[0].replaceAll("[^a-z]", ""));
        }
        browser.resize(1280, 900);
    }
}
