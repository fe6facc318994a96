package dev.annotask.task;

import dev.annotask.proto.api.Task;

/**
 * A task as stored: its normalized definition ({@code spec}: the Task message without id,
 * status, times and metrics, legacy and current forms made consistent) and its state.
 *
 * @param status a TASK_* status code number
 */
public record StoredTask(String appUid, String id, Task spec, int status, long createdAt, long modifiedAt) {
}
