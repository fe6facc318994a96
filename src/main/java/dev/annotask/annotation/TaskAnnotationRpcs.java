package dev.annotask.annotation;

import dev.annotask.api.ApiException;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.assign.LabelingService;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.PostAnnotationsRequest;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.labeling.InputAnnotations;
import dev.annotask.proto.labeling.PutTaskAnnotationsRequest;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * annotask.labeling's PutTaskAnnotations: the caller's whole labeling of each named input of a
 * task replaced in one request, all or nothing (docs/COMPATIBILITY.md). Clarifai's
 * PatchAnnotations cannot do it (it changes annotations by id and adds or removes none, while a
 * labeling holds one annotation per region), and a DeleteAnnotations then PostAnnotations lost
 * the labeler's work when the second call failed. It is the two in one transaction: the
 * caller's annotations on the inputs deleted (as DeleteAnnotations checks and records them),
 * then the new ones posted (as PostAnnotations checks them); any refusal rolls both back.
 * Thread-safe.
 */
public final class TaskAnnotationRpcs {
    private static final int MAX_BATCH = 128;

    private final AnnotationRpcs rpcs;
    private final AnnotationStore annotations;
    private final TaskStore tasks;
    private final LabelingService labeling;

    public TaskAnnotationRpcs(AnnotationRpcs rpcs, AnnotationStore annotations, TaskStore tasks,
                              LabelingService labeling) {
        this.rpcs = rpcs;
        this.annotations = annotations;
        this.tasks = tasks;
        this.labeling = labeling;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PutTaskAnnotations", PutTaskAnnotationsRequest.class, this::put);
    }

    MultiAnnotationResponse put(Handle handle, Caller caller, PutTaskAnnotationsRequest request) {
        Validation.requireBatch("inputs", request.getInputsCount(), MAX_BATCH);
        StoredTask task = tasks.require(handle, caller.app().uid(), request.getTaskId());
        List<String> inputIds = new ArrayList<>();
        PostAnnotationsRequest.Builder post = PostAnnotationsRequest.newBuilder();
        for (int i = 0; i < request.getInputsCount(); i++) {
            InputAnnotations item = request.getInputs(i);
            String field = "inputs[" + i + "]";
            if (item.getInputId().isEmpty()) {
                throw ApiException.invalid(field + ".input_id is required");
            }
            inputIds.add(item.getInputId());
            for (int j = 0; j < item.getAnnotationsCount(); j++) {
                var wire = item.getAnnotations(j);
                String at = field + ".annotations[" + j + "]";
                requireSameOrEmpty(at + ".input_id", wire.getInputId(), item.getInputId());
                requireSameOrEmpty(at + ".task_id", wire.getTaskId(), task.id());
                requireSameOrEmpty(at + ".user_id", wire.getUserId(), caller.userId());
                post.addAnnotations(wire.toBuilder().setInputId(item.getInputId()).setTaskId(task.id())
                        .clearAnnotationInfo().clearUserId());
            }
        }
        Validation.requireDistinct("inputs[].input_id", inputIds);
        if (post.getAnnotationsCount() > MAX_BATCH) {
            throw ApiException.invalid("inputs[].annotations hold " + post.getAnnotationsCount()
                    + " annotations; at most " + MAX_BATCH + " per request");
        }
        // The caller's assignments on these inputs must be open, and stay so to the commit
        // (share-locked: a LABEL_SUBMIT of them waits), even for an input left without labels.
        Set<String> open = labeling.lockOpenAssignments(handle, task, inputIds, caller.userId());
        for (String inputId : inputIds) {
            if (!open.contains(inputId)) {
                throw new ApiException(StatusCode.TASK_PERMISSION_DENIED, "input '" + inputId + "' is not assigned to '"
                        + caller.userId() + "' in task '" + task.id() + "' (or its work was already turned in)");
            }
        }
        rpcs.delete(handle, caller, annotations.labelingsForChange(handle, task.appUid(), task.id(), inputIds,
                caller.userId()));
        if (post.getAnnotationsCount() == 0) {
            return MultiAnnotationResponse.getDefaultInstance();
        }
        return rpcs.postAnnotations(handle, caller, post.build());
    }

    private static void requireSameOrEmpty(String field, String given, String expected) {
        if (!given.isEmpty() && !given.equals(expected)) {
            throw ApiException.invalid(field + ": '" + given + "' is not '" + expected + "' (it may be left out)");
        }
    }
}
