package dev.annotask.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every JMH benchmark of the suite once, briefly and in this JVM, so a benchmark that
 * stops compiling, throws, or finds its fixtures no longer meaning what they say fails the
 * build rather than the next manual run. Measures nothing worth reading (no warm-up, 100 ms):
 * the numbers come from bench/jmh.sh. Parameters that only scale the input are pinned to one
 * value; those that choose a code path (what the labelers annotate) keep all theirs.
 */
class JmhSmokeTest {
    private static final String SUITE = "^dev\\.annotask\\.";

    @Test
    void everyBenchmarkRunsAndScores() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(SUITE)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .param("workers", "8")
                .param("k", "3")
                .param("labelers", "3")
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        assertThat(results).allSatisfy(result -> assertThat(result.getPrimaryResult().getScore())
                .as(result.getParams().getBenchmark() + " " + result.getParams().getParamsKeys().stream()
                        .map(key -> key + "=" + result.getParams().getParam(key)).toList())
                .isPositive().isFinite());
        Set<String> ran = results.stream().map(result -> result.getParams().getBenchmark()).collect(Collectors.toSet());
        assertThat(ran).containsExactlyInAnyOrderElementsOf(suite());
    }

    /** Every benchmark method the annotation processor registered (META-INF/BenchmarkList). */
    private static Set<String> suite() {
        return BenchmarkList.defaultList()
                .find(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of(SUITE), List.of())
                .stream().map(BenchmarkListEntry::getUsername).collect(Collectors.toSet());
    }
}
