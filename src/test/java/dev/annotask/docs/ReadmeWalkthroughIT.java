package dev.annotask.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A test of the README, not a copy of it: reads the shell blocks of its "Walk-through"
 * sections as they stand and runs them, in order and in one bash, with curl, against the
 * built jar on an empty database. The only changes are the two values the README tells the
 * reader to fill in (the server's address and the admin token); everything else must work
 * as written: every user it uses is created, every secret and id is read from the answer that
 * made it, and every call succeeds (curl fails the script on any HTTP error). The end state is
 * checked too: the task is done, with bob's input approved.
 */
class ReadmeWalkthroughIT {
    private static final String ADMIN_TOKEN = "readme-walkthrough-admin-token-0123";
    private static final String ADDRESS_LINE = "S=http://localhost:8080";
    private static final String TOKEN_PLACEHOLDER = "<admin token>";
    private static final Pattern SECTION = Pattern.compile("(?m)^## Walk-through[^\\n]*\\n(.*?)(?=^## |\\z)", Pattern.DOTALL);
    private static final Pattern SHELL_BLOCK = Pattern.compile("(?m)^```sh\\n(.*?)^```", Pattern.DOTALL);
    /** Any other {@code <placeholder>} would be a value the reader cannot know. */
    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z][a-z ]*>");
    /** What the harness adds: stop at the first failure; curl fails on HTTP errors and is bounded in time. */
    private static final String HARNESS = """
            set -euo pipefail
            curl() { command curl --fail-with-body --max-time 30 "$@"; echo; }
            """;

    @Test
    void theReadmesWalkThroughsRunAsWrittenOnAFreshServer() throws IOException, InterruptedException {
        String script = walkthroughScript(Files.readString(Path.of("README.md")));
        Path data = Files.createTempDirectory("annotask-readme");
        try (ServerProcess server = ServerProcess.start("--data", data.toString(), "--admin-token", ADMIN_TOKEN)) {
            String runnable = HARNESS + script
                    .replace(ADDRESS_LINE, "S=http://127.0.0.1:" + server.port())
                    .replace(TOKEN_PLACEHOLDER, ADMIN_TOKEN);
            Result result = runBash(runnable);
            assertThat(result.exitCode()).as("the walk-through failed; its output:\n" + result.output()
                    + "\nserver:\n" + server.recentOutput()).isZero();
            String output = result.output();
            // The task ends done (54002), and the input counts show bob's one input approved.
            assertThat(output).containsPattern("\"code\": ?54002");
            assertThat(output).containsPattern("\"success\": ?1\\b");
            assertThat(output).doesNotContainPattern("\"code\": ?1100[78]");
        }
    }

    /** The shell blocks of every "## Walk-through" section, in order; checks the placeholders. */
    static String walkthroughScript(String readme) {
        List<String> blocks = new ArrayList<>();
        Matcher section = SECTION.matcher(readme);
        while (section.find()) {
            Matcher block = SHELL_BLOCK.matcher(section.group(1));
            while (block.find()) {
                blocks.add(block.group(1));
            }
        }
        assertThat(blocks).as("README walk-through shell blocks").hasSizeGreaterThanOrEqualTo(2);
        String script = String.join("\n", blocks);
        assertThat(script.split(Pattern.quote(ADDRESS_LINE), -1)).as("one line setting the address").hasSize(2);
        assertThat(script.split(Pattern.quote(TOKEN_PLACEHOLDER), -1)).as("one admin token placeholder").hasSize(2);
        assertThat(PLACEHOLDER.matcher(script.replace(TOKEN_PLACEHOLDER, "")).results().map(java.util.regex.MatchResult::group).toList())
                .as("values the reader could not know").isEmpty();
        return script;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result runBash(String script) throws IOException, InterruptedException {
        Path file = Files.createTempFile("readme-walkthrough", ".sh");
        Files.writeString(file, script);
        Path log = Files.createTempFile("readme-walkthrough", ".log");
        try {
            Process bash = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!bash.waitFor(180, TimeUnit.SECONDS)) {
                bash.destroyForcibly();
                bash.waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "timed out after 180 s\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(bash.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(log);
        }
    }
}
