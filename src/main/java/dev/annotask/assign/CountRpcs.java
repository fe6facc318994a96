package dev.annotask.assign;

import dev.annotask.annotation.AnnotationRpcs;
import dev.annotask.annotation.AnnotationStore;
import dev.annotask.api.RpcRegistry;
import dev.annotask.identity.Caller;
import dev.annotask.input.InputStore;
import dev.annotask.input.InputWire;
import dev.annotask.proto.api.GetInputSamplesRequest;
import dev.annotask.proto.api.GetTaskCountRequest;
import dev.annotask.proto.api.Hit;
import dev.annotask.proto.api.MultiInputAnnotationResponse;
import dev.annotask.proto.api.SingleTaskCountResponse;
import dev.annotask.proto.api.TaskStatusCountPerUser;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.Worker;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import org.jdbi.v3.core.Handle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GetTaskInputCount (assignments per worker and status), GetTaskAnnotationCount (annotations
 * per labeler and status) and GetInputSamples (labeled work of a task, for a reviewer's
 * impression). Every worker of the task has a row, with every counter present. Thread-safe.
 */
public final class CountRpcs {
    private static final int SAMPLES = 128;

    private final TaskStore tasks;
    private final InputStore inputs;
    private final AnnotationStore annotations;
    private final InputWire wire;

    public CountRpcs(TaskStore tasks, InputStore inputs, AnnotationStore annotations, InputWire wire) {
        this.tasks = tasks;
        this.inputs = inputs;
        this.annotations = annotations;
        this.wire = wire;
    }

    public void register(RpcRegistry registry) {
        registry.reads("GetTaskInputCount", GetTaskCountRequest.class, this::inputCount);
        registry.reads("GetTaskAnnotationCount", GetTaskCountRequest.class, this::annotationCount);
        registry.reads("GetInputSamples", GetInputSamplesRequest.class, this::samples);
    }

    SingleTaskCountResponse inputCount(Handle handle, Caller caller, GetTaskCountRequest request) {
        return counts(handle, caller, task(handle, caller, request.getTaskId()), request.getUserIdsList(), Kind.ASSIGNMENTS);
    }

    SingleTaskCountResponse annotationCount(Handle handle, Caller caller, GetTaskCountRequest request) {
        return counts(handle, caller, task(handle, caller, request.getTaskId()), request.getUserIdsList(), Kind.ANNOTATIONS);
    }

    /** Which status codes feed which counter. */
    private enum Kind {
        ASSIGNMENTS("assignment", StatusCode.TASK_ASSIGNMENT_PENDING, StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW,
                StatusCode.TASK_ASSIGNMENT_SUCCESS, StatusCode.TASK_ASSIGNMENT_REJECTED,
                StatusCode.TASK_ASSIGNMENT_AWAITING_CONSENSUS_REVIEW),
        ANNOTATIONS("annotation", StatusCode.ANNOTATION_PENDING, StatusCode.ANNOTATION_AWAITING_REVIEW, StatusCode.ANNOTATION_SUCCESS,
                StatusCode.ANNOTATION_REVIEW_DENIED, StatusCode.ANNOTATION_AWAITING_CONSENSUS_REVIEW);

        /** The kind's rows in {@code task_status_counts}. */
        private final String stored;
        private final int pending;
        private final int awaitingReview;
        private final int success;
        private final int denied;
        private final int awaitingConsensus;

        Kind(String stored, StatusCode pending, StatusCode awaitingReview, StatusCode success, StatusCode denied,
             StatusCode awaitingConsensus) {
            this.stored = stored;
            this.pending = pending.getNumber();
            this.awaitingReview = awaitingReview.getNumber();
            this.success = success.getNumber();
            this.denied = denied.getNumber();
            this.awaitingConsensus = awaitingConsensus.getNumber();
        }

        void add(TaskStatusCountPerUser.Builder row, int status, int n) {
            if (status == pending) {
                row.setPending(row.getPending() + n);
            } else if (status == awaitingReview) {
                row.setAwaitingReview(row.getAwaitingReview() + n);
            } else if (status == success) {
                row.setSuccess(row.getSuccess() + n);
            } else if (status == denied) {
                row.setReviewDenied(row.getReviewDenied() + n);
            } else if (status == awaitingConsensus) {
                row.setAwaitingConsensusReview(row.getAwaitingConsensusReview() + n);
            }
        }
    }

    /**
     * The task's workers in the definition's order, each with every counter, then anyone else
     * with counted rows (a worker removed by PatchTasks, an annotation made for another user) in
     * id order. Reads the counts the database triggers keep (migration V5): a few rows per
     * worker, however many inputs the task has.
     */
    private SingleTaskCountResponse counts(Handle handle, Caller caller, StoredTask task, List<String> onlyUsers, Kind kind) {
        Map<String, TaskStatusCountPerUser.Builder> rows = new LinkedHashMap<>();
        task.spec().getWorker().getUserIdsList().forEach(worker -> rows.put(worker, row(worker)));
        Map<String, TaskStatusCountPerUser.Builder> others = new TreeMap<>();
        for (CountStore.Count count : CountStore.counts(handle, task.appUid(), task.id(), kind.stored)) {
            TaskStatusCountPerUser.Builder row = rows.containsKey(count.userId()) ? rows.get(count.userId())
                    : others.computeIfAbsent(count.userId(), CountRpcs::row);
            kind.add(row, count.status(), count.n());
        }
        rows.putAll(others);
        SingleTaskCountResponse.Builder response = SingleTaskCountResponse.newBuilder()
                .setAppId(caller.app().id()).setTaskId(task.id());
        rows.forEach((user, row) -> {
            if (onlyUsers.isEmpty() || onlyUsers.contains(user)) {
                response.addCounts(row);
            }
        });
        return response.build();
    }

    private static TaskStatusCountPerUser.Builder row(String userId) {
        return TaskStatusCountPerUser.newBuilder().setUserId(userId)
                .setWorker(Worker.newBuilder().setUser(User.newBuilder().setId(userId)));
    }

    MultiInputAnnotationResponse samples(Handle handle, Caller caller, GetInputSamplesRequest request) {
        StoredTask task = task(handle, caller, request.getTaskId());
        List<CountStore.Sample> picked = CountStore.samples(handle, task.appUid(), task.id(), request.getUserIdsList(),
                SAMPLES);
        MultiInputAnnotationResponse.Builder response = MultiInputAnnotationResponse.newBuilder();
        for (CountStore.Sample sample : picked) {
            Hit.Builder hit = Hit.newBuilder().setUserId(sample.userId()).setAppId(caller.app().id()).setScore(1.0f);
            inputs.find(handle, task.appUid(), sample.inputId()).ifPresent(input -> hit.setInput(wire.toWire(caller.app(), input)));
            annotations.find(handle, task.appUid(), sample.annotationId())
                    .ifPresent(a -> hit.setAnnotation(AnnotationRpcs.toWire(a)));
            response.addHits(hit);
        }
        return response.build();
    }

    private StoredTask task(Handle handle, Caller caller, String taskId) {
        return tasks.require(handle, caller.app().uid(), taskId);
    }
}
