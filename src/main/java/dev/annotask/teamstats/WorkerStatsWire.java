package dev.annotask.teamstats;

import com.google.protobuf.util.Timestamps;
import dev.annotask.proto.admin.TaskWorkerStatsResponse;
import dev.annotask.proto.api.User;
import java.util.Arrays;
import java.util.List;

/** GetTaskWorkerStats' answer on the wire (annotask.admin.TaskWorkerStatsResponse). */
final class WorkerStatsWire {
    private WorkerStatsWire() {
    }

    static TaskWorkerStatsResponse of(StatsWindow window, List<WorkerStats> people) {
        TaskWorkerStatsResponse.Builder response = TaskWorkerStatsResponse.newBuilder()
                .setWindowStart(Timestamps.fromMillis(window.start()))
                .setBucketSeconds((int) (window.bucketMillis() / 1000))
                .setBucketCount(window.count());
        for (WorkerStats s : people) {
            response.addWorkersBuilder()
                    .setUser(User.newBuilder().setId(s.userId()))
                    .setRole(s.role().wireName())
                    .setDone(s.done()).setPending(s.pending()).setAwaiting(s.awaiting())
                    .setApproved(s.approved()).setRejected(s.rejected()).setSentBack(s.sentBack())
                    .setAgreement(s.agreement()).setMedianSecondsPerInput(s.medianSecondsPerInput())
                    .addAllPerBucket(Arrays.stream(s.perBucket()).boxed().toList());
        }
        return response.build();
    }
}
