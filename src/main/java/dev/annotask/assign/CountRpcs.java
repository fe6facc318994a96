package dev.annotask.assign;

import dev.annotask.annotation.AnnotationRpcs;
import dev.annotask.annotation.AnnotationStore;
import dev.annotask.api.RpcRegistry;
import dev.annotask.identity.Caller;
import dev.annotask.input.InputRpcs;
import dev.annotask.input.InputStore;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * GetTaskInputCount (assignments per worker and status), GetTaskAnnotationCount (annotations
 * per labeler and status) and GetInputSamples (labeled work of a task, for a reviewer's
 * impression). Every worker of the task has a row, with every counter present. Thread-safe.
 */
public final class CountRpcs {
    private static final int SAMPLES = 128;

    private final Jdbi jdbi;
    private final TaskStore tasks;
    private final InputStore inputs;
    private final AnnotationStore annotations;

    public CountRpcs(Jdbi jdbi, TaskStore tasks, InputStore inputs, AnnotationStore annotations) {
        this.jdbi = jdbi;
        this.tasks = tasks;
        this.inputs = inputs;
        this.annotations = annotations;
    }

    public void register(RpcRegistry registry) {
        registry.handle("GetTaskInputCount", GetTaskCountRequest.class, this::inputCount);
        registry.handle("GetTaskAnnotationCount", GetTaskCountRequest.class, this::annotationCount);
        registry.handle("GetInputSamples", GetInputSamplesRequest.class, this::samples);
    }

    SingleTaskCountResponse inputCount(Caller caller, GetTaskCountRequest request) {
        return counts(caller, task(caller, request.getTaskId()), request.getUserIdsList(), Kind.ASSIGNMENTS);
    }

    SingleTaskCountResponse annotationCount(Caller caller, GetTaskCountRequest request) {
        return counts(caller, task(caller, request.getTaskId()), request.getUserIdsList(), Kind.ANNOTATIONS);
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
    private SingleTaskCountResponse counts(Caller caller, StoredTask task, List<String> onlyUsers, Kind kind) {
        Map<String, TaskStatusCountPerUser.Builder> rows = new LinkedHashMap<>();
        task.spec().getWorker().getUserIdsList().forEach(worker -> rows.put(worker, row(worker)));
        Map<String, TaskStatusCountPerUser.Builder> others = new TreeMap<>();
        jdbi.useHandle(handle -> handle.createQuery("""
                        SELECT user_id, status, n FROM task_status_counts
                        WHERE app_uid = :app AND task_id = :task AND kind = :kind""")
                .bind("app", task.appUid()).bind("task", task.id()).bind("kind", kind.stored)
                .map((rs, ctx) -> {
                    String user = rs.getString("user_id");
                    TaskStatusCountPerUser.Builder row = rows.containsKey(user) ? rows.get(user)
                            : others.computeIfAbsent(user, CountRpcs::row);
                    kind.add(row, rs.getInt("status"), rs.getInt("n"));
                    return 0;
                }).list());
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

    MultiInputAnnotationResponse samples(Caller caller, GetInputSamplesRequest request) {
        StoredTask task = task(caller, request.getTaskId());
        List<String> users = request.getUserIdsList();
        String byUser = users.isEmpty() ? "" : " AND user_id IN (<users>)";
        List<String[]> picked = jdbi.withHandle(handle -> {
            var query = handle.createQuery("SELECT id, input_id, user_id FROM annotations WHERE app_uid = :app"
                            + " AND task_id = :task AND status <> :pending" + byUser + " ORDER BY seq DESC LIMIT :limit")
                    .bind("app", task.appUid()).bind("task", task.id())
                    .bind("pending", StatusCode.ANNOTATION_PENDING.getNumber()).bind("limit", SAMPLES);
            if (!users.isEmpty()) {
                query.bindList("users", users);
            }
            return query.map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list();
        });
        MultiInputAnnotationResponse.Builder response = MultiInputAnnotationResponse.newBuilder();
        for (String[] sample : picked) {
            Hit.Builder hit = Hit.newBuilder().setUserId(sample[2]).setAppId(caller.app().id()).setScore(1.0f);
            inputs.find(task.appUid(), sample[1]).ifPresent(input -> hit.setInput(InputRpcs.toWire(input)));
            annotations.find(task.appUid(), sample[0]).ifPresent(a -> hit.setAnnotation(AnnotationRpcs.toWire(a)));
            response.addHits(hit);
        }
        return response.build();
    }

    private StoredTask task(Caller caller, String taskId) {
        return tasks.require(caller.app().uid(), taskId);
    }
}
