package dev.annotask.annotation;

import dev.annotask.api.ApiException;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import org.jdbi.v3.core.Handle;

/**
 * Who may change or delete an annotation now (docs/ARCHITECTURE.md, "The labeling workflow").
 * Outside tasks: its author and the app's owner. In a task, its labeler only while the work is
 * open (ANNOTATION_PENDING: before LABEL_SUBMIT, or after a reviewer requested changes); turned
 * in, it is frozen for them (TASK_PERMISSION_DENIED) and may be changed only by the reviewer
 * holding its review, until the verdict (not deleted), and by the app's owner, who may change
 * even approved and rejected work. Every change to turned-in work is recorded.
 *
 * <p>Decided on the annotation as locked in the writing transaction
 * ({@link AnnotationStore#findForChange}), so no LABEL_SUBMIT or verdict can come between the
 * decision and the write. Thread-safe.
 */
final class AnnotationAccess {
    private final ReviewRouting reviews;

    AnnotationAccess(ReviewRouting reviews) {
        this.reviews = reviews;
    }

    /**
     * Refuses a patch the caller may not make; returns true when the change must be recorded.
     *
     * @param task the annotation's task, or null outside tasks (or when the task was deleted)
     */
    boolean requireMayPatch(Handle handle, Caller caller, StoredTask task, Annotation annotation) {
        if (caller.ownsApp() || annotation.userId().equals(caller.userId())) {
            return requireMayDelete(caller, annotation);
        }
        if (task != null && task.spec().getReview().getUserIdsList().contains(caller.userId())
                && reviews.isReviewing(handle, task, annotation.inputId(), annotation.userId(), caller.userId())) {
            return true;
        }
        throw notYours(annotation);
    }

    /** Refuses a deletion the caller may not make; returns true when it must be recorded. */
    boolean requireMayDelete(Caller caller, Annotation annotation) {
        boolean turnedIn = !annotation.taskId().isEmpty() && annotation.status() != AnnotationStatuses.PENDING;
        if (caller.ownsApp()) {
            return turnedIn;
        }
        if (!annotation.userId().equals(caller.userId())) {
            throw notYours(annotation);
        }
        if (turnedIn) {
            throw frozen(annotation);
        }
        return false;
    }

    private static ApiException frozen(Annotation annotation) {
        int status = annotation.status();
        boolean decided = status == AnnotationStatuses.SUCCESS
                || status == StatusCode.ANNOTATION_REVIEW_DENIED.getNumber();
        return new ApiException(StatusCode.TASK_PERMISSION_DENIED, "annotation '" + annotation.id() + "' was turned in"
                + " (status " + AnnotationStatuses.name(status) + "): " + (decided
                ? "its review is decided, so only the app's owner may change it"
                : "its labeler may change it again only if a reviewer requests changes"));
    }

    private static ApiException notYours(Annotation annotation) {
        return new ApiException(StatusCode.ANNOTATION_PERMISSION_DENIED, "annotation '" + annotation.id()
                + "' belongs to another user");
    }
}
