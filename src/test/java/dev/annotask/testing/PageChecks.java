package dev.annotask.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What every page of the web UI must be, checked on the page the browser shows: axe-core's
 * scan (WCAG 2.x A and AA, and best practices) finds nothing serious or critical; no
 * {@code null} or {@code undefined} leaks into the text; the console holds no error; and a
 * screenshot is saved (target/screenshots). axe-core is the pinned copy in the test resources
 * (src/test/resources/axe/README.md), injected into the page, so the scan runs offline.
 */
public final class PageChecks {
    private static final String AXE = readAxe();
    /**
     * Chromium logs every HTTP error answer as "Failed to load resource"; the pages that show
     * an API refusal cause one on purpose, so only script errors count.
     */
    private static final String NETWORK_LOG = "Failed to load resource";

    private PageChecks() {
    }

    private static String readAxe() {
        try (InputStream in = PageChecks.class.getResourceAsStream("/axe/axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe/axe.min.js is missing from the test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs every check on the page now shown, and saves it as screenshot {@code name}. */
    public static void check(Browser browser, String name) {
        browser.screenshot(name);
        assertThat(serious(browser)).as("serious or critical accessibility violations on " + name).isEmpty();
        String text = (String) browser.script("return document.body.innerText");
        assertThat(text).as("text of " + name).doesNotContainPattern("\\bnull\\b").doesNotContainPattern("\\bundefined\\b")
                .doesNotContain("NaN");
        assertThat(browser.consoleErrors().stream().filter(m -> !m.contains(NETWORK_LOG)).toList())
                .as("console errors on " + name).isEmpty();
    }

    /** The page's serious and critical axe violations, one line each (rule, impact, first targets). */
    @SuppressWarnings("unchecked")
    public static List<String> serious(Browser browser) {
        if (!Boolean.TRUE.equals(browser.script("return typeof window.axe === 'object'"))) {
            browser.script(AXE);
        }
        Object result = browser.scriptAsync("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
                  .then((r) => done(r.passes.length === 0 ? ['axe checked nothing']
                    : r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
                      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)))
                  .catch((e) => done(['axe failed: ' + e]));""");
        return (List<String>) result;
    }

    /** True when the page is no wider than the window (nothing needs a sideways scroll). */
    public static boolean fitsWidth(Browser browser) {
        return (Boolean) browser.script("return document.documentElement.scrollWidth <= window.innerWidth");
    }
}
