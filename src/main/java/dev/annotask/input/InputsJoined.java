package dev.annotask.input;

import dev.annotask.store.SqlBatch;
import java.util.Collection;

/**
 * Told when inputs join an app or its datasets, so that features reading inputs live (tasks
 * that completed by themselves) can react, in the same transaction as the inputs joining: the
 * answer is the statement that reacts, which the caller runs there (an upload sends it with its
 * own statements, in one round trip on PostgreSQL).
 */
@FunctionalInterface
public interface InputsJoined {
    SqlBatch.Statement inputsJoined(String appUid, Collection<String> datasetIds);
}
