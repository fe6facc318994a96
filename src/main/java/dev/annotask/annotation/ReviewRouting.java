package dev.annotask.annotation;

import dev.annotask.task.StoredTask;
import org.jdbi.v3.core.Handle;

/**
 * What the review workflow (the assign package's ReviewService) tells the annotation RPCs about
 * who may correct whose work: given to them when the server is wired, so that annotations do
 * not depend on the workflow that depends on them.
 */
public interface ReviewRouting {
    /** True when the reviewer holds, without a verdict yet, the review of the worker's work on the input. */
    boolean isReviewing(Handle handle, StoredTask task, String inputId, String workerId, String reviewerId);
}
