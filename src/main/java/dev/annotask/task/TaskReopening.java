package dev.annotask.task;

import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.input.InputsJoined;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What tasks do when inputs join their source: those that completed by themselves go back in
 * progress ({@link TaskStore#reopenCompleted}), each with a {@code task.reopened} event, in the
 * transaction of the inputs joining. Thread-safe.
 */
public final class TaskReopening implements InputsJoined {
    private final TaskStore tasks;
    private final Events events;

    public TaskReopening(TaskStore tasks, Events events) {
        this.tasks = tasks;
        this.events = events;
    }

    @Override
    public void inputsJoined(Handle handle, String appUid, Collection<String> datasetIds) {
        List<String> reopened = tasks.reopenCompleted(handle, appUid, datasetIds);
        if (!reopened.isEmpty()) {
            events.emitWithApp(handle, appUid, EventType.TASK_REOPENED, app -> reopened.stream()
                    .map(id -> tasks.find(handle, appUid, id)).flatMap(Optional::stream)
                    .map(task -> TaskWire.of(app, task)).toList());
        }
    }
}
