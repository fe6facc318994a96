package dev.annotask.task;

import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.input.InputsJoined;
import dev.annotask.store.SqlBatch;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What tasks do when inputs join their source: those that completed by themselves go back in
 * progress ({@link TaskStore#reopenCompleted}), in the transaction of the inputs joining. While
 * the app has a subscription to task.reopened, the statement answers which tasks it reopened
 * and each gets its event ({@link #reactAndTell}); otherwise it runs with the upload's own
 * statements, in their round trip. Thread-safe.
 */
public final class TaskReopening implements InputsJoined {
    private final TaskStore tasks;
    private final Events events;

    public TaskReopening(TaskStore tasks, Events events) {
        this.tasks = tasks;
        this.events = events;
    }

    @Override
    public SqlBatch.Statement inputsJoined(String appUid, Collection<String> datasetIds) {
        return tasks.reopenCompleted(appUid, datasetIds);
    }

    @Override
    public boolean tells(Handle handle, String appUid) {
        return events.wanted(handle, appUid, EventType.TASK_REOPENED);
    }

    @Override
    public void reactAndTell(Handle handle, String appUid, Collection<String> datasetIds) {
        List<String> reopened = tasks.reopenCompletedIds(handle, appUid, datasetIds);
        if (!reopened.isEmpty()) {
            events.emitWithApp(handle, appUid, EventType.TASK_REOPENED, app -> reopened.stream()
                    .map(id -> tasks.find(handle, appUid, id)).flatMap(Optional::stream)
                    .map(task -> TaskWire.of(app, task)).toList());
        }
    }
}
