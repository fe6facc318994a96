package dev.annotask.bench.jmh;

import dev.annotask.assign.Rendezvous;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Weighted rendezvous hashing for one input: {@code owns}, which {@code LabelingPlan.mayTake}
 * calls for every candidate input a PARTITIONED task's LABEL_START scans (up to 50,000 per call,
 * inside the write transaction), and {@code owners}, the full top-k list. Both hash the input
 * against every worker, so the cost grows with the task's worker count; k only bounds how
 * early {@code owns} can stop counting better-placed workers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RendezvousBench {
    @Param({"1", "8", "32", "128"})
    int workers;

    /** Workers per input: 1 splits the inputs, 3 is a typical consensus setup (capped at workers). */
    @Param({"1", "3"})
    int k;

    private Rendezvous rendezvous;
    private String[] inputIds;
    private String worker;
    private int next;

    @Setup
    public void setUp() {
        List<String> ids = BenchIds.workerIds(workers);
        Map<String, Double> weights = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            weights.put(ids.get(i), 1.0 + i % 4);
        }
        rendezvous = new Rendezvous(0x5eed_1234_abcdL, weights);
        inputIds = BenchIds.inputIds(BenchIds.INPUT_RING);
        worker = ids.get(ids.size() / 2);
    }

    private String nextInput() {
        next = (next + 1) & (BenchIds.INPUT_RING - 1);
        return inputIds[next];
    }

    @Benchmark
    public boolean owns() {
        return rendezvous.owns(worker, nextInput(), k);
    }

    @Benchmark
    public List<String> owners() {
        return rendezvous.owners(nextInput(), k);
    }
}
