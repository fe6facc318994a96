package dev.annotask.task;

import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.input.InputsJoined;
import dev.annotask.search.SearchMembership;
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
 * statements, in their round trip. Inputs that join a saved search a task takes its inputs
 * from ({@link #changed}) reopen its tasks the same way. Thread-safe.
 */
public final class TaskReopening implements InputsJoined {
    private final TaskStore tasks;
    private final Events events;

    private final SearchMembership searches;

    public TaskReopening(TaskStore tasks, Events events, SearchMembership searches) {
        this.tasks = tasks;
        this.events = events;
        this.searches = searches;
    }

    /**
     * Inputs changed: the saved searches tasks take their inputs from are brought up to date
     * on them, and the tasks of those that gained inputs reopen if they had completed by
     * themselves.
     */
    @Override
    public void changed(Handle handle, String appUid, Collection<String> inputIds) {
        reopenGrown(handle, appUid, searches.refresh(handle, appUid, inputIds));
    }

    /** Datasets were deleted: saved searches that name them are re-evaluated, their tasks reopened likewise. */
    @Override
    public void datasetsDeleted(Handle handle, String appUid, Collection<String> datasetIds) {
        reopenGrown(handle, appUid, searches.refreshNaming(handle, appUid, datasetIds));
    }

    private void reopenGrown(Handle handle, String appUid, List<String> grown) {
        if (grown.isEmpty()) {
            return;
        }
        List<String> reopened = tasks.reopenCompletedFromSearches(handle, appUid, grown);
        if (!reopened.isEmpty() && tells(handle, appUid)) {
            tell(handle, appUid, reopened);
        }
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
            tell(handle, appUid, reopened);
        }
    }

    private void tell(Handle handle, String appUid, List<String> reopened) {
        events.emitWithApp(handle, appUid, EventType.TASK_REOPENED, app -> reopened.stream()
                .map(id -> tasks.find(handle, appUid, id)).flatMap(Optional::stream)
                .map(task -> TaskWire.of(app, task)).toList());
    }
}
