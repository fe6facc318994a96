package dev.annotask.annotation;

import dev.annotask.task.StoredTask;
import java.util.Collection;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * What the labeling workflow (the assign package's LabelingService) tells the annotation RPCs
 * about a labeler's work: given to them when the server is wired, so that annotations do not
 * depend on the workflow that depends on them.
 */
public interface OpenWork {
    /**
     * Those of the inputs on which the worker holds an unfinished assignment of the task, so
     * they may annotate them; those assignments stay unfinished until the caller's transaction
     * ends.
     */
    Set<String> lockOpenAssignments(Handle handle, StoredTask task, Collection<String> inputIds, String workerId);
}
