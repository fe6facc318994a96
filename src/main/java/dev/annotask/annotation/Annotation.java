package dev.annotask.annotation;

import dev.annotask.proto.api.Data;

/**
 * A label on an input: concepts, or one region with its concepts.
 *
 * @param taskId the task it was made in, or empty outside tasks (kept when the task is deleted)
 * @param status an ANNOTATION_* status code number
 * @param consensusInfoJson what consensus decided about it, as a JSON object, or null
 * @param machine the model that made it when it is a pre-label, or null when a person made it
 */
public record Annotation(String appUid, String id, String inputId, String taskId, String userId, Data data,
                         int status, String consensusInfoJson, long createdAt, long modifiedAt, Machine machine) {

    /** A person's annotation. */
    public Annotation(String appUid, String id, String inputId, String taskId, String userId, Data data, int status,
                      String consensusInfoJson, long createdAt, long modifiedAt) {
        this(appUid, id, inputId, taskId, userId, data, status, consensusInfoJson, createdAt, modifiedAt, null);
    }

    /**
     * The worker of a machine annotation (a pre-label): the model and the version of it that
     * made it, as {@code Annotation.worker.model} shows them (docs/COMPATIBILITY.md, "Pre-labels").
     */
    public record Machine(String modelId, String modelVersionId) {
    }
}
