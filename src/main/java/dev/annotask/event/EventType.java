package dev.annotask.event;

import java.util.Arrays;
import java.util.Optional;

/**
 * The events an app's changes write (docs/COMPATIBILITY.md, "Annotask extensions: webhooks"),
 * by their wire names. Each names the change and the resource its data holds.
 */
public enum EventType {
    /** PostTasks; data: the Task. */
    TASK_CREATED("task.created"),
    /** PatchTasks (either action); data: the Task as it now is. */
    TASK_UPDATED("task.updated"),
    /** The task became TASK_DONE: its last input settled, or PatchTasks set it; data: the Task. */
    TASK_COMPLETED("task.completed"),
    /** A done, closed or paused task back in progress: inputs joined its source, or PatchTasks set it; data: the Task. */
    TASK_REOPENED("task.reopened"),
    /** DeleteTasks; data: the Task as it was. */
    TASK_DELETED("task.deleted"),
    /** LABEL_SUBMIT turned a labeling in; data: a LabelingEvent with its assignment (status after the submission). */
    ASSIGNMENT_SUBMITTED("assignment.submitted"),
    /** A reviewer's approval made a labeling final (or a redefined task's reviewers had all approved); data: a LabelingEvent. */
    LABELING_APPROVED("labeling.approved"),
    /** A reviewer sent a labeling back to its labeler; data: a LabelingEvent. */
    LABELING_CHANGES_REQUESTED("labeling.changes_requested"),
    /** A reviewer rejected a labeling; data: a LabelingEvent. */
    LABELING_REJECTED("labeling.rejected"),
    /** Enough labelers of a CONSENSUS task agreed on an input; data: a LabelingEvent with every labeling judged. */
    LABELING_CONSENSUS_REACHED("labeling.consensus_reached"),
    /** PostInputs; data: the Input. */
    INPUT_CREATED("input.created"),
    /** PostAnnotations; data: the Annotation. */
    ANNOTATION_CREATED("annotation.created"),
    /** PatchAnnotations; data: the Annotation as it now is. */
    ANNOTATION_UPDATED("annotation.updated"),
    /** DeleteAnnotation(s); data: the Annotation as it was. */
    ANNOTATION_DELETED("annotation.deleted"),
    /** An export finished building and can be downloaded; data: the annotask.exports Export, with its url. */
    EXPORT_READY("export.ready");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> ofWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }
}
