package dev.annotask.task;

import dev.annotask.proto.api.Task;

/**
 * A task as stored: its normalized definition ({@code spec}: the Task message without id,
 * status, times and metrics, legacy and current forms made consistent) and its state.
 *
 * @param status a TASK_* status code number
 * @param partitionByInput true for a task made before migration V11: a PARTITIONED split of it
 *     goes input by input, as when it started, because its workers' scan positions were made
 *     under that split (docs/ARCHITECTURE.md, "The labeling workflow"); false for every task
 *     made since, whose split goes by bucket
 */
public record StoredTask(String appUid, String id, Task spec, int status, long createdAt, long modifiedAt,
                         boolean partitionByInput) {
    /** A task made now: its split goes by bucket. */
    public StoredTask(String appUid, String id, Task spec, int status, long createdAt, long modifiedAt) {
        this(appUid, id, spec, status, createdAt, modifiedAt, false);
    }
}
