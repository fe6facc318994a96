package dev.annotask.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.store.SqlDialect;
import dev.annotask.testing.Browser;
import dev.annotask.testing.PageChecks;
import dev.annotask.testing.RunningServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * A new server run from the browser alone, by its admin and a team, with no API call outside
 * the web UI: the admin signs in on an empty database and follows "Getting started" (creates
 * the app, the users with their first keys, invites them with roles, adds concepts, uploads,
 * creates a task picked without ids), disables a user, previews what removing a labeler with
 * open work would release; the labeler labels, the reviewer approves, the admin sees the task
 * done. Every page passes {@link PageChecks} (axe-core: nothing serious or critical; no
 * {@code null}; no console error) at 1280 px and again at 800 px, where nothing may need a
 * sideways scroll; refusals get their own page. Screenshots go to target/screenshots.
 */
class AdminUiBrowserIT {
    private static RunningServer server;
    private static Browser browser;
    private static final Map<String, String> secrets = new HashMap<>();

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE);
        browser = Browser.open("http://127.0.0.1:" + server.server().httpPort());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    @Test
    void theAdminTakesAnEmptyServerToAFinishedTaskFromTheBrowserAlone() throws IOException {
        try {
            browser.go("");
            browser.find("#token");
            PageChecks.check(browser, "admin-sign-in");
            signIn(RunningServer.ADMIN_TOKEN, null);
            String taskId = adminSetsUpTheApp();
            labelerStartsThenTheOwnerPreviewsHerRemoval(taskId);
            labelAndReview(taskId);
            ownerSeesItDoneAndRefusalsHaveTheirPage(taskId);
            aDisabledUserCannotSignIn();
            everyPageAt800Pixels(taskId);
        } catch (RuntimeException | AssertionError e) {
            browser.screenshot("admin-failure");
            throw e;
        }
    }

    /** The scan is real: a field without a label and grey-on-grey text are reported. */
    @Test
    void theAccessibilityScanReportsWhatItShould() {
        browser.go("#/signin");
        browser.find("#token");
        assertThat(PageChecks.serious(browser)).isEmpty();
        browser.script("""
                const view = document.getElementById('view');
                view.append(Object.assign(document.createElement('input'), { id: 'unlabeled' }));
                const faint = Object.assign(document.createElement('p'), { textContent: 'faint text' });
                faint.style.color = '#ccc';
                view.append(faint);""");
        assertThat(PageChecks.serious(browser)).anyMatch(v -> v.startsWith("label ("))
                .anyMatch(v -> v.startsWith("color-contrast ("));
    }

    private String adminSetsUpTheApp() throws IOException {
        // An empty database: the admin lands on "Getting started".
        browser.waitForText("#step-app", "Create an app");
        PageChecks.check(browser, "admin-start");
        browser.type("#app-id", "pets");
        browser.type("#app-name", "Pets: cats and dogs");
        browser.click("#create-app");
        browser.find("#step-app.step-done");
        assertThat(browser.find(".who-app").getText()).isEqualTo("admin/pets");

        browser.click("#step-people a[href='#/users']");
        for (String user : List.of("alice", "bob", "carol", "mallory")) {
            browser.type("#user-id", user);
            browser.type("#user-first-name", Character.toUpperCase(user.charAt(0)) + user.substring(1));
            browser.click("#create-user");
            browser.find("#user-created [data-user='" + user + "'] #new-secret");
            secrets.put(user, browser.find("#new-secret").getDomProperty("value"));
            browser.find("#users tr[data-user-id='" + user + "']");
        }
        assertThat(secrets.values()).allMatch(s -> s.length() >= 20).doesNotHaveDuplicates();
        browser.click("tr[data-user-id='mallory'] button.disable");
        assertThat(browser.find("tr[data-user-id='mallory'] + tr.confirm-row").getText()).contains("Their keys stop working");
        browser.click("tr[data-user-id='mallory'] + tr.confirm-row .confirm-yes");
        browser.waitForText("tr[data-user-id='mallory'] td.state", "Disabled");
        PageChecks.check(browser, "admin-users");

        browser.click("#nav a[href='#/people']");
        browser.find("#no-collaborators");
        for (String user : List.of("alice", "bob", "carol")) {
            browser.type("#collaborator-new", user);
            new Select(browser.find("#collaborator-role")).selectByValue("labeler");
            browser.click("#collaborator-add");
            browser.find("#collaborator-list tr[data-user-id='" + user + "']");
        }
        new Select(browser.find("#role-bob")).selectByValue("viewer");
        browser.waitForText("#toast", "bob is now viewer");
        assertThat(new Select(browser.find("#role-bob")).getFirstSelectedOption().getDomProperty("value")).isEqualTo("viewer");
        PageChecks.check(browser, "admin-people");

        browser.click("#nav a[href='#/data']");
        for (String concept : List.of("cat", "dog")) {
            browser.type("#concept-new", concept, Keys.ENTER);
            browser.waitForText("#concept-list", concept);
        }
        browser.uploadFiles("#files", List.of(image("tabby", Color.ORANGE), image("spaniel", Color.GRAY)));
        browser.waitForText("#upload-status", "2 of 2 done");
        browser.waitForText("#gallery", "2 inputs");
        browser.waitForImages();
        // The file names, not hex ids, name the inputs.
        assertThat(browser.find("#gallery").getText()).contains("tabby.png", "spaniel.png");
        PageChecks.check(browser, "admin-data");

        browser.go("#/start");
        browser.find("#step-upload.step-done");
        assertThat(browser.all(".steps li.step-done")).hasSize(3); // app, people, upload: the task is next
        return newTask();
    }

    private String newTask() {
        browser.click("#step-task a[href='#/tasks/new']");
        browser.waitForText("#source-count", "2 inputs");
        browser.type("#task-name", "Cats or dogs");
        assertThat(new Select(browser.find("#task-type")).getFirstSelectedOption().getText()).isEqualTo("Classification");
        assertThat(browser.find("#task-type-help").getText()).contains("whole input");
        // People are picked with their load; PARTITIONED weights show the shares they give.
        assertThat(browser.find("#workers li[data-user='alice'] .load").getText()).isEqualTo("In no task");
        new Select(browser.find("#worker-strategy")).selectByValue("PARTITIONED");
        new Select(browser.find("#partition-type")).selectByValue("WEIGHTED");
        browser.click("#workers-alice");
        browser.click("#workers-carol");
        browser.type("#workers input.weight[data-user='alice']", "3");
        browser.waitForText("#workers .share[data-user='alice']", "labels 75% of the inputs");
        browser.waitForText("#workers .share[data-user='carol']", "labels 25% of the inputs");
        PageChecks.check(browser, "admin-new-task-partitioned");
        browser.click("#workers-carol");
        new Select(browser.find("#worker-strategy")).selectByValue("FULL");
        new Select(browser.find("#review-strategy")).selectByValue("MANUAL");
        browser.click("#reviewers-carol");
        browser.waitForText("#task-summary", "2 inputs, 1 labeler each, ~2 labelings, 100% reviewed.");
        // No concept picked: the API refuses, and the page shows its words.
        browser.click("#create-task");
        browser.waitForText("#task-error .error", "at least one concept");
        browser.click("#task-concepts input[value='cat']");
        browser.click("#task-concepts input[value='dog']");
        PageChecks.check(browser, "admin-new-task");
        browser.click("#create-task");
        browser.find("#input-counts");
        String taskId = ((String) browser.script("return location.hash")).replace("#/task/", "");
        PageChecks.check(browser, "admin-task");
        signOut();
        return taskId;
    }

    /** alice takes her batch; the owner's removal preview counts it, and the owner cancels. */
    private void labelerStartsThenTheOwnerPreviewsHerRemoval(String taskId) {
        signIn(secrets.get("alice"), "admin-pets");
        browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/label/']");
        browser.waitForText("#position", "Input 1 of 2");
        signOut();
        signIn(RunningServer.ADMIN_TOKEN, "admin-pets");
        browser.click("#nav a[href='#/people']");
        browser.waitForText("tr[data-user-id='alice'] td.load", "2 open assignments · 1 task");
        browser.click("tr[data-user-id='alice'] button.remove");
        assertThat(browser.find("tr[data-user-id='alice'] + tr.confirm-row").getText())
                .contains("Remove alice from pets?", "Their 2 open assignments (in 1 task) go back to be labeled by others");
        PageChecks.check(browser, "admin-people-remove-preview");
        browser.click("tr[data-user-id='alice'] + tr.confirm-row .confirm-no");
        browser.find("tr[data-user-id='alice'] button.remove");
        signOut();
    }

    private void labelAndReview(String taskId) {
        signIn(secrets.get("alice"), "admin-pets");
        PageChecks.check(browser, "admin-labeler-tasks");
        browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/label/']");
        browser.waitForText("#position", "Input 1 of 2");
        browser.waitForImages();
        browser.keys("1");
        browser.find(".concept.on");
        PageChecks.check(browser, "admin-label");
        browser.keys(Keys.ENTER);
        browser.waitForText("#position", "Input 2 of 2");
        browser.keys("2");
        browser.waitForText("#left", "Batch fully labeled");
        browser.chord(Keys.SHIFT, Keys.ENTER);
        browser.find("#nothing-left");
        // Her own keys: a token made and revoked; the secret is shown once.
        browser.click("#nav a[href='#/keys']");
        browser.type("#key-description", "laptop");
        browser.click("#create-key");
        assertThat(browser.find("#new-secret").getDomProperty("value")).hasSizeGreaterThanOrEqualTo(20);
        PageChecks.check(browser, "admin-keys");
        browser.waitForText("#keys", "laptop");
        int keys = browser.all("#keys tbody tr").size();
        browser.click("#keys tbody tr:last-child button.revoke");
        browser.click("#keys tbody tr.confirm-row .confirm-yes");
        browser.waitForText("#toast", "Key revoked");
        assertThat(browser.all("#keys tbody tr")).hasSize(keys - 1);
        // An owner page refused to a collaborator, with a page that says why.
        browser.go("#/data");
        browser.waitForText("#refused h1", "Only the app owner");
        PageChecks.check(browser, "admin-refused-owner-page");
        signOut();

        signIn(secrets.get("carol"), "admin-pets");
        browser.click("tr[data-task-id='" + taskId + "'] a[href^='#/review/']");
        browser.waitForText("#position", "Input 1 of 2");
        browser.waitForImages();
        PageChecks.check(browser, "admin-review");
        browser.click("li[data-worker='alice'] .bulk-approve");
        browser.find("#queue-empty");
        signOut();
    }

    private void ownerSeesItDoneAndRefusalsHaveTheirPage(String taskId) {
        signIn(RunningServer.ADMIN_TOKEN, "admin-pets");
        browser.waitForText("tr[data-task-id='" + taskId + "']", "Done");
        PageChecks.check(browser, "admin-tasks");
        // The owner is no reviewer of the task: a clear refusal, not "Something went wrong".
        browser.go("#/review/" + taskId);
        browser.waitForText("#refused h1", "does not name you as a reviewer");
        PageChecks.check(browser, "admin-refused-review");
        signOut();
    }

    private void aDisabledUserCannotSignIn() {
        browser.type("#token", secrets.get("mallory"));
        browser.click("#sign-in");
        browser.waitForText(".error", "API key's user is disabled");
        assertThat(browser.script("return location.hash")).isEqualTo("#/signin");
    }

    private void everyPageAt800Pixels(String taskId) {
        browser.resize(800, 1000);
        try {
            signIn(RunningServer.ADMIN_TOKEN, "admin-pets");
            for (String[] page : List.of(new String[] {"#/tasks", "#my-tasks", "tasks"},
                    new String[] {"#/task/" + taskId, "#input-counts", "task"},
                    new String[] {"#/tasks/new", "#task-summary", "new-task"}, new String[] {"#/data", "#gallery figure", "data"},
                    new String[] {"#/people", "#collaborator-list table", "people"}, new String[] {"#/users", "#users table", "users"},
                    new String[] {"#/keys", "#keys table", "keys"}, new String[] {"#/start", ".steps", "start"},
                    new String[] {"#/webhooks", "#webhooks", "webhooks"}, new String[] {"#/apps", ".choices", "apps"})) {
                browser.go(page[0]);
                browser.find(page[1]);
                PageChecks.check(browser, "admin-800-" + page[2]);
                assertThat(PageChecks.fitsWidth(browser)).as(page[0] + " fits 800 px").isTrue();
            }
        } finally {
            browser.resize(1280, 800);
        }
    }

    private static void signIn(String token, String appChoice) {
        browser.go("#/signin");
        browser.type("#token", token);
        browser.keys(Keys.ENTER);
        if (appChoice != null) {
            browser.click("#app-" + appChoice);
            browser.find("#my-tasks");
        }
    }

    private static void signOut() {
        browser.click("#sign-out");
        browser.find("#token");
    }

    private static Path image(String name, Color color) throws IOException {
        BufferedImage image = new BufferedImage(480, 360, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(236, 240, 246));
        g.fillRect(0, 0, 480, 360);
        g.setColor(color);
        g.fillOval(120, 80, 240, 200);
        g.dispose();
        Path file = Files.createTempDirectory("annotask-admin-images").resolve(name + ".png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
