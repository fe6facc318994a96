package dev.annotask.annotation;

import dev.annotask.api.ApiException;
import dev.annotask.api.Validation;
import dev.annotask.proto.api.Model;
import dev.annotask.proto.api.ModelVersion;
import dev.annotask.proto.api.Worker;
import dev.annotask.proto.api.status.StatusCode;

/**
 * Machine annotations (pre-labels): what marks one on the wire and the rules it follows
 * (docs/COMPATIBILITY.md, "Pre-labels"). Clarifai's schema marks the maker of an annotation
 * in {@code Annotation.worker}, whose oneof names a user or a model (with its version), and in
 * the older {@code model_version_id}; either marks a pre-label here. A pre-label is a
 * suggestion: made outside tasks, always ANNOTATION_PENDING (never final), and never a
 * labeling, so no progress, count or consensus sees it. Stateless.
 */
final class MachineWorkers {
    private MachineWorkers() {
    }

    /** The model a posted annotation names as its maker, or null when a person made it. */
    static Annotation.Machine of(String field, dev.annotask.proto.api.Annotation wire) {
        Worker worker = wire.getWorker();
        if (worker.hasWorkflow()) {
            throw ApiException.invalid(field + ".worker.workflow: workflow workers are not served; name a model");
        }
        String legacyVersion = wire.getModelVersionId();
        if (!worker.hasModel() && legacyVersion.isEmpty()) {
            return null;
        }
        Model model = worker.getModel();
        String version = !model.getModelVersion().getId().isEmpty() ? model.getModelVersion().getId() : legacyVersion;
        String modelId = model.getId().isEmpty() ? version : model.getId();
        if (modelId.isEmpty()) {
            throw ApiException.invalid(field + ".worker.model.id is required for a model's annotation");
        }
        Validation.requireId(field + ".worker.model.id", modelId);
        String versionId = version.isEmpty() ? modelId : Validation.requireId(field
                + ".worker.model.model_version.id", version);
        if (!wire.getTaskId().isEmpty() || wire.getAnnotationInfo().containsFields("task_id")) {
            throw ApiException.invalid(field + ".task_id: a model's annotation (a pre-label) is made outside tasks;"
                    + " labelers see it in every task over its input");
        }
        return new Annotation.Machine(modelId, versionId);
    }

    /** A pre-label's status: ANNOTATION_PENDING, the default; it is never final. */
    static int statusForPost(String field, dev.annotask.proto.api.Annotation wire) {
        int named = wire.hasStatus() ? wire.getStatus().getCodeValue() : 0;
        if (named != 0 && named != AnnotationStatuses.PENDING) {
            throw refused(field);
        }
        return AnnotationStatuses.PENDING;
    }

    /** Refuses a patch that would make a pre-label final. */
    static void requireStillPending(String field, Annotation current, int status) {
        if (current.machine() != null && status != AnnotationStatuses.PENDING) {
            throw refused(field);
        }
    }

    private static ApiException refused(String field) {
        return new ApiException(StatusCode.ANNOTATION_INVALID_ARGUMENT, field + ".status.code: a model's annotation"
                + " (a pre-label) stays ANNOTATION_PENDING; a labeler accepting it posts an annotation of their own");
    }

    /** The worker as the API shows it: the model and its version for a pre-label, else the user. */
    static Worker wire(Annotation annotation) {
        if (annotation.machine() == null) {
            return Worker.newBuilder().setUser(dev.annotask.proto.api.User.newBuilder().setId(annotation.userId())).build();
        }
        return Worker.newBuilder().setModel(Model.newBuilder().setId(annotation.machine().modelId())
                .setModelVersion(ModelVersion.newBuilder().setId(annotation.machine().modelVersionId()))).build();
    }
}
