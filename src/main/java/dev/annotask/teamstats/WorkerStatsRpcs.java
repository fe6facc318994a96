package dev.annotask.teamstats;

import dev.annotask.api.ApiException;
import dev.annotask.api.RpcRegistry;
import dev.annotask.identity.Caller;
import dev.annotask.proto.admin.GetTaskWorkerStatsRequest;
import dev.annotask.proto.admin.TaskWorkerStatsResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import dev.annotask.teamstats.WorkerStats.Role;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * GetTaskWorkerStats: the task page's per-labeler and per-reviewer progress, agreement and
 * throughput (docs/COMPATIBILITY.md, "Annotask extensions"). The app's owner (or the admin)
 * only, as ListWorkloads: it compares the team's members, which a collaborator's {@code All}
 * does not cover. Everyone the task names gets a row, zeros when they have done nothing; people
 * no longer named keep theirs while their work is in the task. Thread-safe.
 */
public final class WorkerStatsRpcs {
    private final TaskStore tasks;
    private final Clock clock;
    private final WorkerStatsStore store = new WorkerStatsStore();

    public WorkerStatsRpcs(TaskStore tasks, Clock clock) {
        this.tasks = tasks;
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.reads("GetTaskWorkerStats", GetTaskWorkerStatsRequest.class, this::getTaskWorkerStats);
    }

    TaskWorkerStatsResponse getTaskWorkerStats(Handle handle, Caller caller, GetTaskWorkerStatsRequest request) {
        if (!caller.ownsApp() && !caller.isAdmin()) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES,
                    "only the app's owner may read the statistics of its labelers and reviewers");
        }
        StatsWindow window = StatsWindow.of(request.getWindowHours(), clock.millis());
        StoredTask task = tasks.require(handle, caller.app().uid(), request.getTaskId());
        Map<Role, Map<String, WorkerStats>> read = store.read(handle, task.appUid(), task.id(), window);
        List<WorkerStats> people = new ArrayList<>();
        people.addAll(withNamed(read.get(Role.LABELER), Role.LABELER, task.spec().getWorker().getUserIdsList(), window));
        people.addAll(withNamed(read.get(Role.REVIEWER), Role.REVIEWER, task.spec().getReview().getUserIdsList(), window));
        return WorkerStatsWire.of(window, people);
    }

    /** The people with work, and those the task names without any yet (all zeros), in user-id order. */
    private static List<WorkerStats> withNamed(Map<String, WorkerStats> worked, Role role, List<String> named,
                                               StatsWindow window) {
        Map<String, WorkerStats> all = new TreeMap<>(worked);
        for (String id : named) {
            all.computeIfAbsent(id, k -> new WorkerStats(k, role, 0, 0, 0, 0, 0, 0, -1, -1, new long[window.count()]));
        }
        return List.copyOf(all.values());
    }
}
