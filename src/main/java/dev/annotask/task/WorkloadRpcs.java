package dev.annotask.task;

import dev.annotask.api.ApiException;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.proto.admin.ListWorkloadsRequest;
import dev.annotask.proto.admin.MultiWorkloadResponse;
import dev.annotask.proto.admin.Workload;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.status.StatusCode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * ListWorkloads: for each user asked about, the app's tasks that name them and the inputs they
 * hold without having turned them in. The owner reads it to pick labelers with room (the task
 * form) and to see what removing a collaborator releases (DeleteCollaborators releases exactly
 * those open assignments, docs/COMPATIBILITY.md, "Removing a collaborator"). Owner only, as
 * ListAppKeys: a collaborator's {@code All} does not cover the team. Thread-safe.
 */
public final class WorkloadRpcs {
    private static final int MAX_USERS = 128;

    private final WorkloadStore workloads = new WorkloadStore();

    public void register(RpcRegistry registry) {
        registry.reads("ListWorkloads", ListWorkloadsRequest.class, this::listWorkloads);
    }

    MultiWorkloadResponse listWorkloads(Handle handle, Caller caller, ListWorkloadsRequest request) {
        if (!caller.ownsApp()) {
            throw new ApiException(StatusCode.CONN_INSUFFICIENT_SCOPES, "only the app's owner may read its workloads");
        }
        Validation.requireBatch("user_ids", request.getUserIdsCount(), MAX_USERS);
        Set<String> userIds = new LinkedHashSet<>();
        for (int i = 0; i < request.getUserIdsCount(); i++) {
            userIds.add(Validation.requireId("user_ids[" + i + "]", request.getUserIds(i)));
        }
        String appUid = caller.app().uid();
        Map<String, Integer> tasks = workloads.taskCounts(handle, appUid, userIds);
        Map<String, Integer> open = workloads.openAssignments(handle, appUid, userIds);
        List<Workload> answer = userIds.stream().map(id -> Workload.newBuilder()
                .setUser(User.newBuilder().setId(id))
                .setOpenAssignments(open.getOrDefault(id, 0))
                .setTaskCount(tasks.getOrDefault(id, 0))
                .build()).toList();
        return MultiWorkloadResponse.newBuilder().addAllWorkloads(answer).build();
    }
}
