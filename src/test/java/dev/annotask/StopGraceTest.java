package dev.annotask;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A server stops gracefully for as long as docs/DEPLOYMENT.md promises. Test servers stop with
 * no grace period (RunningServer, AnnotaskServer#stopGrace); the server the jar runs keeps the
 * default, and JarSmokeIT shows a request in flight at SIGTERM still being answered.
 */
class StopGraceTest {
    @Test
    void theDefaultGracePeriodIsTheDocumentedOne() throws IOException {
        assertThat(AnnotaskServer.DEFAULT_STOP_GRACE).hasSeconds(20);
        assertThat(Files.readString(Path.of("docs", "DEPLOYMENT.md")))
                .contains("in flight finish (up to " + AnnotaskServer.DEFAULT_STOP_GRACE.toSeconds() + " s)");
    }
}
