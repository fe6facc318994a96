package dev.annotask.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.api.RpcMethod;
import dev.annotask.api.RpcRegistry;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.RunningServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/COMPATIBILITY.md stays true: every RPC of the schema is listed, with the state the server has. */
class CompatibilityDocTest {

    @Test
    void everyRpcIsListedWithItsServedState() throws IOException {
        Map<String, String> documented = documentedStates();
        try (RunningServer server = RunningServer.start(SqlDialect.SQLITE)) {
            RpcRegistry registry = server.server().registry();
            for (RpcMethod method : registry.methods()) {
                if (!method.descriptor().getService().getName().equals("V2")) {
                    continue;
                }
                assertThat(documented).as("COMPATIBILITY.md lists " + method.name()).containsKey(method.name());
                String expected = registry.isServed(method.name()) ? "served" : "not yet";
                assertThat(documented.get(method.name())).as(method.name()).isEqualTo(expected);
            }
            assertThat(documented.keySet()).as("no RPC outside the schema")
                    .allMatch(name -> registry.methods().stream().anyMatch(m -> m.name().equals(name)));
        }
    }

    private static Map<String, String> documentedStates() throws IOException {
        Map<String, String> states = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/COMPATIBILITY.md"))) {
            String[] cells = line.split("\\|");
            if (cells.length >= 5 && (cells[3].trim().equals("served") || cells[3].trim().equals("not yet"))) {
                states.put(cells[2].trim(), cells[3].trim());
            }
        }
        return states;
    }
}
