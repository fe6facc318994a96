package dev.annotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The envelope benchmark in miniature, against the built jar on both databases, so the suite
 * cannot rot between full runs: every stage runs, every call it names succeeds and is counted.
 * It asserts no speed (a CI machine's speed is not the product's); bench/envelope.sh is the
 * real run. Spans are a fraction of a second, and the server JVM compiles with C1 only
 * ({@code -XX:TieredStopAtLevel=1}), which halves its start on two cores: a smoke test needs
 * every stage to run, not the server at full speed.
 */
class EnvelopeSmokeIT {
    private static final List<String> LABELING_CALLS = List.of("LABEL_START", "PostAnnotations", "LABEL_SUBMIT",
            "PostAnnotations + LABEL_SUBMIT");

    @Test
    void everyStageRunsOnBothDatabases(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("envelope.md");
        EnvelopeReport report = EnvelopeBench.run("--sizes", "300", "--labelers", "1,2", "--task-labelers", "3",
                "--seconds", "0.25", "--clients", "2", "--commit-connections", "2", "--warm-up-rounds", "1", "--warm-up-calls", "5",
                "--server-jvm-options", "-XX:TieredStopAtLevel=1", "--output", output.toString());

        for (String database : List.of("SQLite", "PostgreSQL")) {
            List<EnvelopeReport.Row> rows = report.rows().stream().filter(row -> row.database().equals(database)).toList();
            assertThat(rows).extracting(EnvelopeReport.Row::call).contains("INSERT one row + COMMIT (JDBC)",
                    "GET /livez (no database)", "PostInputs", "PostTasks (PARTITIONED, 3 workers)",
                    "GetTask (additional_fields=all: metrics)", "GetTaskAnnotationCount", "GetTaskInputCount", "ListTasks");
            assertThat(rows).extracting(EnvelopeReport.Row::call).containsAll(LABELING_CALLS);
            assertThat(rows).as("every measured call was made, on " + database)
                    .allSatisfy(row -> assertThat(row.latencies().count()).as(row.call()).isPositive());
            assertThat(rows.stream().map(EnvelopeReport.Row::section).distinct())
                    .contains("Labeler curve, 300-input task", "Submissions with CONSENSUS review");
            assertThat(rows).filteredOn(row -> row.against() != EnvelopeReport.Against.NOTHING)
                    .as("held against a ceiling measured on " + database).isNotEmpty()
                    .allSatisfy(row -> assertThat(report.ratio(row)).as(row.call()).isPositive().isFinite());
            assertThat(rows).filteredOn(row -> row.usage() != null)
                    .allSatisfy(row -> assertThat(row.usage().rssMiB()).as("server RSS read").isPositive());
        }
        assertThat(Files.readString(output)).contains("### Ceilings", "| PostgreSQL |", "| SQLite |");
    }
}
