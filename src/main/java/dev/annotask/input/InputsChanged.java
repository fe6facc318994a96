package dev.annotask.input;

import java.util.Collection;
import org.jdbi.v3.core.Handle;

/**
 * Told, in the transaction of the change, of inputs whose data, annotations or dataset
 * membership changed: whatever keeps a derived set of inputs (the inputs of saved searches
 * that tasks take their inputs from) re-evaluates them there. Called after the change.
 */
@FunctionalInterface
public interface InputsChanged {
    InputsChanged NONE = (handle, appUid, inputIds) -> {
    };

    void changed(Handle handle, String appUid, Collection<String> inputIds);

    /**
     * These datasets were deleted in the handle's transaction, with every membership in them:
     * each of their inputs changed, but they are not listed (a dataset may hold millions), so
     * what depends on dataset membership re-evaluates itself whole. Nothing by default.
     */
    default void datasetsDeleted(Handle handle, String appUid, Collection<String> datasetIds) {
    }
}
