package dev.annotask.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, for browser tests of the web
 * UI. Both paths are given explicitly, so Selenium Manager never looks for (or downloads) a
 * driver or a browser. Screenshots go to {@code target/screenshots}, kept as build artifacts.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Set to 1 to skip browser tests on a machine without chromium (CI installs it: never skips there). */
    public static final String SKIP_ENV = "ANNOTASK_SKIP_BROWSER_TESTS";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final WebDriverWait wait;
    private final String baseUrl;
    private final Path profile;
    private int shots;

    private Browser(String baseUrl) throws IOException {
        this.baseUrl = baseUrl;
        this.profile = Files.createTempDirectory("annotask-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The flags this machine needs: no sandbox as root, and no background calls to the
        // internet, which the closed network refuses (docs of the machine).
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + profile);
        // The page's console, for tests that check it stays free of errors (consoleErrors).
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        // Looks every 50 ms (Selenium's default is 500): a page usually shows what a step
        // waits for within a few milliseconds, and each wait would otherwise round up to 0.5 s.
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(50));
    }

    /**
     * A browser on the server's base URL; skips the test only when chromedriver is missing and
     * {@value #SKIP_ENV} says so, and fails with how to install it otherwise.
     */
    public static Browser open(String baseUrl) {
        if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM)) {
            Assumptions.assumeFalse("1".equals(System.getenv(SKIP_ENV)),
                    "browser tests skipped: " + CHROMEDRIVER + " is missing and " + SKIP_ENV + "=1");
            throw new IllegalStateException("browser tests need Debian's chromium and chromedriver: "
                    + "apt-get install -y --no-install-recommends chromium chromium-driver "
                    + "(or set " + SKIP_ENV + "=1 to skip them)");
        }
        try {
            return new Browser(baseUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void go(String hash) {
        driver.get(baseUrl + "/" + hash);
    }

    public WebElement find(String css) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public void click(String css) {
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    public void type(String css, CharSequence... text) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(text);
    }

    /**
     * Signs in on the sign-in page with the token, picks the app by its chooser button
     * ({@code #app-{owner}-{app}}) and waits for the task list.
     */
    public void signIn(String token, String appButton) {
        go("#/signin");
        type("#token", token);
        keys(Keys.ENTER);
        click(appButton);
        find("#my-tasks");
    }

    public void signOut() {
        click("#sign-out");
        find("#token");
    }

    /** Keys sent to the page itself (the labeling and review shortcuts). */
    public void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    /** A key pressed while a modifier is held (Shift+Enter, say). */
    public void chord(Keys modifier, CharSequence key) {
        new Actions(driver).keyDown(modifier).sendKeys(key).keyUp(modifier).perform();
    }

    /** A chain of pointer and key actions on this browser, for gestures the helpers here do not cover. */
    public Actions actions() {
        return new Actions(driver);
    }

    /** Waits until the script (a boolean expression, or a function body that returns one) is true. */
    public void waitUntil(String js, Object... args) {
        String body = js.contains("return ") ? js : "return " + js;
        wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(body, args)));
    }

    /** Waits until the element's text contains the given text. */
    public void waitForText(String css, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    /** Waits until every image on the page has loaded real pixels. */
    public void waitForImages() {
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return [...document.images].length > 0 && [...document.images].every(i => i.complete && i.naturalWidth > 0)"));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Runs an asynchronous script: it ends by calling its last argument with the result. */
    public Object scriptAsync(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    /** Resizes the window (the viewport is a little smaller), e.g. to 800 px wide. */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
    }

    /** The page's console messages of level SEVERE since the last call (each is returned once). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(entry -> entry.getMessage()).toList();
    }

    /** Drags from one point to another, in fractions of the element's width and height. */
    public void drag(String css, double fromX, double fromY, double toX, double toY) {
        WebElement el = find(css);
        int w = el.getSize().getWidth();
        int h = el.getSize().getHeight();
        // Offsets are from the element's center in Selenium 4.
        new Actions(driver).moveToElement(el, (int) ((fromX - 0.5) * w), (int) ((fromY - 0.5) * h)).clickAndHold()
                .moveByOffset((int) ((toX - fromX) * w / 2), (int) ((toY - fromY) * h / 2))
                .moveByOffset((int) ((toX - fromX) * w / 2), (int) ((toY - fromY) * h / 2)).release().perform();
    }

    public void uploadFiles(String css, List<Path> files) {
        driver.findElement(By.cssSelector(css)).sendKeys(String.join("\n",
                files.stream().map(p -> p.toAbsolutePath().toString()).toList()));
    }

    /** Saves a screenshot as target/screenshots/NN-name.png and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(String.format("%02d-%s.png", ++shots, name));
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        deleteQuietly(profile.toFile());
    }

    private static void deleteQuietly(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteQuietly(child);
            }
        }
        file.delete();
    }
}
