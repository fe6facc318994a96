package dev.annotask.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Balancer;
import dev.annotask.testing.DataFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Labelers working a task through a {@link Balancer}, each in a thread of its own and homed on
 * the nodes in turn, writing down what each one caused and in which order: the events their
 * work must produce (one annotation.created per annotation acknowledged, one
 * assignment.submitted per assignment turned in) and, per labeler, a step number that grows
 * with every call that writes (a round's annotations, then its submission). A change a labeler
 * made after the answer to an earlier one is ordered after it: its event must arrive later.
 * Writes are safe to resend after a failover (annotation ids chosen here; LABEL_SUBMIT of work
 * turned in). Thread-safe.
 */
final class Crowd {
    private static final long DEADLINE_MILLIS = TimeUnit.MINUTES.toMillis(3);
    private static final int TASK_DONE = 54002;

    /** What one call of a labeler wrote: the labeler's step number, and in which task. */
    record Step(String labeler, int index, String taskId) {
    }

    private final Balancer balancer;
    private final DataFixtures app;
    private final Map<String, String> tokens;
    private final List<String> labelers;
    private final int nodes;
    /** Annotation id or assignment id → the step that wrote it. */
    private final Map<String, Step> steps = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> stepCounters = new ConcurrentHashMap<>();
    private final Set<String> annotations = ConcurrentHashMap.newKeySet();
    private final Set<String> submitted = ConcurrentHashMap.newKeySet();

    /** @param tokens labeler id → personal token, the labelers in order (homed on node i % nodes) */
    Crowd(Balancer balancer, int nodes, DataFixtures app, Map<String, String> tokens) {
        this.balancer = balancer;
        this.nodes = nodes;
        this.app = app;
        this.tokens = Map.copyOf(tokens);
        this.labelers = List.copyOf(tokens.keySet());
    }

    /** Every annotation id acknowledged so far. */
    Set<String> annotations() {
        return Set.copyOf(annotations);
    }

    /** Every assignment id turned in so far. */
    Set<String> submitted() {
        return Set.copyOf(submitted);
    }

    /** The step that wrote this annotation or assignment, if one of this crowd's did. */
    Step stepOf(String resourceId) {
        return steps.get(resourceId);
    }

    /** Each labeler works until the task is done; {@code afterEachSubmit} runs after every acknowledged LABEL_SUBMIT. */
    void work(String taskId, String tag, Runnable afterEachSubmit) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(labelers.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < labelers.size(); i++) {
                String person = labelers.get(i);
                int home = i % nodes;
                running.add(pool.submit(() -> {
                    labelUntilDone(taskId, tag, person, home, afterEachSubmit);
                    return null;
                }));
            }
            for (Future<?> labeler : running) {
                labeler.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void labelUntilDone(String taskId, String tag, String person, int home, Runnable afterEachSubmit)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        AtomicInteger counter = stepCounters.computeIfAbsent(person, p -> new AtomicInteger());
        while (System.currentTimeMillis() < deadline) {
            List<TaskAssignment> batch = start(taskId, person, home);
            if (batch.isEmpty()) {
                if (taskStatus(taskId, home) == TASK_DONE) {
                    return;
                }
                Thread.sleep(200);
                continue;
            }
            Step annotating = new Step(person, counter.incrementAndGet(), taskId);
            annotateAll(taskId, tag, person, home, batch, annotating);
            Step submitting = new Step(person, counter.incrementAndGet(), taskId);
            String ids = batch.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
            var turnedIn = assignments(taskId, person, home, "{\"action\":\"LABEL_SUBMIT\",\"label_submit_config\":"
                    + "{\"task_assignments\":[" + ids + "]}}");
            assertThat(turnedIn.code()).as(turnedIn.body()).isEqualTo(10000);
            for (TaskAssignment assignment : batch) {
                steps.put(assignment.getId(), submitting);
                submitted.add(assignment.getId());
            }
            afterEachSubmit.run();
        }
        throw new AssertionError(person + " was still labeling task " + taskId + " at the deadline");
    }

    /** Posts the batch's labels not acknowledged yet in one call; when some were there already (a resend after failover), one call each. */
    private void annotateAll(String taskId, String tag, String person, int home, List<TaskAssignment> batch, Step step) {
        List<TaskAssignment> missing = batch.stream().filter(a -> !annotations.contains(annotationId(tag, a, person)))
                .toList();
        if (missing.isEmpty()) {
            return;
        }
        String body = missing.stream().map(a -> "{\"id\":\"" + annotationId(tag, a, person) + "\",\"input_id\":\""
                        + a.getInput().getId() + "\",\"task_id\":\"" + taskId + "\",\"data\":{\"concepts\":"
                        + "[{\"id\":\"cat\",\"value\":1}]}}")
                .collect(Collectors.joining(","));
        var posted = balancer.send(home, "POST", app.longPath() + "/annotations", tokens.get(person),
                "{\"annotations\":[" + body + "]}", MultiAnnotationResponse.getDefaultInstance());
        if (posted.code() == 40010 && missing.size() > 1) {
            missing.forEach(one -> annotateAll(taskId, tag, person, home, List.of(one), step));
            return;
        }
        assertThat(posted.code()).as(posted.body()).isIn(10000, 40010);
        for (TaskAssignment assignment : missing) {
            // A 40010 for one label: a post cut off by a failover had landed; its event is that post's.
            steps.putIfAbsent(annotationId(tag, assignment, person), step);
            annotations.add(annotationId(tag, assignment, person));
        }
    }

    private static String annotationId(String tag, TaskAssignment assignment, String person) {
        return tag + "-" + assignment.getInput().getId() + "-" + person;
    }

    private List<TaskAssignment> start(String taskId, String person, int home) {
        var reply = assignments(taskId, person, home, "{\"action\":\"LABEL_START\"}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTaskAssignmentsList();
    }

    private ApiClient.Reply<MultiTaskAssignmentResponse> assignments(String taskId, String person, int home, String json) {
        return balancer.send(home, "PUT", app.longPath() + "/tasks/" + taskId + "/assignments", tokens.get(person), json,
                MultiTaskAssignmentResponse.getDefaultInstance());
    }

    private int taskStatus(String taskId, int home) {
        var reply = balancer.send(home, "GET", "/v2/tasks/" + taskId, app.appKey(), null,
                SingleTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTask().getStatus().getCodeValue();
    }
}
