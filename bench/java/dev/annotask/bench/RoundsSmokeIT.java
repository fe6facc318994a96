package dev.annotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side-by-side rounds benchmark in miniature, against the built jar on both databases, so
 * that it cannot rot between full runs: every scenario runs and labels, and PostgreSQL's
 * counters are read. It asserts no speed (a CI machine's speed is not the product's);
 * bench/rounds.sh is the real run. Spans are a fraction of a second, and the server JVM
 * compiles with C1 only ({@code -XX:TieredStopAtLevel=1}), which halves its start on two
 * cores: a smoke test needs every scenario to run, not the server at full speed.
 */
class RoundsSmokeIT {
    @Test
    void everyScenarioLabelsOnBothDatabases(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("rounds.md");
        RoundsReport report = RoundsBench.run("--inputs", "300", "--labelers", "3", "--seconds", "0.25",
                "--warm-up-seconds", "0.25", "--human-seconds", "0.5", "--think-ms", "200", "--upload", "1280",
                "--upload-clients", "2", "--server-jvm-options", "-Xmx256m -XX:TieredStopAtLevel=1",
                "--out", output.toString());

        for (String database : List.of("SQLite", "PostgreSQL")) {
            List<RoundsReport.Row> rows = report.rows().stream().filter(row -> row.database().equals(database)).toList();
            assertThat(rows).extracting(RoundsReport.Row::kind).as(database)
                    .containsExactly(database.equals("SQLite")
                            ? new RoundsReport.Kind[] {RoundsReport.Kind.LIVEZ, RoundsReport.Kind.CLOSED_LOOP,
                                    RoundsReport.Kind.HUMAN_PACE}
                            : new RoundsReport.Kind[] {RoundsReport.Kind.LIVEZ, RoundsReport.Kind.CLOSED_LOOP,
                                    RoundsReport.Kind.HUMAN_PACE, RoundsReport.Kind.CLOSED_LOOP, RoundsReport.Kind.CLOSED_LOOP});
            assertThat(rows.get(0).outcome().call(RoundsRun.LIVEZ).count()).as("/livez called on " + database).isPositive();
            assertThat(rows.subList(1, rows.size())).as("labeling spans on " + database)
                    .allSatisfy(row -> assertThat(row.rounds()).as(row.scenario()).isPositive())
                    .allSatisfy(row -> assertThat(row.outcome().usage().rssMiB()).as("server RSS read").isPositive());
        }
        assertThat(report.rows()).filteredOn(row -> row.database().equals("PostgreSQL")
                        && row.kind() == RoundsReport.Kind.CLOSED_LOOP)
                .as("PostgreSQL counted the statements and the writing transactions of each closed loop")
                .allSatisfy(row -> {
                    assertThat(row.counts().statements()).isGreaterThanOrEqualTo(row.rounds());
                    assertThat(row.counts().writes()).isPositive();
                });
        assertThat(Files.readString(output)).contains("| SQLite |", "| PostgreSQL |", "`GET /livez`",
                "closed loop right after uploading 1,280 inputs", "PostgreSQL statements");
    }
}
