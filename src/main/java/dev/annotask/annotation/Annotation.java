package dev.annotask.annotation;

import dev.annotask.proto.api.Data;

/**
 * A label on an input: concepts, or one region with its concepts.
 *
 * @param taskId the task it was made in, or empty outside tasks (kept when the task is deleted)
 * @param status an ANNOTATION_* status code number
 * @param consensusInfoJson what consensus decided about it, as a JSON object, or null
 */
public record Annotation(String appUid, String id, String inputId, String taskId, String userId, Data data,
                         int status, String consensusInfoJson, long createdAt, long modifiedAt) {
}
