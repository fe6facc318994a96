package dev.annotask.annotation;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.api.StatusCodes;
import dev.annotask.api.Validation;
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
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Ids;
import dev.annotask.store.Json;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * PostAnnotations, ListAnnotations, GetAnnotation, PatchAnnotations, DeleteAnnotation and
 * DeleteAnnotations.
 *
 * <p>An annotation made in a task ({@code task_id}, or the legacy
 * {@code annotation_info.task_id}) must be on an input the caller holds an unfinished
 * assignment for, and use the task's concepts; it starts ANNOTATION_PENDING and follows its
 * assignment through review. Outside tasks an annotation is final at once unless posted as
 * pending. A request names a status only within {@link AnnotationStatuses}; who may change or
 * delete what is {@link AnnotationAccess}'s rule. Thread-safe.
 */
public final class AnnotationRpcs {
    private static final int MAX_BATCH = 128;

    private final AnnotationStore annotations;
    private final TaskStore tasks;
    private final OpenWork labeling;
    private final AnnotationAccess access;
    private final Clock clock;
    private final Events events;

    public AnnotationRpcs(AnnotationStore annotations, TaskStore tasks, OpenWork labeling, ReviewRouting reviews,
                          Events events, Clock clock) {
        this.annotations = annotations;
        this.tasks = tasks;
        this.labeling = labeling;
        this.access = new AnnotationAccess(reviews);
        this.events = events;
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostAnnotations", PostAnnotationsRequest.class, this::postAnnotations);
        registry.reads("ListAnnotations", ListAnnotationsRequest.class, this::listAnnotations);
        registry.reads("GetAnnotation", GetAnnotationRequest.class, this::getAnnotation);
        registry.writes("PatchAnnotations", PatchAnnotationsRequest.class, this::patchAnnotations);
        registry.writes("DeleteAnnotation", DeleteAnnotationRequest.class, this::deleteAnnotation);
        registry.writes("DeleteAnnotations", DeleteAnnotationsRequest.class, this::deleteAnnotations);
    }

    /**
     * One statement per kind of check whatever the batch size (the inputs, the tasks, the
     * concepts, the labelers' open assignments, the ids taken), then one batched insert: on
     * SQLite every statement of a write is time the one writer is held.
     */
    MultiAnnotationResponse postAnnotations(Handle handle, Caller caller, PostAnnotationsRequest request) {
        Validation.requireBatch("annotations", request.getAnnotationsCount(), MAX_BATCH);
        String appUid = caller.app().uid();
        long now = clock.millis();
        List<dev.annotask.proto.api.Annotation> wires = request.getAnnotationsList();
        Set<String> knownInputs = InputStore.existing(handle, appUid,
                wires.stream().map(dev.annotask.proto.api.Annotation::getInputId).collect(Collectors.toSet()));
        Map<String, StoredTask> taskById = new HashMap<>();
        for (String taskId : wires.stream().map(AnnotationRpcs::taskIdOf).filter(id -> !id.isEmpty()).distinct().toList()) {
            tasks.find(handle, appUid, taskId).ifPresent(task -> taskById.put(taskId, task));
        }
        Set<String> knownConcepts = ConceptStore.existing(handle, appUid, wires.stream()
                .filter(wire -> taskIdOf(wire).isEmpty())
                .flatMap(wire -> conceptIds(wire.getData()).stream()).collect(Collectors.toSet()));
        List<Annotation> created = new ArrayList<>();
        List<StoredTask> taskOf = new ArrayList<>();
        for (int i = 0; i < wires.size(); i++) {
            dev.annotask.proto.api.Annotation wire = wires.get(i);
            String field = "annotations[" + i + "]";
            String id = wire.getId().isEmpty() ? Ids.newId() : Validation.requireId(field + ".id", wire.getId());
            String author = author(caller, field, wire);
            Annotation.Machine machine = MachineWorkers.of(field, wire);
            if (!knownInputs.contains(wire.getInputId())) {
                throw new ApiException(StatusCode.INPUT_DOES_NOT_EXIST, field + ".input_id: input '" + wire.getInputId()
                        + "' not found");
            }
            String taskId = taskIdOf(wire);
            StoredTask task = taskId.isEmpty() ? null : taskById.get(taskId);
            if (!taskId.isEmpty() && task == null) {
                throw new ApiException(StatusCode.TASK_MISSING, field + ".task_id: task '" + taskId + "' not found");
            }
            Set<String> allowed = task != null ? Set.copyOf(task.spec().getConceptIdsList()) : knownConcepts;
            AnnotationChecks.check(field, wire.getData(), task == null ? null : task.spec().getType(), allowed);
            int status = machine != null ? MachineWorkers.statusForPost(field, wire)
                    : AnnotationStatuses.forPost(field, wire, task != null);
            created.add(new Annotation(appUid, id, wire.getInputId(), taskId, author, wire.getData(), status, null, now,
                    now, machine));
            taskOf.add(task);
        }
        Validation.requireUniqueNewIds("annotations[].id", created.stream().map(Annotation::id).toList());
        Set<Integer> open = openAssignments(handle, created, taskOf);
        Set<String> taken = annotations.existingIds(handle, appUid, created.stream().map(Annotation::id).toList());
        for (int i = 0; i < created.size(); i++) {
            Annotation a = created.get(i);
            if (taskOf.get(i) != null && !open.contains(i)) {
                throw new ApiException(StatusCode.TASK_PERMISSION_DENIED, "annotations[" + i + "]: input '"
                        + a.inputId() + "' is not assigned to '" + a.userId() + "' in task '" + a.taskId()
                        + "' (or its work was already turned in)");
            }
            if (taken.contains(a.id())) {
                throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "annotation id already exists: " + a.id());
            }
        }
        annotations.insertAll(handle, created);
        events.emit(handle, appUid, EventType.ANNOTATION_CREATED, () -> wires(created));
        return respond(created);
    }

    /**
     * The indexes of those of these annotations in a task whose labeler's assignment on the
     * input is open, each such assignment locked until the transaction ends: one statement per
     * task and labeler, in a fixed order.
     */
    private Set<Integer> openAssignments(Handle handle, List<Annotation> created, List<StoredTask> taskOf) {
        Map<String, List<Integer>> byTaskAndUser = new TreeMap<>();
        for (int i = 0; i < created.size(); i++) {
            if (taskOf.get(i) != null) {
                byTaskAndUser.computeIfAbsent(created.get(i).taskId() + "\n" + created.get(i).userId(),
                        key -> new ArrayList<>()).add(i);
            }
        }
        Set<Integer> open = new HashSet<>();
        byTaskAndUser.values().forEach(indexes -> {
            Set<String> inputIds = indexes.stream().map(i -> created.get(i).inputId()).collect(Collectors.toSet());
            Set<String> openInputs = labeling.lockOpenAssignments(handle, taskOf.get(indexes.get(0)), inputIds,
                    created.get(indexes.get(0)).userId());
            indexes.stream().filter(i -> openInputs.contains(created.get(i).inputId())).forEach(open::add);
        });
        return open;
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

    MultiAnnotationResponse listAnnotations(Handle handle, Caller caller, ListAnnotationsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        AnnotationStore.Filter filter = new AnnotationStore.Filter(request.getIdsList(), request.getInputIdsList(),
                request.getTaskId(), request.getUserIdsList(),
                request.getStatusesList().stream().map(s -> s.getCodeValue()).filter(c -> c != 0).toList(),
                request.getModelVersionIdsList(), request.getReturnModelOutput());
        return respond(annotations.list(handle, caller.app().uid(), filter, page.offset(), page.limit()));
    }

    SingleAnnotationResponse getAnnotation(Handle handle, Caller caller, GetAnnotationRequest request) {
        Annotation annotation = find(handle, caller, request.getInputId(), request.getAnnotationId());
        return SingleAnnotationResponse.newBuilder().setAnnotation(toWire(annotation)).build();
    }

    /**
     * Each annotation is read again, locked, inside the writing transaction and checked there
     * ({@link AnnotationAccess}), so a LABEL_SUBMIT or a verdict either comes before the check
     * or waits for the patch.
     */
    MultiAnnotationResponse patchAnnotations(Handle handle, Caller caller, PatchAnnotationsRequest request) {
        String action = Validation.requirePatchAction(request.getAction());
        Validation.requireBatch("annotations", request.getAnnotationsCount(), MAX_BATCH);
        String appUid = caller.app().uid();
        Map<String, StoredTask> taskById = new HashMap<>();
        for (dev.annotask.proto.api.Annotation wire : request.getAnnotationsList()) {
            String taskId = find(handle, caller, wire.getInputId(), wire.getId()).taskId();
            if (!taskId.isEmpty() && !taskById.containsKey(taskId)) {
                taskById.put(taskId, tasks.find(handle, appUid, taskId).orElse(null));
            }
        }
        long now = clock.millis();
        List<Annotation> changed = new ArrayList<>();
        for (int i = 0; i < request.getAnnotationsCount(); i++) {
            dev.annotask.proto.api.Annotation wire = request.getAnnotations(i);
            String field = "annotations[" + i + "]";
            Annotation current = findForChange(handle, caller, wire.getInputId(), wire.getId());
            StoredTask task = taskById.get(current.taskId());
            boolean recorded = access.requireMayPatch(handle, caller, task, current);
            int status = AnnotationStatuses.forPatch(field, wire, current);
            MachineWorkers.requireStillPending(field, current, status);
            Data data = switch (action) {
                case "overwrite" -> wire.getData();
                case "merge" -> current.data().toBuilder().mergeFrom(wire.getData()).build();
                default -> AnnotationPatches.remove(current.data(), wire.getData());
            };
            Set<String> allowed = task != null ? Set.copyOf(task.spec().getConceptIdsList())
                    : ConceptStore.existing(handle, appUid, conceptIds(data));
            AnnotationChecks.check(field, data, task == null ? null : task.spec().getType(), allowed);
            Annotation next = new Annotation(current.appUid(), current.id(), current.inputId(), current.taskId(),
                    current.userId(), data, status, current.consensusInfoJson(), current.createdAt(), now,
                    current.machine());
            annotations.update(handle, next);
            if (recorded) {
                annotations.recordEdit(handle, current, data, caller.userId(), now);
            }
            changed.add(next);
        }
        events.emit(handle, appUid, EventType.ANNOTATION_UPDATED, () -> wires(changed));
        return respond(changed);
    }

    BaseResponse deleteAnnotation(Handle handle, Caller caller, DeleteAnnotationRequest request) {
        delete(handle, caller,
                List.of(findForChange(handle, caller, request.getInputId(), request.getAnnotationId())));
        return BaseResponse.getDefaultInstance();
    }

    BaseResponse deleteAnnotations(Handle handle, Caller caller, DeleteAnnotationsRequest request) {
        if (request.getIdsCount() > 0) {
            if (request.getIdsCount() != request.getInputIdsCount()) {
                throw ApiException.invalid("ids and input_ids must pair one to one");
            }
            List<Annotation> doomed = new ArrayList<>();
            for (int i = 0; i < request.getIdsCount(); i++) {
                doomed.add(findForChange(handle, caller, request.getInputIds(i), request.getIds(i)));
            }
            delete(handle, caller, doomed);
        } else {
            Validation.requireBatch("input_ids", request.getInputIdsCount(), 1000);
            delete(handle, caller, annotations.findOnInputsForChange(
                    handle, caller.app().uid(), request.getInputIdsList(), caller.ownsApp() ? null : caller.userId()));
        }
        return BaseResponse.getDefaultInstance();
    }

    /** Deletes these annotations (read locked in this transaction), all or none, recording turned-in work. */
    void delete(Handle handle, Caller caller, List<Annotation> doomed) {
        if (doomed.isEmpty()) {
            return;
        }
        long now = clock.millis();
        Map<String, Annotation> byId = new LinkedHashMap<>();
        doomed.forEach(a -> byId.put(a.id(), a));
        for (Annotation annotation : byId.values()) {
            if (access.requireMayDelete(caller, annotation)) {
                annotations.recordEdit(handle, annotation, null, caller.userId(), now);
            }
        }
        annotations.delete(handle, caller.app().uid(), List.copyOf(byId.keySet()));
        events.emit(handle, caller.app().uid(), EventType.ANNOTATION_DELETED, () -> wires(List.copyOf(byId.values())));
    }

    private static List<dev.annotask.proto.api.Annotation> wires(List<Annotation> listed) {
        return listed.stream().map(AnnotationRpcs::toWire).toList();
    }

    private Annotation findForChange(Handle handle, Caller caller, String inputId, String id) {
        return annotations.findForChange(handle, caller.app().uid(), id)
                .filter(a -> inputId.isEmpty() || a.inputId().equals(inputId))
                .orElseThrow(() -> ApiException.notFound("annotation '" + id + "' not found"));
    }

    private Annotation find(Handle handle, Caller caller, String inputId, String id) {
        return annotations.find(handle, caller.app().uid(), id)
                .filter(a -> inputId.isEmpty() || a.inputId().equals(inputId))
                .orElseThrow(() -> ApiException.notFound("annotation '" + id + "' not found"));
    }

    private static MultiAnnotationResponse respond(List<Annotation> listed) {
        MultiAnnotationResponse.Builder response = MultiAnnotationResponse.newBuilder();
        listed.forEach(a -> response.addAnnotations(toWire(a)));
        return response.build();
    }

    /**
     * A stored status as a status code: the server stores only statuses it knows
     * ({@link AnnotationStatuses}), but a row from before that rule must not make a whole
     * listing fail, so an unknown number reads as ANNOTATION_UNKNOWN_STATUS.
     */
    private static StatusCode knownOrUnknown(int status) {
        StatusCode code = StatusCode.forNumber(status);
        return code == null ? StatusCode.ANNOTATION_UNKNOWN_STATUS : code;
    }

    /** The annotation as the API shows it. */
    public static dev.annotask.proto.api.Annotation toWire(Annotation a) {
        dev.annotask.proto.api.Annotation.Builder wire = dev.annotask.proto.api.Annotation.newBuilder()
                .setId(a.id())
                .setInputId(a.inputId())
                .setData(a.data())
                .setStatus(StatusCodes.status(knownOrUnknown(a.status()), null))
                .setCreatedAt(Timestamps.fromMillis(a.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(a.modifiedAt()))
                .setUserId(a.userId())
                .setWorker(MachineWorkers.wire(a));
        if (a.machine() != null) {
            wire.setModelVersionId(a.machine().modelVersionId());
        }
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
