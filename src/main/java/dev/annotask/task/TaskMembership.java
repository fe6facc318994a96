package dev.annotask.task;

import dev.annotask.identity.App;
import dev.annotask.identity.CollaboratorsRemoved;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Takes users who stopped collaborating on an app out of every task of the app, in the
 * removal's transaction: each task naming them is locked, rewritten by {@link TaskRoster} and
 * handed to the labeling workflow, which releases their unfinished work and rebalances it as
 * after PatchTasks overwrite. Closed tasks too: one that completed by itself reopens when
 * inputs join it, and the owner may reopen any, so none may keep naming someone who can no
 * longer reach the app. Thread-safe.
 */
public final class TaskMembership implements CollaboratorsRemoved {
    private final TaskStore tasks;
    private final TaskProgress progress;

    public TaskMembership(TaskStore tasks, TaskProgress progress) {
        this.tasks = tasks;
        this.progress = progress;
    }

    @Override
    public void removed(Handle handle, App app, Set<String> userIds, long now) {
        // In id order, the order every transaction that locks several tasks takes them in.
        for (String taskId : tasks.idsNaming(handle, app.uid(), userIds)) {
            TaskStore.lockMembers(handle, app.uid(), taskId);
            TaskStore.lock(handle, app.uid(), taskId);
            StoredTask current = tasks.find(handle, app.uid(), taskId).orElse(null);
            if (current == null) {
                continue; // deleted meanwhile
            }
            StoredTask changed = new StoredTask(current.appUid(), current.id(),
                    TaskRoster.without(current.spec(), userIds, app.ownerId()), current.status(), current.createdAt(),
                    now, current.partitionByInput());
            tasks.replace(handle, changed, false);
            progress.redefined(handle, changed, now);
        }
    }
}
