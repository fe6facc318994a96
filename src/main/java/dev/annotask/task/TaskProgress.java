package dev.annotask.task;

import dev.annotask.proto.api.TaskMetrics;
import org.jdbi.v3.core.Handle;

/**
 * What the labeling workflow tells the task feature: a task's progress metrics, and that a
 * task was redefined (PatchTasks overwrite, a collaborator's removal), so unfinished work can
 * follow the new definition.
 */
public interface TaskProgress {
    TaskMetrics metrics(Handle handle, StoredTask task);

    /**
     * Brings the task's unfinished work in line with its new definition, in the caller's
     * transaction (the one that stored the definition, with the task's row locked), so the new
     * definition and the work it implies commit together or not at all.
     */
    void redefined(Handle handle, StoredTask task, long now);
}
