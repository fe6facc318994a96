package dev.annotask.task;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.concept.ConceptStore;
import dev.annotask.dataset.DatasetStore;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.identity.App;
import dev.annotask.identity.Caller;
import dev.annotask.identity.CollaboratorStore;
import dev.annotask.identity.UserStore;
import dev.annotask.input.InputStore;
import dev.annotask.proto.api.DeleteTasksRequest;
import dev.annotask.proto.api.GetTaskRequest;
import dev.annotask.proto.api.ListTasksRequest;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.PatchTasksRequest;
import dev.annotask.proto.api.PostTasksRequest;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.WorkerIDSet;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.search.SearchMembership;
import dev.annotask.store.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;

/**
 * PostTasks, GetTask, ListTasks, PatchTasks and DeleteTasks. Each request is all or nothing:
 * one invalid task and none is written. A new task is TASK_IN_PROGRESS; the owner may set
 * DONE, WONT_DO, IDLE (paused) or IN_PROGRESS (reopened) with PatchTasks.
 *
 * <p>Writes that name workers and reviewers lock those collaborations first
 * ({@link CollaboratorStore#lockActive}) and check them again, so a task never names someone
 * whose removal committed meanwhile. PatchTasks then locks its tasks in id order and, for
 * {@code overwrite}, rebalances their unfinished work in the same transaction. Thread-safe.
 */
public final class TaskRpcs {
    private static final int MAX_BATCH = 128;
    /**
     * What the owner may set: in progress, paused (TASK_IDLE), closed (TASK_DONE, TASK_WONT_DO).
     * Every status but TASK_IN_PROGRESS hands out no new work (docs/COMPATIBILITY.md, PatchTasks).
     */
    private static final Set<StatusCode> SETTABLE = Set.of(StatusCode.TASK_IN_PROGRESS, StatusCode.TASK_DONE,
            StatusCode.TASK_WONT_DO, StatusCode.TASK_IDLE);

    private final TaskStore tasks;
    private final CollaboratorStore collaborators;
    private final TaskDefinitions definitions;
    private final UserStore users;
    private final Clock clock;
    private final TaskProgress progress;
    private final Events events;

    public TaskRpcs(TaskStore tasks, ConceptStore concepts, DatasetStore datasets, InputStore inputs,
                    CollaboratorStore collaborators, UserStore users, TaskProgress progress, Events events,
                    Clock clock, SearchMembership searches) {
        this.tasks = tasks;
        this.collaborators = collaborators;
        this.definitions = new TaskDefinitions(concepts, datasets, inputs, collaborators, searches);
        this.users = users;
        this.progress = progress;
        this.events = events;
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostTasks", PostTasksRequest.class, this::postTasks);
        registry.reads("GetTask", GetTaskRequest.class, this::getTask);
        registry.reads("ListTasks", ListTasksRequest.class, this::listTasks);
        registry.writes("PatchTasks", PatchTasksRequest.class, this::patchTasks);
        registry.writes("DeleteTasks", DeleteTasksRequest.class, this::deleteTasks);
    }

    MultiTaskResponse postTasks(Handle handle, Caller caller, PostTasksRequest request) {
        Validation.requireBatch("tasks", request.getTasksCount(), MAX_BATCH);
        App app = caller.app();
        Set<String> members = definitions.membersOf(handle, app);
        long now = clock.millis();
        List<StoredTask> created = new ArrayList<>();
        for (int i = 0; i < request.getTasksCount(); i++) {
            Task wire = request.getTasks(i);
            String id = wire.getId().isEmpty() ? Ids.newId() : Validation.requireId("tasks[" + i + "].id", wire.getId());
            Task spec = definitions.normalize(handle, "tasks[" + i + "]", wire, app, members);
            created.add(new StoredTask(app.uid(), id, spec, StatusCode.TASK_IN_PROGRESS.getNumber(), now, now));
        }
        Validation.requireUniqueNewIds("tasks[].id", created.stream().map(StoredTask::id).toList());
        requireStillMembers(handle, app, created.stream().map(StoredTask::spec).toList());
        List<String> taken = tasks.insertAll(handle, created);
        if (!taken.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "task id already exists: " + String.join(", ", taken));
        }
        events.emit(handle, app.uid(), EventType.TASK_CREATED, () -> wires(app, created));
        return respond(handle, app, created, List.of());
    }

    SingleTaskResponse getTask(Handle handle, Caller caller, GetTaskRequest request) {
        StoredTask task = tasks.require(handle, caller.app().uid(), request.getTaskId());
        return SingleTaskResponse.newBuilder()
                .setTask(toWire(handle, caller.app(), task, request.getAdditionalFieldsList()))
                .build();
    }

    MultiTaskResponse listTasks(Handle handle, Caller caller, ListTasksRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        List<String> workerIds = Stream.concat(request.getWorkerUserIdsList().stream(),
                request.getWorkerIdsList().stream().map(WorkerIDSet::getUserId).filter(id -> !id.isEmpty())).toList();
        TaskStore.Filter filter = new TaskStore.Filter(request.getIdsList(), workerIds, request.getReviewUserIdsList(),
                request.getInputSourceTypeValue(), request.getInputSourceIdsList());
        List<StoredTask> listed = tasks.list(handle, caller.app().uid(), filter, page.offset(), page.limit());
        return respond(handle, caller.app(), listed, request.getAdditionalFieldsList());
    }

    /** One task of a PatchTasks request: its new definition (null = keep) and status (null = keep). */
    private record Patch(String id, Task spec, Integer status) {
    }

    MultiTaskResponse patchTasks(Handle handle, Caller caller, PatchTasksRequest request) {
        Validation.requireBatch("tasks", request.getTasksCount(), MAX_BATCH);
        Validation.requireDistinct("tasks[].id", request.getTasksList().stream().map(Task::getId).toList());
        App app = caller.app();
        boolean overwrite = switch (request.getAction()) {
            case "overwrite" -> true;
            case "merge" -> false;
            default -> throw ApiException.invalid("action must be 'overwrite' or 'merge', not '" + request.getAction() + "'");
        };
        Set<String> members = overwrite ? definitions.membersOf(handle, app) : Set.of();
        List<Patch> patches = new ArrayList<>();
        for (int i = 0; i < request.getTasksCount(); i++) {
            Task wire = request.getTasks(i);
            String field = "tasks[" + i + "]";
            tasks.require(handle, app.uid(), wire.getId());
            Integer status = requestedStatus(field, wire, !overwrite);
            Task spec = overwrite ? definitions.normalize(handle, field, wire, app, members) : null;
            patches.add(new Patch(wire.getId(), spec, status));
        }
        long now = clock.millis();
        if (overwrite) {
            requireStillMembers(handle, app, patches.stream().map(Patch::spec).toList());
        }
        // Locked in id order, so two PatchTasks naming the same tasks never wait on each other in a cycle.
        Map<String, StoredTask> current = new HashMap<>();
        for (String id : patches.stream().map(Patch::id).sorted().distinct().toList()) {
            // Its members' rows first: in-flight labeling and review calls of the task end first.
            TaskStore.lockMembers(handle, app.uid(), id);
            tasks.findForUpdate(handle, app.uid(), id).ifPresent(task -> current.put(id, task));
        }
        List<String> missingIds = patches.stream().map(Patch::id).filter(id -> !current.containsKey(id)).toList();
        if (!missingIds.isEmpty()) {
            throw missing(missingIds);
        }
        List<StoredTask> changed = new ArrayList<>();
        Map<EventType, List<StoredTask>> statusChanged = new java.util.EnumMap<>(EventType.class);
        for (Patch patch : patches) {
            StoredTask before = current.get(patch.id());
            StoredTask next = new StoredTask(app.uid(), before.id(),
                    patch.spec() != null ? patch.spec() : before.spec(),
                    patch.status() != null ? patch.status() : before.status(), before.createdAt(), now,
                    before.partitionByInput());
            tasks.replace(handle, next, true);
            if (overwrite) {
                progress.redefined(handle, next, now);
            }
            changed.add(next);
            statusEvent(before.status(), next.status()).ifPresent(type -> statusChanged.computeIfAbsent(type,
                    t -> new ArrayList<>()).add(next));
        }
        events.emit(handle, app.uid(), EventType.TASK_UPDATED, () -> wires(app, changed));
        // As they were written: a rebalance above may have completed a task since (its own event).
        statusChanged.forEach((type, written) -> events.emit(handle, app.uid(), type, () -> wires(app, written)));
        return respond(handle, app, changed, List.of());
    }

    /**
     * Locks the collaborations of everyone these definitions name (the owner needs none) and
     * refuses, as validation does, one that ended since validation read them.
     */
    private void requireStillMembers(Handle handle, App app, List<Task> specs) {
        Set<String> named = new TreeSet<>();
        for (Task spec : specs) {
            named.addAll(spec.getWorker().getUserIdsList());
            named.addAll(spec.getReview().getUserIdsList());
        }
        named.remove(app.ownerId());
        Set<String> gone = collaborators.lockActive(handle, app.uid(), named);
        for (int i = 0; i < specs.size() && !gone.isEmpty(); i++) {
            Task spec = specs.get(i);
            for (String id : spec.getWorker().getUserIdsList()) {
                if (gone.contains(id)) {
                    throw ApiException.invalid("tasks[" + i + "].worker: worker '" + id
                            + "' is neither the app's owner nor a collaborator");
                }
            }
            for (String id : spec.getReview().getUserIdsList()) {
                if (gone.contains(id)) {
                    throw ApiException.invalid("tasks[" + i + "].review: reviewer '" + id
                            + "' is neither the app's owner nor a collaborator");
                }
            }
        }
    }

    /** The status a patch asks for (a merge must ask for one), or null to keep the task's. */
    private static Integer requestedStatus(String field, Task wire, boolean required) {
        if (!wire.hasStatus() || wire.getStatus().getCode() == StatusCode.ZERO) {
            if (required) {
                throw ApiException.invalid(field + ".status.code is required: merge changes only the status");
            }
            return null;
        }
        StatusCode code = wire.getStatus().getCode();
        if (!SETTABLE.contains(code)) {
            throw ApiException.invalid(field + ".status.code must be TASK_IN_PROGRESS, TASK_IDLE, TASK_DONE or TASK_WONT_DO, not "
                    + code);
        }
        return code.getNumber();
    }

    BaseResponse deleteTasks(Handle handle, Caller caller, DeleteTasksRequest request) {
        Validation.requireBatch("ids", request.getIdsCount(), 1000);
        App app = caller.app();
        // Read before they go, and only when someone will be told.
        List<StoredTask> doomed = !events.wanted(handle, app.uid(), EventType.TASK_DELETED) ? List.of()
                : request.getIdsList().stream().distinct().map(id -> tasks.find(handle, app.uid(), id))
                        .flatMap(java.util.Optional::stream).toList();
        List<String> missingIds = tasks.deleteAll(handle, app.uid(), request.getIdsList());
        if (!missingIds.isEmpty()) {
            throw missing(missingIds);
        }
        events.emit(handle, app.uid(), EventType.TASK_DELETED, () -> wires(app, doomed));
        return BaseResponse.getDefaultInstance();
    }

    /** The event a change of status from {@code before} to {@code after} causes, if any. */
    private static java.util.Optional<EventType> statusEvent(int before, int after) {
        int done = StatusCode.TASK_DONE.getNumber();
        if (after == done && before != done) {
            return java.util.Optional.of(EventType.TASK_COMPLETED);
        }
        int open = StatusCode.TASK_IN_PROGRESS.getNumber();
        // Back in progress from done, closed (won't do) or paused (idle): the task hands out work again.
        if (before != open && after == open) {
            return java.util.Optional.of(EventType.TASK_REOPENED);
        }
        return java.util.Optional.empty();
    }

    private static List<Task> wires(App app, List<StoredTask> listed) {
        return listed.stream().map(task -> TaskWire.of(app, task)).toList();
    }

    private static ApiException missing(Collection<String> ids) {
        return new ApiException(StatusCode.TASK_MISSING, "task not found: " + String.join(", ", ids));
    }

    private MultiTaskResponse respond(Handle handle, App app, List<StoredTask> listed, List<String> additionalFields) {
        MultiTaskResponse.Builder response = MultiTaskResponse.newBuilder();
        listed.forEach(task -> response.addTasks(toWire(handle, app, task, additionalFields)));
        return response.build();
    }

    private Task toWire(Handle handle, App app, StoredTask task, List<String> additionalFields) {
        Task.Builder wire = TaskWire.of(app, task).toBuilder();
        boolean all = additionalFields.contains("all");
        if (all || additionalFields.stream().anyMatch(f -> f.startsWith("metrics"))) {
            wire.setMetrics(progress.metrics(handle, task));
        }
        if (all || additionalFields.contains("worker.users")) {
            wire.getWorkerBuilder().clearUsers().addAllUsers(fullUsers(handle, task.spec().getWorker().getUserIdsList()));
        }
        if (all || additionalFields.contains("review.users")) {
            wire.getReviewBuilder().clearUsers().addAllUsers(fullUsers(handle, task.spec().getReview().getUserIdsList()));
        }
        return wire.build();
    }

    private List<User> fullUsers(Handle handle, List<String> ids) {
        List<User> full = new ArrayList<>();
        for (String id : ids) {
            full.add(users.find(handle, id).map(u -> User.newBuilder().setId(u.id()).setFirstName(u.firstName())
                            .setLastName(u.lastName()).setCompanyName(u.companyName())
                            .setCreatedAt(Timestamps.fromMillis(u.createdAt())).build())
                    .orElse(User.newBuilder().setId(id).build()));
        }
        return full;
    }
}
