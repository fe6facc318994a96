package dev.annotask.input;

import dev.annotask.store.SqlBatch;
import java.util.Collection;
import org.jdbi.v3.core.Handle;

/**
 * Told when inputs join an app or its datasets, so that features reading inputs live (tasks
 * that completed by themselves) can react, in the same transaction as the inputs joining: the
 * answer is the statement that reacts, which the caller runs there (an upload sends it with its
 * own statements, in one round trip on PostgreSQL).
 */
@FunctionalInterface
public interface InputsJoined extends InputsChanged {
    SqlBatch.Statement inputsJoined(String appUid, Collection<String> datasetIds);

    /** Inputs changed (created, patched, joined or left a dataset): nothing to do unless overridden. */
    @Override
    default void changed(Handle handle, String appUid, Collection<String> inputIds) {
    }

    /**
     * True when what the reaction changes must be told (someone subscribed to its events): then
     * the caller leaves the statement out and runs {@link #reactAndTell} after the inputs
     * joined, in the same transaction, instead.
     */
    default boolean tells(Handle handle, String appUid) {
        return false;
    }

    /** Reacts to the inputs joining and tells what changed; only when {@link #tells}. */
    default void reactAndTell(Handle handle, String appUid, Collection<String> datasetIds) {
        inputsJoined(appUid, datasetIds).run(handle);
    }

    /** Reacts now, in the handle's transaction, the one way or the other. */
    default void react(Handle handle, String appUid, Collection<String> datasetIds) {
        if (tells(handle, appUid)) {
            reactAndTell(handle, appUid, datasetIds);
        } else {
            inputsJoined(appUid, datasetIds).run(handle);
        }
    }
}
