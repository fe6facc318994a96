package dev.annotask.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.BoundingBox;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.Browser;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.PageChecks;
import dev.annotask.testing.RunningServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/**
 * The labeling page's tools in a real (headless) Chromium: a labeler draws a box, zooms with
 * keys and the wheel, pans with the arrows and Space+drag, nudges, moves and resizes the box,
 * undoes and redoes, relabels it from the region list, locks and hides it, tags the whole image,
 * and draws and edits a polygon in a polygon task. What the server saved is checked through the
 * API to the image pixel: zoom never changes coordinates, nudges move by whole image pixels,
 * undo and redo land exactly where they should. A text input is shown as wrapped text. The
 * shortcut sheet opens with {@code ?}, holds focus and closes with Esc. Every page passes the
 * axe-core scan, at 1280 and 800 px (screenshots under target/screenshots).
 */
class LabelingToolsBrowserIT {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static RunningServer server;
    private static Browser browser;
    private static DataFixtures app;
    private static String lisa;
    private static String boxTask;
    private static String polygonTask;
    private static String textTask;

    @BeforeAll
    static void start() throws IOException {
        server = RunningServer.start(SqlDialect.SQLITE);
        browser = Browser.open("http://127.0.0.1:" + server.server().httpPort());
        Fixtures fixtures = new Fixtures(server.client());
        String owner = fixtures.createUserWithToken("owner");
        lisa = fixtures.createUserWithToken("lisa");
        app = DataFixtures.newApp(server.client(), "owner", owner, "tools");
        app.addCollaborators(owner, "lisa");
        app.postConcepts("cat", "dog");
        String essay = "A long text, to be read and not scrolled sideways. ".repeat(40)
                + "Averyveryverylongwordwithoutanyspacethatmustbreaksomewhereinsteadofwideningthepage".repeat(3);
        var inputs = app.call("POST", "/v2/inputs", "{\"inputs\":[{\"id\":\"photo\",\"data\":{\"image\":{\"base64\":\""
                + picture() + "\"}}},{\"id\":\"essay\",\"data\":{\"text\":{\"raw\":\"" + essay + "\"}}}]}",
                MultiInputResponse.getDefaultInstance());
        assertThat(inputs.code()).as(inputs.body()).isEqualTo(10000);
        boxTask = task("BOUNDING_BOX_DETECTION", "Boxes", "photo");
        polygonTask = task("POLYGON_DETECTION", "Polygons", "photo");
        textTask = task("CONCEPTS_CLASSIFICATION", "Reading", "essay");
    }

    private static String task(String type, String name, String input) {
        return app.postTask("{\"type\":\"" + type + "\",\"name\":\"" + name + "\",\"concept_ids\":[\"cat\",\"dog\"],"
                + "\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"lisa\"]},\"input_source\":{\"type\":\"INPUT\",\"id\":\""
                + input + "\"},\"review\":{\"strategy\":\"NONE\"}}").getId();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    @Test
    void aLabelerZoomsPansEditsUndoesAndLocksAndTheSavedPixelsAreExact() {
        try {
            browser.signIn(lisa, "#app-owner-tools");
            double[] box = boxes();
            polygons();
            text();
            assertThat(box).isNotNull();
        } catch (RuntimeException | AssertionError e) {
            browser.screenshot("labeling-tools-failure");
            throw e;
        }
    }

    private double[] boxes() {
        open(boxTask);
        PageChecks.check(browser, "labeling-tools");
        browser.keys("1");
        browser.drag("svg.regions", 0.25, 0.25, 0.5, 0.5);
        browser.waitForText("#region-count", "1 box");
        double[] b0 = box();
        for (double v : b0) {
            assertThat(v).as("whole image pixels").isEqualTo(Math.rint(v));
        }
        assertThat(b0[0]).isCloseTo(160, within(3.0));
        assertThat(b0[2]).isCloseTo(160, within(3.0));
        // The box just drawn is selected, but the next concept key only picks the next shape's concept.
        browser.keys("2");
        assertThat(browser.find("button.concept[data-concept='dog']").getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(rowConcept()).isEqualTo("cat");

        // Zoom: keys, then the wheel around the pointer; the box keeps its image coordinates.
        browser.keys("+");
        browser.waitForText("#zoom-level", "125%");
        assertPixels(box(), b0);
        List<?> still = (List<?>) browser.script("""
                const svg = document.querySelector('svg.regions'), stage = document.getElementById('stage');
                const at = (x, y) => { const r = svg.getBoundingClientRect(); return [(x - r.left) / r.width, (y - r.top) / r.height]; };
                const s = stage.getBoundingClientRect(), x = s.left + s.width * 0.3, y = s.top + s.height * 0.4;
                const before = at(x, y);
                stage.dispatchEvent(new WheelEvent('wheel', { deltaY: -200, clientX: x, clientY: y, bubbles: true, cancelable: true }));
                return [...before, ...at(x, y)];""");
        assertThat(number(still.get(2))).as("the point under the pointer stays").isCloseTo(number(still.get(0)), within(1e-3));
        assertThat(number(still.get(3))).isCloseTo(number(still.get(1)), within(1e-3));
        assertThat(browser.find("#zoom-level").getText()).isNotEqualTo("125%");
        assertPixels(box(), b0);

        // Pan: arrows with nothing selected, and Space+drag (which draws nothing).
        browser.keys(Keys.ESCAPE);
        double left = frameLeft();
        browser.keys(Keys.ARROW_RIGHT); // zoomed in, nothing selected: pans instead of turning the page
        assertThat(frameLeft()).isCloseTo(left - 60, within(0.5));
        browser.actions().keyDown(Keys.SPACE).perform();
        browser.drag("svg.regions", 0.5, 0.5, 0.4, 0.5);
        browser.actions().keyUp(Keys.SPACE).perform();
        assertThat(frameLeft()).isLessThan(left - 60 - 5);
        assertThat(browser.all("svg.regions rect.shape")).hasSize(1);
        assertPixels(box(), b0);
        PageChecks.check(browser, "labeling-tools-zoomed");

        // Nudges while zoomed in: whole image pixels, whatever the zoom.
        browser.click(".region-item .region-select");
        browser.keys(Keys.ARROW_RIGHT);
        browser.chord(Keys.SHIFT, Keys.ARROW_DOWN);
        browser.keys(Keys.ARROW_UP);
        double[] nudged = { b0[0] + 1, b0[1] + 9, b0[2], b0[3] };
        assertPixels(box(), nudged);

        // At fit size: move by dragging the box, resize by its bottom-right handle.
        browser.keys("0");
        browser.waitForText("#zoom-level", "100%");
        dragFrom("svg.regions rect.shape", 30, 20);
        double[] moved = { nudged[0] + 30, nudged[1] + 20, nudged[2], nudged[3] };
        assertPixels(box(), moved);
        dragFrom("svg.regions rect.handle[data-handle='4']", 40, 24);
        double[] resized = box();
        assertThat(resized[0]).isEqualTo(moved[0]);
        assertThat(resized[2]).isCloseTo(moved[2] + 40, within(1.0));
        assertThat(resized[3]).isCloseTo(moved[3] + 24, within(1.0));

        // Undo and redo, by keys and buttons.
        browser.chord(Keys.CONTROL, "z");
        assertPixels(box(), moved);
        browser.click("#undo");
        assertPixels(box(), nudged);
        browser.actions().keyDown(Keys.CONTROL).keyDown(Keys.SHIFT).sendKeys("z").keyUp(Keys.SHIFT).keyUp(Keys.CONTROL).perform();
        assertPixels(box(), moved);
        browser.chord(Keys.CONTROL, "y");
        assertPixels(box(), resized);

        // Relabel from the list: select the row, then the concept key; undoable.
        browser.click(".region-item .region-select");
        browser.keys("2");
        browser.waitForText(".region-item .region-concept", "dog");
        browser.chord(Keys.CONTROL, "z");
        browser.waitForText(".region-item .region-concept", "cat");
        browser.click("#redo");
        browser.waitForText(".region-item .region-concept", "dog");

        // Locked: no nudge, no delete, no drag, no relabel; then unlocked.
        browser.click(".region-item .region-select");
        browser.click(".region-item .region-lock");
        assertThat(browser.find(".region-item .region-delete").isEnabled()).isFalse();
        browser.keys(Keys.ARROW_RIGHT, Keys.DELETE, "1");
        dragFrom("svg.regions rect.shape", 25, 25);
        assertPixels(box(), resized);
        assertThat(rowConcept()).isEqualTo("dog");
        browser.click(".region-item .region-lock");
        // Hidden: not drawn, still listed (and saved).
        browser.click(".region-item .region-hide");
        assertThat(browser.all("svg.regions .shape")).isEmpty();
        assertThat(browser.all(".region-item")).hasSize(1);
        browser.click(".region-item .region-hide");
        assertThat(browser.all("svg.regions rect.shape")).hasSize(1);

        // A second box, deleted, undeleted, deleted again.
        browser.drag("svg.regions", 0.75, 0.7, 0.9, 0.9);
        browser.waitForText("#region-count", "2 boxes");
        browser.keys(Keys.DELETE);
        browser.waitForText("#region-count", "1 box");
        browser.chord(Keys.CONTROL, "z");
        browser.waitForText("#region-count", "2 boxes");
        browser.chord(Keys.CONTROL, "y");
        browser.waitForText("#region-count", "1 box");
        assertPixels(box(), resized);

        // The whole image tagged as well: classification beside the regions.
        browser.click("button.concept.whole[data-concept='cat']");
        shortcutSheet();
        browser.resize(800, 900);
        PageChecks.check(browser, "labeling-tools-800");
        assertThat(PageChecks.fitsWidth(browser)).as("no sideways scroll at 800 px").isTrue();
        browser.resize(1280, 800);

        submit();
        List<Annotation> saved = savedBy(boxTask);
        assertThat(saved).hasSize(2);
        Annotation region = saved.stream().filter(a -> a.getData().getRegionsCount() == 1).findFirst().orElseThrow();
        BoundingBox b = region.getData().getRegions(0).getRegionInfo().getBoundingBox();
        assertThat(region.getData().getRegions(0).getData().getConcepts(0).getId()).isEqualTo("dog");
        assertThat((double) b.getLeftCol() * WIDTH).isCloseTo(resized[0], within(1e-3));
        assertThat((double) b.getTopRow() * HEIGHT).isCloseTo(resized[1], within(1e-3));
        assertThat((double) (b.getRightCol() - b.getLeftCol()) * WIDTH).isCloseTo(resized[2], within(1e-3));
        assertThat((double) (b.getBottomRow() - b.getTopRow()) * HEIGHT).isCloseTo(resized[3], within(1e-3));
        assertThat(saved).filteredOn(a -> a.getData().getRegionsCount() == 0).singleElement()
                .satisfies(a -> assertThat(a.getData().getConcepts(0).getId()).isEqualTo("cat"));
        return resized;
    }

    private void polygons() {
        open(polygonTask);
        browser.keys("1");
        for (double[] p : new double[][] {{0.2, 0.2}, {0.5, 0.15}, {0.6, 0.5}, {0.25, 0.6}}) {
            clickAt("svg.regions", p[0], p[1]);
        }
        browser.keys(Keys.ENTER);
        browser.waitForText("#region-count", "1 polygon");
        browser.keys("2"); // the polygon just drawn keeps its concept
        assertThat(rowConcept()).isEqualTo("cat");
        double[] drawn = points();
        dragFrom("svg.regions rect.handle[data-handle='0']", 20, 10);
        double[] dragged = points();
        assertThat(dragged[0]).isCloseTo(drawn[0] + 20, within(1.0));
        assertThat(dragged[1]).isCloseTo(drawn[1] + 10, within(1.0));
        assertThat(dragged[2]).isEqualTo(drawn[2]);
        browser.keys("+", "+");
        browser.chord(Keys.SHIFT, Keys.ARROW_LEFT);
        double[] nudged = dragged.clone();
        for (int i = 0; i < nudged.length; i += 2) {
            nudged[i] -= 10;
        }
        assertPixels(points(), nudged);
        browser.chord(Keys.CONTROL, "z");
        assertPixels(points(), dragged);
        browser.chord(Keys.CONTROL, "y");
        assertPixels(points(), nudged);
        submit();
        var polygon = savedBy(polygonTask).get(0).getData().getRegions(0).getRegionInfo().getPolygon();
        assertThat(polygon.getPointsCount()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat((double) polygon.getPoints(i).getCol() * WIDTH).isCloseTo(nudged[2 * i], within(1e-3));
            assertThat((double) polygon.getPoints(i).getRow() * HEIGHT).isCloseTo(nudged[2 * i + 1], within(1e-3));
        }
    }

    private void text() {
        open(textTask);
        assertThat(browser.find("#media").getText()).contains("A long text");
        assertThat((Boolean) browser.script("const t = document.getElementById('media'); return t.scrollWidth <= t.clientWidth"))
                .as("the text wraps").isTrue();
        assertThat(browser.all("[aria-label='Image view']")).singleElement().satisfies(e -> assertThat(e.isDisplayed()).isFalse());
        PageChecks.check(browser, "labeling-text");
    }

    private void shortcutSheet() {
        browser.keys("?");
        browser.find("dialog#shortcuts[open]");
        assertThat(browser.script("return document.getElementById('shortcuts').contains(document.activeElement)")).isEqualTo(true);
        assertThat(browser.find("#shortcuts").getText()).contains("Undo", "Zoom in", "Delete the selected shape", "Submit the batch");
        PageChecks.check(browser, "shortcut-sheet");
        browser.keys(Keys.ESCAPE);
        browser.waitUntil("!document.getElementById('shortcuts').open");
    }

    private static void open(String taskId) {
        browser.go("#/label/" + taskId);
        browser.waitForText("#position", "Input 1 of 1");
        if (!taskId.equals(textTask)) {
            browser.waitForImages();
            browser.waitUntil("document.querySelector('svg.regions').getAttribute('viewBox') === '0 0 640 480'");
        }
    }

    private static void submit() {
        browser.chord(Keys.SHIFT, Keys.ENTER);
        browser.find("#nothing-left");
    }

    private static List<Annotation> savedBy(String taskId) {
        return app.call("GET", "/v2/annotations?task_id=" + taskId + "&user_ids=lisa&per_page=100", null,
                MultiAnnotationResponse.getDefaultInstance()).message().getAnnotationsList();
    }

    /** Image pixel coordinates as the page draws them: equal up to the doubles' rounding. */
    private static void assertPixels(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("coordinate %d of %s", i, java.util.Arrays.toString(actual)).isCloseTo(expected[i], within(1e-9));
        }
    }

    private static String rowConcept() {
        return browser.find(".region-item .region-concept").getText();
    }

    /** The first box as image pixels: x, y, width, height (the overlay's viewBox is the image). */
    private static double[] box() {
        List<?> v = (List<?>) browser.script("const r = document.querySelector('svg.regions rect.shape');"
                + "return ['x', 'y', 'width', 'height'].map((a) => Number(r.getAttribute(a)))");
        return v.stream().mapToDouble(LabelingToolsBrowserIT::number).toArray();
    }

    /** The first polygon's points as image pixels: x0, y0, x1, y1, … */
    private static double[] points() {
        List<?> v = (List<?>) browser.script("return document.querySelector('svg.regions polygon.shape').getAttribute('points')"
                + ".split(/[ ,]/).map(Number)");
        return v.stream().mapToDouble(LabelingToolsBrowserIT::number).toArray();
    }

    private static double frameLeft() {
        return number(browser.script("return document.querySelector('.frame').getBoundingClientRect().left"));
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    /** Presses on the element's center and drags by (dx, dy) screen pixels. */
    private static void dragFrom(String css, int dx, int dy) {
        List<?> c = (List<?>) browser.script("const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                + "return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)]", css);
        browser.actions().moveToLocation((int) number(c.get(0)), (int) number(c.get(1))).clickAndHold()
                .moveByOffset(dx / 2, dy / 2).moveByOffset(dx - dx / 2, dy - dy / 2).release().perform();
    }

    private static void clickAt(String css, double fx, double fy) {
        var el = browser.find(css);
        browser.actions().moveToElement(el, (int) ((fx - 0.5) * el.getSize().getWidth()),
                (int) ((fy - 0.5) * el.getSize().getHeight())).click().perform();
    }

    /** A 640×480 picture with something to draw a box around. */
    private static String picture() throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(214, 226, 240));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(new Color(120, 160, 90));
        g.fillRect(0, 330, WIDTH, 150);
        g.setColor(new Color(230, 140, 40));
        g.fillOval(170, 150, 180, 150);
        g.fillPolygon(new int[] {185, 215, 235}, new int[] {190, 110, 175}, 3);
        g.fillPolygon(new int[] {285, 305, 335}, new int[] {175, 110, 190}, 3);
        g.setColor(new Color(90, 70, 60));
        g.fillOval(420, 260, 150, 110);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
