package dev.annotask.annotation;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.StatusCodes;
import dev.annotask.api.Validation;
import dev.annotask.assign.LabelingService;
import dev.annotask.assign.ReviewService;
import dev.annotask.concept.ConceptStore;
import dev.annotask.identity.Caller;
import dev.annotask.input.InputStore;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.DeleteAnnotationRequest;
import dev.annotask.proto.api.DeleteAnnotationsRequest;
import dev.annotask.proto.api.GetAnnotationRequest;
import dev.annotask.proto.api.ListAnnotationsRequest;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.PatchAnnotationsRequest;
import dev.annotask.proto.api.PostAnnotationsRequest;
import dev.annotask.proto.api.SingleAnnotationResponse;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.Worker;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Ids;
import dev.annotask.store.Json;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PostAnnotations, ListAnnotations, GetAnnotation, PatchAnnotations, DeleteAnnotation and
 * DeleteAnnotations.
 *
 * <p>An annotation made in a task ({@code task_id}, or the legacy
 * {@code annotation_info.task_id}) must be on an input the caller holds an unfinished
 * assignment for, and use the task's concepts; it starts ANNOTATION_PENDING and follows its
 * assignment through review. Outside tasks an annotation is final at once. Changing or
 * deleting is for the annotation's author and the app's owner; a reviewer may also change
 * (not delete) the annotations of work they are reviewing, until their verdict. Thread-safe.
 */
public final class AnnotationRpcs {
    private static final int MAX_BATCH = 128;

    private final AnnotationStore annotations;
    private final TaskStore tasks;
    private final InputStore inputs;
    private final ConceptStore concepts;
    private final LabelingService labeling;
    private final ReviewService reviews;
    private final Clock clock;

    public AnnotationRpcs(AnnotationStore annotations, TaskStore tasks, InputStore inputs, ConceptStore concepts,
                          LabelingService labeling, ReviewService reviews, Clock clock) {
        this.annotations = annotations;
        this.tasks = tasks;
        this.inputs = inputs;
        this.concepts = concepts;
        this.labeling = labeling;
        this.reviews = reviews;
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.handle("PostAnnotations", PostAnnotationsRequest.class, this::postAnnotations);
        registry.handle("ListAnnotations", ListAnnotationsRequest.class, this::listAnnotations);
        registry.handle("GetAnnotation", GetAnnotationRequest.class, this::getAnnotation);
        registry.handle("PatchAnnotations", PatchAnnotationsRequest.class, this::patchAnnotations);
        registry.handle("DeleteAnnotation", DeleteAnnotationRequest.class, this::deleteAnnotation);
        registry.handle("DeleteAnnotations", DeleteAnnotationsRequest.class, this::deleteAnnotations);
    }

    MultiAnnotationResponse postAnnotations(Caller caller, PostAnnotationsRequest request) {
        Validation.requireBatch("annotations", request.getAnnotationsCount(), MAX_BATCH);
        String appUid = caller.app().uid();
        long now = clock.millis();
        List<Annotation> created = new ArrayList<>();
        List<StoredTask> taskOf = new ArrayList<>();
        for (int i = 0; i < request.getAnnotationsCount(); i++) {
            dev.annotask.proto.api.Annotation wire = request.getAnnotations(i);
            String field = "annotations[" + i + "]";
            String id = wire.getId().isEmpty() ? Ids.newId() : Validation.requireId(field + ".id", wire.getId());
            String author = author(caller, field, wire);
            if (inputs.find(appUid, wire.getInputId()).isEmpty()) {
                throw new ApiException(StatusCode.INPUT_DOES_NOT_EXIST, field + ".input_id: input '" + wire.getInputId()
                        + "' not found");
            }
            String taskId = taskIdOf(wire);
            StoredTask task = taskId.isEmpty() ? null : tasks.find(appUid, taskId).orElseThrow(() ->
                    new ApiException(StatusCode.TASK_MISSING, field + ".task_id: task '" + taskId + "' not found"));
            Set<String> allowed = task != null ? Set.copyOf(task.spec().getConceptIdsList())
                    : concepts.existing(appUid, conceptIds(wire.getData()));
            AnnotationChecks.check(field, wire.getData(), task == null ? null : task.spec().getType(), allowed);
            int status = task != null ? StatusCode.ANNOTATION_PENDING.getNumber()
                    : wire.hasStatus() && wire.getStatus().getCodeValue() != 0 ? wire.getStatus().getCodeValue()
                    : StatusCode.ANNOTATION_SUCCESS.getNumber();
            created.add(new Annotation(appUid, id, wire.getInputId(), taskId, author, wire.getData(), status, null, now, now));
            taskOf.add(task);
        }
        Validation.requireUniqueNewIds("annotations[].id", created.stream().map(Annotation::id).toList());
        annotations.jdbi().useTransaction(handle -> {
            for (int i = 0; i < created.size(); i++) {
                Annotation a = created.get(i);
                if (taskOf.get(i) != null && !labeling.holdsUnfinished(handle, taskOf.get(i), a.inputId(), a.userId())) {
                    throw new ApiException(StatusCode.TASK_PERMISSION_DENIED, "annotations[" + i + "]: input '"
                            + a.inputId() + "' is not assigned to '" + a.userId() + "' in task '" + a.taskId()
                            + "' (or its work was already turned in)");
                }
                if (annotations.exists(handle, a.appUid(), a.id())) {
                    throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "annotation id already exists: " + a.id());
                }
            }
            annotations.insertAll(handle, created);
        });
        return respond(created);
    }

    private static String author(Caller caller, String field, dev.annotask.proto.api.Annotation wire) {
        String named = wire.getUserId();
        if (named.isEmpty() || named.equals(caller.userId())) {
            return caller.userId();
        }
        if (!caller.ownsApp()) {
            throw new ApiException(StatusCode.ANNOTATION_PERMISSION_DENIED,
                    field + ".user_id: only the app's owner may annotate for another user");
        }
        return named;
    }

    private static String taskIdOf(dev.annotask.proto.api.Annotation wire) {
        if (!wire.getTaskId().isEmpty()) {
            return wire.getTaskId();
        }
        Value legacy = wire.getAnnotationInfo().getFieldsMap().get("task_id");
        return legacy != null && legacy.hasStringValue() ? legacy.getStringValue() : "";
    }

    private static Set<String> conceptIds(Data data) {
        return AnnotationChecks.conceptIds(data);
    }

    MultiAnnotationResponse listAnnotations(Caller caller, ListAnnotationsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        AnnotationStore.Filter filter = new AnnotationStore.Filter(request.getIdsList(), request.getInputIdsList(),
                request.getTaskId(), request.getUserIdsList(),
                request.getStatusesList().stream().map(s -> s.getCodeValue()).filter(c -> c != 0).toList());
        return respond(annotations.list(caller.app().uid(), filter, page.offset(), page.limit()));
    }

    SingleAnnotationResponse getAnnotation(Caller caller, GetAnnotationRequest request) {
        Annotation annotation = find(caller, request.getInputId(), request.getAnnotationId());
        return SingleAnnotationResponse.newBuilder().setAnnotation(toWire(annotation)).build();
    }

    MultiAnnotationResponse patchAnnotations(Caller caller, PatchAnnotationsRequest request) {
        String action = Validation.requirePatchAction(request.getAction());
        Validation.requireBatch("annotations", request.getAnnotationsCount(), MAX_BATCH);
        long now = clock.millis();
        List<Annotation> changed = new ArrayList<>();
        for (int i = 0; i < request.getAnnotationsCount(); i++) {
            dev.annotask.proto.api.Annotation wire = request.getAnnotations(i);
            String field = "annotations[" + i + "]";
            Annotation current = find(caller, wire.getInputId(), wire.getId());
            StoredTask task = current.taskId().isEmpty() ? null : tasks.find(caller.app().uid(), current.taskId()).orElse(null);
            if (!isReviewing(caller, task, current)) {
                editable(caller, current);
            }
            Data data = switch (action) {
                case "overwrite" -> wire.getData();
                case "merge" -> current.data().toBuilder().mergeFrom(wire.getData()).build();
                default -> AnnotationPatches.remove(current.data(), wire.getData());
            };
            Set<String> allowed = task != null ? Set.copyOf(task.spec().getConceptIdsList())
                    : concepts.existing(caller.app().uid(), conceptIds(data));
            AnnotationChecks.check(field, data, task == null ? null : task.spec().getType(), allowed);
            changed.add(new Annotation(current.appUid(), current.id(), current.inputId(), current.taskId(), current.userId(),
                    data, current.status(), current.consensusInfoJson(), current.createdAt(), now));
        }
        annotations.jdbi().useTransaction(handle -> changed.forEach(a -> annotations.update(handle, a)));
        return respond(changed);
    }

    BaseResponse deleteAnnotation(Caller caller, DeleteAnnotationRequest request) {
        Annotation annotation = editable(caller, find(caller, request.getInputId(), request.getAnnotationId()));
        annotations.jdbi().useTransaction(handle -> annotations.delete(handle, caller.app().uid(),
                List.of(annotation.id())));
        return BaseResponse.getDefaultInstance();
    }

    BaseResponse deleteAnnotations(Caller caller, DeleteAnnotationsRequest request) {
        List<Annotation> doomed = new ArrayList<>();
        if (request.getIdsCount() > 0) {
            if (request.getIdsCount() != request.getInputIdsCount()) {
                throw ApiException.invalid("ids and input_ids must pair one to one");
            }
            for (int i = 0; i < request.getIdsCount(); i++) {
                doomed.add(editable(caller, find(caller, request.getInputIds(i), request.getIds(i))));
            }
        } else {
            Validation.requireBatch("input_ids", request.getInputIdsCount(), 1000);
            AnnotationStore.Filter filter = new AnnotationStore.Filter(List.of(), request.getInputIdsList(), "",
                    caller.ownsApp() ? List.of() : List.of(caller.userId()), List.of());
            doomed.addAll(annotations.list(caller.app().uid(), filter, 0, Integer.MAX_VALUE));
        }
        if (!doomed.isEmpty()) {
            annotations.jdbi().useTransaction(handle -> annotations.delete(handle, caller.app().uid(),
                    doomed.stream().map(Annotation::id).toList()));
        }
        return BaseResponse.getDefaultInstance();
    }

    private Annotation find(Caller caller, String inputId, String id) {
        return annotations.find(caller.app().uid(), id)
                .filter(a -> inputId.isEmpty() || a.inputId().equals(inputId))
                .orElseThrow(() -> ApiException.notFound("annotation '" + id + "' not found"));
    }

    /** A reviewer correcting, before the verdict, work routed to them (see ReviewService#isReviewing). */
    private boolean isReviewing(Caller caller, StoredTask task, Annotation annotation) {
        return task != null && !annotation.userId().equals(caller.userId())
                && task.spec().getReview().getUserIdsList().contains(caller.userId())
                && reviews.isReviewing(task, annotation.inputId(), annotation.userId(), caller.userId());
    }

    private static Annotation editable(Caller caller, Annotation annotation) {
        if (!annotation.userId().equals(caller.userId()) && !caller.ownsApp()) {
            throw new ApiException(StatusCode.ANNOTATION_PERMISSION_DENIED, "annotation '" + annotation.id()
                    + "' belongs to another user");
        }
        return annotation;
    }

    private static MultiAnnotationResponse respond(List<Annotation> listed) {
        MultiAnnotationResponse.Builder response = MultiAnnotationResponse.newBuilder();
        listed.forEach(a -> response.addAnnotations(toWire(a)));
        return response.build();
    }

    /** The annotation as the API shows it. */
    public static dev.annotask.proto.api.Annotation toWire(Annotation a) {
        dev.annotask.proto.api.Annotation.Builder wire = dev.annotask.proto.api.Annotation.newBuilder()
                .setId(a.id())
                .setInputId(a.inputId())
                .setData(a.data())
                .setStatus(StatusCodes.status(StatusCode.forNumber(a.status()), null))
                .setCreatedAt(Timestamps.fromMillis(a.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(a.modifiedAt()))
                .setUserId(a.userId())
                .setWorker(Worker.newBuilder().setUser(User.newBuilder().setId(a.userId())));
        if (!a.taskId().isEmpty()) {
            wire.setTaskId(a.taskId()).setAnnotationInfo(Struct.newBuilder()
                    .putAllFields(Map.of("task_id", Value.newBuilder().setStringValue(a.taskId()).build())));
        }
        if (a.consensusInfoJson() != null) {
            wire.setConsensusInfo(Json.readStruct(a.consensusInfoJson()));
        }
        return wire.build();
    }
}
