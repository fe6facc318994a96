package dev.annotask.assign;

import dev.annotask.annotation.Agreement;
import dev.annotask.bench.jmh.Labelings;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
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
 * The pure part of {@link Consensus#judge}: finding the largest group of agreeing labelings
 * among those waiting for consensus, which runs for each input a LABEL_SUBMIT of a CONSENSUS
 * task turns in (up to 10), inside the write transaction, and calls {@link Agreement#agree}
 * for every ordered pair (n(n-1) comparisons). The rest of {@code judge} is database statements, which the load
 * driver measures. {@code unanimous}: every labeler agrees; {@code oneDissents}: all but the
 * last, the usual way a threshold is still reached.
 *
 * <p>{@code largestAgreeingGroup} is private; rather than widen production code for a
 * benchmark, it is reached through a method handle, held in a static final field so the JIT
 * inlines the call like a direct one. If the method is renamed, setup fails loudly (and with
 * it JmhSmokeTest).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConsensusBench {
    private static final MethodHandle LARGEST_AGREEING_GROUP = largestAgreeingGroup();

    @Param({"3", "5"})
    int labelers;

    @Param({"CONCEPTS", "BOXES", "POLYGONS"})
    Labelings.Kind kind;

    private List<Agreement.Labeling> unanimous;
    private List<Agreement.Labeling> oneDissents;

    private static MethodHandle largestAgreeingGroup() {
        try {
            return MethodHandles.privateLookupIn(Consensus.class, MethodHandles.lookup())
                    .findStatic(Consensus.class, "largestAgreeingGroup", MethodType.methodType(List.class, List.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Consensus.largestAgreeingGroup(List) changed; update this benchmark", e);
        }
    }

    @Setup
    public void setUp() throws Throwable {
        unanimous = new ArrayList<>();
        oneDissents = new ArrayList<>();
        for (int i = 0; i < labelers; i++) {
            unanimous.add(Labelings.agreeing(kind, i));
            oneDissents.add(i < labelers - 1 ? Labelings.agreeing(kind, i) : Labelings.dissenting(kind, i));
        }
        if (largestGroup(unanimous).size() != labelers || largestGroup(oneDissents).size() != labelers - 1) {
            throw new IllegalStateException(kind + ": the fixture labelings do not (dis)agree as intended");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> largestGroup(List<Agreement.Labeling> labelings) throws Throwable {
        return (List<Integer>) LARGEST_AGREEING_GROUP.invokeExact(labelings);
    }

    @Benchmark
    public List<Integer> unanimous() throws Throwable {
        return largestGroup(unanimous);
    }

    @Benchmark
    public List<Integer> oneDissents() throws Throwable {
        return largestGroup(oneDissents);
    }
}
