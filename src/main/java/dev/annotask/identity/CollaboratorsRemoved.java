package dev.annotask.identity;

import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * What else must change, in the same transaction, when users stop collaborating on an app:
 * the task feature takes them out of the app's tasks (docs/COMPATIBILITY.md, "Removing a
 * collaborator"). Called with the collaborator rows already ended, so a task written
 * concurrently either committed before (and is seen) or finds them gone.
 */
@FunctionalInterface
public interface CollaboratorsRemoved {
    /**
     * @param handle the removal's transaction
     * @param app the app they no longer collaborate on
     * @param userIds the users whose collaboration just ended, never empty
     * @param now the removal's time
     */
    void removed(Handle handle, App app, Set<String> userIds, long now);
}
