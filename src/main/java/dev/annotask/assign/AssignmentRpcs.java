package dev.annotask.assign;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.StatusCodes;
import dev.annotask.identity.Caller;
import dev.annotask.input.InputStore;
import dev.annotask.input.InputWire;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.ListNextTaskAssignmentsRequest;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.PutTaskAssignmentsRequest;
import dev.annotask.proto.api.PutTaskAssignmentsRequestAction;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.Worker;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import org.jdbi.v3.core.Handle;
import java.util.List;
import java.util.Map;

/**
 * PutTaskAssignments (the labeling and review actions on a task) and its deprecated GET
 * alias ListNextTaskAssignments. Labeling actions are for the task's workers only, review
 * actions for its reviewers only (54103 otherwise). Thread-safe.
 */
public final class AssignmentRpcs {
    /**
     * {@code status.details} of a pending assignment a reviewer sent back: Annotask's marker,
     * documented in docs/COMPATIBILITY.md (the comment itself is annotask.review's ListReviewNotes).
     */
    public static final String SENT_BACK = "Sent back by a reviewer: changes requested";

    private final TaskStore tasks;
    private final InputStore inputs;
    private final LabelingService labeling;
    private final ReviewService reviews;
    private final InputWire wire;

    public AssignmentRpcs(TaskStore tasks, InputStore inputs, LabelingService labeling, ReviewService reviews,
                          InputWire wire) {
        this.tasks = tasks;
        this.inputs = inputs;
        this.labeling = labeling;
        this.reviews = reviews;
        this.wire = wire;
    }

    public void register(RpcRegistry registry) {
        registry.writesUnlessRead("PutTaskAssignments", PutTaskAssignmentsRequest.class, this::resumeLabeling,
                this::putTaskAssignments);
        registry.writesUnlessRead("ListNextTaskAssignments", ListNextTaskAssignmentsRequest.class, this::resumeListNext,
                this::listNext);
    }

    /**
     * A LABEL_START that would only hand back the caller's unfinished batch, answered from a
     * read (see {@link LabelingService#unfinishedBatch}); null when it must run as a write.
     */
    MultiTaskAssignmentResponse resumeLabeling(Handle handle, Caller caller, PutTaskAssignmentsRequest request) {
        if (request.getAction() != PutTaskAssignmentsRequestAction.LABEL_START) {
            return null;
        }
        List<Assignment> batch = labeling.unfinishedBatch(handle, task(handle, caller, request.getTaskId()),
                caller.userId());
        return batch.isEmpty() ? null : assignmentsResponse(handle, caller, batch);
    }

    MultiInputResponse resumeListNext(Handle handle, Caller caller, ListNextTaskAssignmentsRequest request) {
        List<Assignment> batch = labeling.unfinishedBatch(handle, task(handle, caller, request.getTaskId()),
                caller.userId());
        return batch.isEmpty() ? null : inputsResponse(handle, caller, batch);
    }

    MultiTaskAssignmentResponse putTaskAssignments(Handle handle, Caller caller, PutTaskAssignmentsRequest request) {
        StoredTask task = task(handle, caller, request.getTaskId());
        List<Assignment> result = switch (request.getAction()) {
            case LABEL_START -> labeling.labelStart(handle, task, caller.userId());
            case LABEL_SUBMIT -> labeling.labelSubmit(handle, task, caller.userId(),
                    request.getLabelSubmitConfig().getTaskAssignmentsList().stream().map(TaskAssignment::getId).toList(),
                    request.getInputId());
            case PUT_TASK_ASSIGNMENTS_REQUEST_ACTION_NOT_SET -> {
                if (request.getInputId().isEmpty()) {
                    throw ApiException.invalid("action is required: LABEL_START, LABEL_SUBMIT, REVIEW_START,"
                            + " REVIEW_APPROVE, REVIEW_REQUEST_CHANGES or REVIEW_REJECT");
                }
                // Legacy form: a bare input_id submits the caller's assignment on that input.
                yield labeling.labelSubmit(handle, task, caller.userId(), List.of(), request.getInputId());
            }
            case REVIEW_START -> reviews.reviewStart(handle, task, caller.userId(),
                    userIds(request.getReviewStartConfig().getWorkersList()));
            case REVIEW_APPROVE -> reviews.review(handle, task, caller.userId(), ReviewService.Verdict.APPROVE,
                    ids(request.getReviewApproveConfig().getTaskAssignmentsList()),
                    userIds(request.getReviewApproveConfig().getWorkersList()));
            case REVIEW_REQUEST_CHANGES -> reviews.review(handle, task, caller.userId(), ReviewService.Verdict.REQUEST_CHANGES,
                    ids(request.getReviewRequestChangesConfig().getTaskAssignmentsList()),
                    userIds(request.getReviewRequestChangesConfig().getWorkersList()));
            case REVIEW_REJECT -> reviews.review(handle, task, caller.userId(), ReviewService.Verdict.REJECT,
                    ids(request.getReviewRejectConfig().getTaskAssignmentsList()),
                    userIds(request.getReviewRejectConfig().getWorkersList()));
            default -> throw ApiException.invalid("unknown action " + request.getActionValue());
        };
        return assignmentsResponse(handle, caller, result);
    }

    private MultiTaskAssignmentResponse assignmentsResponse(Handle handle, Caller caller, List<Assignment> result) {
        Map<String, dev.annotask.input.Input> inputsById = inputsOf(handle, caller, result);
        MultiTaskAssignmentResponse.Builder response = MultiTaskAssignmentResponse.newBuilder();
        result.forEach(a -> response.addTaskAssignments(toWire(caller, a, inputsById)));
        return response.build();
    }

    private static List<String> ids(List<TaskAssignment> assignments) {
        return assignments.stream().map(TaskAssignment::getId).toList();
    }

    private static List<String> userIds(List<Worker> workers) {
        return workers.stream().map(w -> w.getUser().getId()).filter(id -> !id.isEmpty()).toList();
    }

    MultiInputResponse listNext(Handle handle, Caller caller, ListNextTaskAssignmentsRequest request) {
        StoredTask task = task(handle, caller, request.getTaskId());
        return inputsResponse(handle, caller, labeling.labelStart(handle, task, caller.userId()));
    }

    private MultiInputResponse inputsResponse(Handle handle, Caller caller, List<Assignment> batch) {
        Map<String, dev.annotask.input.Input> inputsById = inputsOf(handle, caller, batch);
        MultiInputResponse.Builder response = MultiInputResponse.newBuilder();
        batch.forEach(a -> response.addInputs(input(caller, a, inputsById)));
        return response.build();
    }

    private StoredTask task(Handle handle, Caller caller, String taskId) {
        return tasks.require(handle, caller.app().uid(), taskId);
    }

    private Map<String, dev.annotask.input.Input> inputsOf(Handle handle, Caller caller, List<Assignment> assignments) {
        return inputs.findAll(handle, caller.app().uid(), assignments.stream().map(Assignment::inputId).distinct().toList());
    }

    private TaskAssignment toWire(Caller caller, Assignment assignment, Map<String, dev.annotask.input.Input> inputsById) {
        return TaskAssignment.newBuilder()
                .setId(assignment.id())
                .setCreatedAt(Timestamps.fromMillis(assignment.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(assignment.modifiedAt()))
                .setWorker(Worker.newBuilder().setUser(User.newBuilder().setId(assignment.workerId())))
                .setInput(input(caller, assignment, inputsById))
                .setStatus(StatusCodes.status(StatusCode.forNumber(assignment.status()),
                        assignment.sentBack() ? SENT_BACK : null))
                .build();
    }

    private Input input(Caller caller, Assignment assignment, Map<String, dev.annotask.input.Input> inputsById) {
        dev.annotask.input.Input input = inputsById.get(assignment.inputId());
        return input == null ? Input.newBuilder().setId(assignment.inputId()).build() : wire.toWire(caller.app(), input);
    }
}
