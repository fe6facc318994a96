package dev.annotask.bench.jmh;

import dev.annotask.annotation.Agreement;
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
 * Whether two labelers labeled an image the same way ({@link Agreement#agree}), the comparison
 * a CONSENSUS task makes for every ordered pair of waiting labelings on each LABEL_SUBMIT,
 * inside the write transaction. Concepts compare as sets; boxes and polygons as exact
 * {@code java.awt.geom.Area} intersections and unions, one IoU per pair of same-concept regions.
 * {@code agreeingPair} does all the work; {@code dissentingPair} has one concept or one
 * object wrong, the case where agreement fails as late as it can for region labelings.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AgreementBench {
    @Param({"CONCEPTS", "BOXES", "POLYGONS"})
    Labelings.Kind kind;

    private Agreement.Labeling first;
    private Agreement.Labeling second;
    private Agreement.Labeling dissenter;

    @Setup
    public void setUp() {
        first = Labelings.agreeing(kind, 0);
        second = Labelings.agreeing(kind, 1);
        dissenter = Labelings.dissenting(kind, 2);
        // A fixture that stopped meaning what it says would measure the wrong path.
        if (!Agreement.agree(first, second) || Agreement.agree(first, dissenter)) {
            throw new IllegalStateException(kind + ": the fixture labelings do not (dis)agree as intended");
        }
    }

    @Benchmark
    public boolean agreeingPair() {
        return Agreement.agree(first, second);
    }

    @Benchmark
    public boolean dissentingPair() {
        return Agreement.agree(first, dissenter);
    }
}
