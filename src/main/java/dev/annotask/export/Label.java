package dev.annotask.export;

import dev.annotask.proto.api.Data;
import java.util.List;

/**
 * One annotation as an export writes it: its data (concepts, or one region with its concepts),
 * who made it, who approved it, its status and times.
 *
 * @param taskId the task it was made in, or empty
 * @param status an ANNOTATION_* status code number
 * @param reviewers the reviewers who approved the labeling it belongs to (empty outside tasks,
 *     and where no reviewer decided)
 */
record Label(String annotationId, String taskId, String labelerId, int status, Data data, long createdAt,
             long modifiedAt, List<String> reviewers) {

    Label withReviewers(List<String> approvedBy) {
        return new Label(annotationId, taskId, labelerId, status, data, createdAt, modifiedAt, List.copyOf(approvedBy));
    }
}
