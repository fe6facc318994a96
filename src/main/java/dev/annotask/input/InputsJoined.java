package dev.annotask.input;

import java.util.Collection;
import org.jdbi.v3.core.Handle;

/**
 * Told when inputs join an app or its datasets, so that features reading inputs live (tasks
 * that completed by themselves) can react, in the same transaction as the inputs joining.
 */
@FunctionalInterface
public interface InputsJoined {
    void inputsJoined(Handle handle, String appUid, Collection<String> datasetIds);
}
