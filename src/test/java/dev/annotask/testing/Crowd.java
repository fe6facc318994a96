package dev.annotask.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.TaskAssignment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Labelers working tasks of one app through a {@link Balancer} (integration tests with several
 * nodes), each in a thread of its own, homed on the nodes in turn: take a batch, label every
 * input "cat" in one post, turn it in, until the task is done. Writes are safe to resend after
 * a failover (annotation ids chosen here, one per labeler, input and tag; LABEL_SUBMIT of work
 * turned in), and a DYNAMIC lease that ran out under a labeler drops its batch. It writes down
 * what the labelers were told succeeded (annotations acknowledged, assignments turned in) and,
 * per labeler, a step number that grows with every call that writes: a change a labeler made
 * after the answer to an earlier one is ordered after it. (ScaleOutIT's labelers follow the
 * same loop, DYNAMIC leases included, and can move onto this class.) Thread-safe.
 */
public final class Crowd {
    private static final long DEADLINE_MILLIS = TimeUnit.MINUTES.toMillis(4);
    private static final int TASK_DONE = 54002;

    /** What one call of a labeler wrote: the labeler's step number, and in which task. */
    public record Step(String labeler, int index, String taskId) {
    }

    private final Balancer balancer;
    private final int nodes;
    private final DataFixtures app;
    private final Map<String, String> tokens;
    private final BiConsumer<String, TaskAssignment> handedOut;
    /** Annotation id or assignment id → the step that wrote it. */
    private final Map<String, Step> steps = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> stepCounters = new ConcurrentHashMap<>();
    private final Set<String> annotations = ConcurrentHashMap.newKeySet();
    private final Set<String> submitted = ConcurrentHashMap.newKeySet();

    /**
     * @param tokens every person's personal token
     * @param handedOut told of every assignment LABEL_START hands a person (from the labelers' threads)
     */
    public Crowd(Balancer balancer, int nodes, DataFixtures app, Map<String, String> tokens,
                 BiConsumer<String, TaskAssignment> handedOut) {
        this.balancer = balancer;
        this.nodes = nodes;
        this.app = app;
        this.tokens = Map.copyOf(tokens);
        this.handedOut = handedOut;
    }

    /** Every annotation id acknowledged so far. */
    public Set<String> annotations() {
        return Set.copyOf(annotations);
    }

    /** Every assignment id turned in so far. */
    public Set<String> submitted() {
        return Set.copyOf(submitted);
    }

    /** The step that wrote this annotation or assignment, if one of this crowd's did. */
    public Step stepOf(String resourceId) {
        return steps.get(resourceId);
    }

    /**
     * Each person works until the task is done, person i homed on node i % nodes;
     * {@code afterEachSubmit} runs after every acknowledged LABEL_SUBMIT.
     */
    public void work(String taskId, String tag, List<String> people, Runnable afterEachSubmit) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(people.size());
        try {
            // In the order they end: the first labeler to fail fails the run with its own reason,
            // not the others' waiting for a task that its failure left unfinished.
            CompletionService<Void> running = new ExecutorCompletionService<>(pool);
            for (int i = 0; i < people.size(); i++) {
                String person = people.get(i);
                int home = i % nodes;
                running.submit(() -> {
                    labelUntilDone(taskId, tag, person, home, afterEachSubmit);
                    return null;
                });
            }
            long deadline = System.currentTimeMillis() + DEADLINE_MILLIS + TimeUnit.MINUTES.toMillis(1);
            for (int ended = 0; ended < people.size(); ended++) {
                Future<Void> labeler = running.poll(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                if (labeler == null) {
                    throw new AssertionError((people.size() - ended) + " labelers still working on task " + taskId);
                }
                labeler.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Take a batch, label it, turn it in; when no work is free, look again until the task is
     * done (leases of others may still return work). A lease that ran out under us is an
     * expected outcome: the batch is dropped and work taken anew.
     */
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
                Thread.sleep(300);
                continue;
            }
            if (!annotateAll(taskId, tag, person, home, batch, new Step(person, counter.incrementAndGet(), taskId))) {
                continue;
            }
            Step submitting = new Step(person, counter.incrementAndGet(), taskId);
            String ids = batch.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
            var turnedIn = assignments(taskId, person, home, "{\"action\":\"LABEL_SUBMIT\",\"label_submit_config\":"
                    + "{\"task_assignments\":[" + ids + "]}}");
            if (turnedIn.code() == 54100 || turnedIn.code() == 11101) {
                continue;
            }
            assertThat(turnedIn.code()).as(turnedIn.body()).isEqualTo(10000);
            for (TaskAssignment assignment : batch) {
                steps.put(assignment.getId(), submitting);
                submitted.add(assignment.getId());
            }
            afterEachSubmit.run();
        }
        throw new AssertionError(person + " was still labeling task " + taskId + " at the deadline");
    }

    /**
     * Posts the batch's labels not acknowledged yet, in one call; when some were there already
     * (a post resent after failover, or a batch handed out again), one call each. False when
     * the lease ran out under us.
     */
    public boolean annotateAll(String taskId, String tag, String person, int home, List<TaskAssignment> batch) {
        int step = stepCounters.computeIfAbsent(person, p -> new AtomicInteger()).incrementAndGet();
        return annotateAll(taskId, tag, person, home, batch, new Step(person, step, taskId));
    }

    private boolean annotateAll(String taskId, String tag, String person, int home, List<TaskAssignment> batch,
                                Step step) {
        List<TaskAssignment> missing = batch.stream().filter(a -> !annotations.contains(annotationId(tag, a, person)))
                .toList();
        if (missing.isEmpty()) {
            return true;
        }
        String body = missing.stream().map(a -> "{\"id\":\"" + annotationId(tag, a, person) + "\",\"input_id\":\""
                        + a.getInput().getId() + "\",\"task_id\":\"" + taskId + "\",\"data\":{\"concepts\":"
                        + "[{\"id\":\"cat\",\"value\":1}]}}")
                .collect(Collectors.joining(","));
        var posted = balancer.send(home, "POST", app.longPath() + "/annotations", tokens.get(person),
                "{\"annotations\":[" + body + "]}", MultiAnnotationResponse.getDefaultInstance());
        if (posted.code() == 40010 && missing.size() > 1) {
            return missing.stream().allMatch(one -> annotateAll(taskId, tag, person, home, List.of(one), step));
        }
        if (posted.code() == 54103) {
            return false;
        }
        assertThat(posted.code()).as(posted.body()).isIn(10000, 40010);
        for (TaskAssignment assignment : missing) {
            // A 40010 for one label: a post cut off by a failover had landed; its event is that post's.
            steps.putIfAbsent(annotationId(tag, assignment, person), step);
            annotations.add(annotationId(tag, assignment, person));
        }
        return true;
    }

    private static String annotationId(String tag, TaskAssignment assignment, String person) {
        return tag + "-" + assignment.getInput().getId() + "-" + person;
    }

    /** LABEL_START through the person's home node (or the next one in); the batch handed out. */
    public List<TaskAssignment> start(String taskId, String person, int home) {
        var reply = assignments(taskId, person, home, "{\"action\":\"LABEL_START\"}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        reply.message().getTaskAssignmentsList().forEach(assignment -> handedOut.accept(person, assignment));
        return reply.message().getTaskAssignmentsList();
    }

    private ApiClient.Reply<MultiTaskAssignmentResponse> assignments(String taskId, String person, int home, String json) {
        return balancer.send(home, "PUT", app.longPath() + "/tasks/" + taskId + "/assignments", tokens.get(person), json,
                MultiTaskAssignmentResponse.getDefaultInstance());
    }

    /** The task's status code, read through that node (or the next one in). */
    public int taskStatus(String taskId, int home) {
        var reply = balancer.send(home, "GET", "/v2/tasks/" + taskId, app.appKey(), null,
                SingleTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTask().getStatus().getCodeValue();
    }
}
