package dev.annotask.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annotask.AnnotaskServer;
import dev.annotask.Main;
import dev.annotask.testing.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Which operator secrets are accepted, from where, and that a refused one stops the server
 * before it touches the data directory.
 */
class SecretSettingsTest {
    private static final String STRONG = "a-strong-admin-token-93c1";

    @Test
    void tokensShorterThanTwentyCharactersOrPaddedOrWithSpacesAreRefused() {
        assertThatThrownBy(() -> SecretSettings.requireStrong("--admin-token", "T")).hasMessageContaining("too short");
        assertThatThrownBy(() -> SecretSettings.requireStrong("--admin-token", "test-admin-token"))
                .hasMessageContaining("at least 20");
        assertThatThrownBy(() -> SecretSettings.requireStrong("--admin-token", " " + STRONG))
                .hasMessageContaining("leading or trailing whitespace");
        assertThatThrownBy(() -> SecretSettings.requireStrong("--admin-token", STRONG + "\t"))
                .hasMessageContaining("leading or trailing whitespace");
        assertThatThrownBy(() -> SecretSettings.requireStrong("--admin-token", "a strong admin token 93c1"))
                .hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> SecretSettings.requireStrong("--admin-token", "ä-strong-admin-token-93c1"))
                .hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> SecretSettings.requireStrong("--admin-token", "x".repeat(257)))
                .hasMessageContaining("too long");
        SecretSettings.requireStrong("--admin-token", STRONG);
        SecretSettings.requireStrong("--admin-token", "0123456789abcdef0123");
        SecretSettings.requireStrong("--admin-token", null);
    }

    @Test
    void aTokenComesFromTheFlagOrAFileNotBoth() throws IOException {
        Path file = Files.writeString(TestDatabases.tempDirectory().resolve("token"), STRONG + "\n");
        assertThat(SecretSettings.resolve("--admin-token", null, file)).isEqualTo(STRONG);
        assertThat(SecretSettings.resolve("--admin-token", STRONG, null)).isEqualTo(STRONG);
        assertThat(SecretSettings.resolve("--admin-token", "", null)).as("an empty variable is no token").isNull();
        assertThat(SecretSettings.resolve("--admin-token", null, null)).isNull();
        assertThatThrownBy(() -> SecretSettings.resolve("--admin-token", STRONG, file)).hasMessageContaining("both");

        Path padded = Files.writeString(file.resolveSibling("padded"), STRONG + " \n");
        assertThatThrownBy(() -> SecretSettings.resolve("--admin-token", null, padded))
                .hasMessageContaining("whitespace");
        Path twoLines = Files.writeString(file.resolveSibling("two"), STRONG + "\n\n");
        assertThatThrownBy(() -> SecretSettings.resolve("--admin-token", null, twoLines))
                .hasMessageContaining("whitespace");
        assertThatThrownBy(() -> SecretSettings.resolve("--admin-token", null, file.resolveSibling("missing")))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void serveRefusesAWeakTokenBeforeTouchingTheDataDirectory() {
        Path data = TestDatabases.tempDirectory().resolve("data");
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("serve", "--admin-token", "short", "--data", data.toString(), "--port", "0",
                "--grpc-port", "0")).isEqualTo(2);
        assertThat(commandLine.execute("serve", "--admin-token", STRONG, "--metrics-token", " padded-metrics-token-123",
                "--data", data.toString(), "--port", "0", "--grpc-port", "0")).isEqualTo(2);
        assertThat(data).doesNotExist();

        assertThatThrownBy(() -> new AnnotaskServer(ServerConfig.forDirectory(data).withAdminToken("test-admin-token"))
                .start()).isInstanceOf(InvalidSetting.class);
        assertThat(data).as("embedded starts are held to the same rule").doesNotExist();
    }
}
