package dev.annotask.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.RpcRegistry;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.RunningServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/COMPATIBILITY.md stays true: every RPC of the schema is listed, with the state the
 * server has, and with the client columns that follow from it. REST and the official client's
 * gRPC mode reach every served RPC; its JSON mode cannot send PUT and cannot put a repeated
 * field in a GET's query, so those RPCs read "no" and "partly" (the official-client suite
 * shows both refusals).
 */
class CompatibilityDocTest {
    private static final String NOT_SERVED = "—";

    /** One row of the RPC table: state, then REST, Java JSON and Java gRPC columns. */
    private record Row(String state, String rest, String javaJson, String javaGrpc) {
    }

    @Test
    void everyRpcIsListedWithItsServedStateAndHowEachClientReachesIt() throws IOException {
        Map<String, Row> documented = documentedRows();
        try (RunningServer server = RunningServer.start(SqlDialect.SQLITE)) {
            RpcRegistry registry = server.server().registry();
            for (RpcMethod method : registry.methods()) {
                if (!method.descriptor().getService().getName().equals("V2")) {
                    continue;
                }
                assertThat(documented).as("COMPATIBILITY.md lists " + method.name()).containsKey(method.name());
                Row row = documented.get(method.name());
                boolean served = registry.isServed(method.name());
                assertThat(row.state()).as(method.name()).isEqualTo(served ? "served" : "not yet");
                Row expected = served ? new Row("served", "yes", javaJson(method), "yes")
                        : new Row("not yet", NOT_SERVED, NOT_SERVED, NOT_SERVED);
                assertThat(row).as(method.name() + " client columns").isEqualTo(expected);
            }
            assertThat(documented.keySet()).as("no RPC outside the schema")
                    .allMatch(name -> registry.methods().stream().anyMatch(m -> m.name().equals(name)));
        }
    }

    /** What the official client's JSON channel can do with the RPC's primary binding. */
    private static String javaJson(RpcMethod method) {
        HttpRule http = method.http();
        if (http.getPatternCase() == HttpRule.PatternCase.PUT) {
            return "no";
        }
        boolean repeatedField = method.descriptor().getInputType().getFields().stream()
                .anyMatch(FieldDescriptor::isRepeated);
        return http.getPatternCase() == HttpRule.PatternCase.GET && repeatedField ? "partly" : "yes";
    }

    private static Map<String, Row> documentedRows() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/COMPATIBILITY.md"))) {
            List<String> cells = List.of(line.split("\\|")).stream().map(String::trim).toList();
            if (cells.size() >= 8 && (cells.get(3).equals("served") || cells.get(3).equals("not yet"))) {
                rows.put(cells.get(2), new Row(cells.get(3), cells.get(4), cells.get(5), cells.get(6)));
            }
        }
        return rows;
    }
}
