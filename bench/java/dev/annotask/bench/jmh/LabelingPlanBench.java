package dev.annotask.bench.jmh;

import dev.annotask.assign.LabelingPlan;
import dev.annotask.task.StoredTask;
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
 * A PARTITIONED, WEIGHTED task's labeling plan: {@code planOf} is built from the stored task
 * on every LABEL_START, LABEL_SUBMIT and review call (it sorts the workers and reads their
 * weights from the definition's Struct, and finds its split by bucket in a cache);
 * {@code scanPage} is the filter over one page of 256 candidate inputs (SourceScanner's page),
 * {@code mayTake} for each, for a task split input by input (made before migration V11: a
 * rendezvous over the workers per input) and, {@code scanPageByBucket}, for one split by bucket
 * (a table lookup per input; LABEL_START reads such a task in order only when few inputs are
 * new). One worker per input, the common split; RendezvousBench varies k.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LabelingPlanBench {
    private static final int PAGE = 256;

    @Param({"1", "8", "32", "128"})
    int workers;

    private StoredTask task;
    private LabelingPlan plan;
    private LabelingPlan byBucket;
    private String worker;
    private String[] inputIds;
    private int nextPage;

    @Setup
    public void setUp() {
        List<String> ids = BenchIds.workerIds(workers);
        task = TaskSpecs.stored(TaskSpecs.partitioned(ids, 1));
        byBucket = LabelingPlan.of(task);
        plan = LabelingPlan.of(TaskSpecs.storedSplitByInput(TaskSpecs.partitioned(ids, 1)));
        worker = ids.get(ids.size() / 2);
        inputIds = BenchIds.inputIds(BenchIds.INPUT_RING);
    }

    @Benchmark
    public LabelingPlan planOf() {
        return LabelingPlan.of(task);
    }

    /** How many of the page's inputs the worker may take (about 1/workers of them, by weight). */
    @Benchmark
    public int scanPage() {
        int start = nextPage;
        nextPage = (nextPage + PAGE) & (BenchIds.INPUT_RING - 1);
        int mine = 0;
        for (int i = start; i < start + PAGE; i++) {
            if (plan.mayTake(worker, inputIds[i], i)) {
                mine++;
            }
        }
        return mine;
    }

    /** The same for a task split by bucket: the input's place decides. */
    @Benchmark
    public int scanPageByBucket() {
        int start = nextPage;
        nextPage = (nextPage + PAGE) & (BenchIds.INPUT_RING - 1);
        int mine = 0;
        for (int i = start; i < start + PAGE; i++) {
            if (byBucket.mayTake(worker, inputIds[i], i)) {
                mine++;
            }
        }
        return mine;
    }
}
