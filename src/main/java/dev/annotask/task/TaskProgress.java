package dev.annotask.task;

import dev.annotask.proto.api.TaskMetrics;

/**
 * What the labeling workflow tells the task feature: a task's progress metrics, and that a
 * task was redefined (PatchTasks overwrite), so unfinished work can follow the new definition.
 */
public interface TaskProgress {
    TaskMetrics metrics(StoredTask task);

    void redefined(StoredTask task);
}
