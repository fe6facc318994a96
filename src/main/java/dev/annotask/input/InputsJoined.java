package dev.annotask.input;

import java.util.Collection;

/**
 * Told when inputs join an app or its datasets, so that features reading inputs live (tasks
 * that completed by themselves) can react. Called after the inputs are committed.
 */
@FunctionalInterface
public interface InputsJoined {
    void inputsJoined(String appUid, Collection<String> datasetIds);
}
