package dev.annotask.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annotask.proto.imports.ImportProgress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The import's write pipeline: writes run one at a time in the order given, the committed
 * progress never counts a write that has not returned, and a failed write stops the next submit.
 */
class WritePipelineTest {
    @Test
    void writesRunInOrderAndTheProgressFollowsOnlyWhatReturned() throws Exception {
        ImportProgress.Builder committed = ImportProgress.newBuilder();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch release = new CountDownLatch(1);
        try (WritePipeline pipeline = new WritePipeline(committed)) {
            pipeline.submit(() -> {
                await(release);
                order.add(1);
                return ImportProgress.newBuilder().setInputsDone(128).build();
            });
            assertThat(committed.getInputsDone()).as("the first write has not returned").isZero();
            release.countDown();
            pipeline.submit(() -> {
                order.add(2);
                return ImportProgress.newBuilder().setInputsDone(256).build();
            });
            assertThat(committed.getInputsDone()).as("submitting waited for the first").isEqualTo(128);
            pipeline.drain();
        }
        assertThat(order).containsExactly(1, 2);
        assertThat(committed.getInputsDone()).isEqualTo(256);
    }

    @Test
    void aFailedWriteIsThrownByTheNextSubmitWhichDoesNotRun() {
        ImportProgress.Builder committed = ImportProgress.newBuilder();
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        try (WritePipeline pipeline = new WritePipeline(committed)) {
            pipeline.submit(() -> {
                throw new ImportWriter.LeaseLost();
            });
            assertThatThrownBy(() -> pipeline.submit(() -> {
                ran.add(2);
                return ImportProgress.getDefaultInstance();
            })).isInstanceOf(ImportWriter.LeaseLost.class);
        }
        assertThat(ran).isEmpty();
        assertThat(committed.build()).isEqualTo(ImportProgress.getDefaultInstance());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
