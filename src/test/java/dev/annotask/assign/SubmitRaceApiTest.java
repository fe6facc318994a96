package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PostAnnotations racing LABEL_SUBMIT of the same assignment, round after round: every
 * annotation posted ends in the submitted set (its status moved with the assignment) or was
 * refused; none stays PENDING after its assignment was turned in. The race mattered on
 * PostgreSQL (SQLite's single writer orders the two anyway); it runs on both.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class SubmitRaceApiTest {
    private static final int ROUNDS = 30;
    private static final int POSTERS = 4;
    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private ExecutorService pool;

    @BeforeEach
    void startPool() {
        world = LabelingWorld.shared(dialect);
        pool = Executors.newFixedThreadPool(POSTERS + 1);
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void anAnnotationPostedDuringSubmitIsSubmittedOrRefusedNeverLeftPending() throws Exception {
        LabelingApp app = world.newApp("race");
        for (int from = 0; from < ROUNDS * LabelingService.BATCH; from += 100) {
            app.data().postTextInputs(IntStream.range(from, from + 100).mapToObj(i -> "in" + i).toArray(String[]::new));
        }
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = app.labeler("w1");
        int accepted = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<TaskAssignment> batch = w1.start(taskId);
            assertThat(batch).hasSize(LabelingService.BATCH);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> posts = new ArrayList<>();
            for (int p = 0; p < POSTERS; p++) {
                int poster = p;
                posts.add(pool.submit(() -> {
                    go.await();
                    int ok = 0;
                    // Each poster labels its share of the batch, one request per input, to
                    // spread the posts across the submit's whole transaction.
                    for (int i = poster; i < batch.size(); i += POSTERS) {
                        var reply = w1.classify(taskId, batch.get(i).getInput().getId(), "cat");
                        assertThat(reply.code()).as(reply.body()).isIn(10000, 54103);
                        ok += reply.code() == 10000 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            Future<Integer> submit = pool.submit(() -> {
                go.await();
                return w1.submit(taskId, batch).code();
            });
            go.countDown();
            assertThat(submit.get(60, TimeUnit.SECONDS)).isEqualTo(10000);
            for (Future<Integer> post : posts) {
                accepted += post.get(60, TimeUnit.SECONDS);
            }
        }
        List<Annotation> annotations = app.call("GET", "/v2/annotations?per_page=1000&task_id=" + taskId, null,
                MultiAnnotationResponse.getDefaultInstance()).message().getAnnotationsList();
        assertThat(annotations).as("every accepted post is stored").hasSize(accepted);
        assertThat(annotations).as("%d of %d posts accepted; none left behind by a submit", accepted,
                        ROUNDS * LabelingService.BATCH)
                .allSatisfy(a -> assertThat(a.getStatus().getCodeValue()).isEqualTo(24150));
        long orphans = world.database().jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT COUNT(*) FROM annotations a JOIN task_assignments t
                          ON t.app_uid = a.app_uid AND t.task_id = a.task_id AND t.input_id = a.input_id
                         AND t.worker_id = a.user_id
                        WHERE a.task_id = :task AND t.status <> :pending AND a.status = :pending_annotation""")
                .bind("task", taskId).bind("pending", AssignmentStore.PENDING).bind("pending_annotation", 24151)
                .mapTo(Long.class).one());
        assertThat(orphans).isZero();
    }
}
