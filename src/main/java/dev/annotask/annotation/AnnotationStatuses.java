package dev.annotask.annotation;

import dev.annotask.api.ApiException;
import dev.annotask.proto.api.status.StatusCode;

/**
 * The status an annotation gets when a request names one (docs/ARCHITECTURE.md, "The labeling
 * workflow"). In a task the workflow sets it, so a request may name only the status the
 * annotation has, or gets, anyway. Outside tasks a client may mark an annotation final
 * (ANNOTATION_SUCCESS, the default) or pending (ANNOTATION_PENDING: labels someone should check
 * later); workflow states such as ANNOTATION_AWAITING_REVIEW mean nothing there. Anything else,
 * an unknown number above all, is refused with CONN_INVALID_REQUEST before anything is written:
 * a status the server does not know must never reach the database. Stateless.
 */
final class AnnotationStatuses {
    static final int SUCCESS = StatusCode.ANNOTATION_SUCCESS.getNumber();
    static final int PENDING = StatusCode.ANNOTATION_PENDING.getNumber();

    private AnnotationStatuses() {
    }

    /** The status of a new annotation: PENDING in a task, else the one named, SUCCESS by default. */
    static int forPost(String field, dev.annotask.proto.api.Annotation wire, boolean inTask) {
        int named = named(wire);
        int given = inTask ? PENDING : SUCCESS;
        if (named == 0 || named == given || !inTask && named == PENDING) {
            return named == 0 ? given : named;
        }
        throw refused(field, named, inTask
                ? "the task's workflow sets the status of its annotations (a new one is ANNOTATION_PENDING)"
                : "outside tasks an annotation is ANNOTATION_SUCCESS or ANNOTATION_PENDING");
    }

    /** The status after a patch: unchanged unless named, and only outside tasks may it change. */
    static int forPatch(String field, dev.annotask.proto.api.Annotation wire, Annotation current) {
        int named = named(wire);
        if (named == 0 || named == current.status()) {
            return current.status();
        }
        if (current.taskId().isEmpty() && (named == SUCCESS || named == PENDING)) {
            return named;
        }
        throw refused(field, named, current.taskId().isEmpty()
                ? "outside tasks an annotation is ANNOTATION_SUCCESS or ANNOTATION_PENDING"
                : "the task's workflow sets the status of its annotations (PutTaskAssignments);"
                        + " this one is " + name(current.status()));
    }

    /** The status's name, or its number when the server does not know it. */
    static String name(int status) {
        StatusCode code = StatusCode.forNumber(status);
        return code == null ? String.valueOf(status) : code.name();
    }

    private static int named(dev.annotask.proto.api.Annotation wire) {
        return wire.hasStatus() ? wire.getStatus().getCodeValue() : 0;
    }

    private static ApiException refused(String field, int named, String why) {
        return ApiException.invalid(field + ".status.code: " + name(named) + " cannot be set here: " + why);
    }
}
