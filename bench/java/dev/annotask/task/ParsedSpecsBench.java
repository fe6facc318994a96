package dev.annotask.task;

import dev.annotask.bench.jmh.BenchIds;
import dev.annotask.bench.jmh.TaskSpecs;
import dev.annotask.proto.api.Task;
import dev.annotask.store.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reading a task's definition, which every labeling and review call does: {@link ParsedSpecs}
 * answers from its cache by the stored JSON text, else parses it. The driver hands it a fresh
 * String per row (decoded from the column's UTF-8 bytes, its hash not yet computed), so each
 * benchmark starts from the bytes: {@code decodeOnly} is that decoding alone, the floor;
 * {@code cachedParse} a cache hit (hashing and comparing the whole text); {@code uncachedParse}
 * the protobuf JSON parse the cache saves. The definition grows with the worker count (each
 * worker appears three times, plus a weight).
 *
 * <p>In package {@code dev.annotask.task} because ParsedSpecs is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParsedSpecsBench {
    @Param({"8", "128"})
    int workers;

    private byte[] column;
    private ParsedSpecs specs;

    @Setup
    public void setUp() {
        column = Json.write(TaskSpecs.partitioned(BenchIds.workerIds(workers), 1)).getBytes(StandardCharsets.UTF_8);
        specs = new ParsedSpecs();
        specs.parse(decodeOnly());
    }

    @Benchmark
    public String decodeOnly() {
        return new String(column, StandardCharsets.UTF_8);
    }

    @Benchmark
    public Task cachedParse() {
        return specs.parse(new String(column, StandardCharsets.UTF_8));
    }

    @Benchmark
    public Task uncachedParse() {
        return Json.read(new String(column, StandardCharsets.UTF_8), Task.newBuilder()).build();
    }
}
