package dev.annotask.imports;

import dev.annotask.annotation.AnnotationRules;
import dev.annotask.api.ApiException;
import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Image;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.Model;
import dev.annotask.proto.api.ModelVersion;
import dev.annotask.proto.api.Worker;
import com.google.protobuf.Struct;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the format readers add to a plan through: each input and annotation checked as
 * PostInputs and PostAnnotations will check it (so that the writes cannot fail on content),
 * a bad one reported instead of planned, input ids held unique. Not thread-safe.
 */
final class PlanBuilder {
    private final ImportPlan plan;
    private final ImportReport report;
    private final ImportSettings settings;
    private final Set<String> conceptIds = new HashSet<>();
    private final Map<String, String> inputEntries = new HashMap<>();
    private final Runnable tick;
    private long seen;

    PlanBuilder(ImportPlan plan, ImportReport report, ImportSettings settings, Runnable tick) {
        this.plan = plan;
        this.report = report;
        this.settings = settings;
        this.tick = tick;
    }

    ImportSettings settings() {
        return settings;
    }

    void bad(String entry, String message) {
        report.bad(entry, message);
    }

    /** A concept (from a category or a class name); false, reported, when its name makes no id. */
    boolean concept(String entry, String id, String name) {
        if (id == null) {
            report.bad(entry, "the name '" + name + "' has no letter or digit to make a concept id of");
            return false;
        }
        conceptIds.add(id);
        plan.addConcept(Concept.newBuilder().setId(id).setName(name).build());
        return true;
    }

    /**
     * An input, unless another entry took its id (then reported).
     *
     * @param archiveFile the archive file with its bytes, or "" when {@code url} is given
     * @param metadata where it came from in the file, kept in the input's metadata
     */
    boolean input(String entry, String id, String url, String archiveFile, Struct metadata) {
        if (id == null) {
            report.bad(entry, "the file name has no letter or digit to make an input id of");
            return false;
        }
        String earlier = inputEntries.putIfAbsent(id, entry);
        if (earlier != null) {
            report.bad(entry, "its input id '" + id + "' is also that of " + earlier);
            return false;
        }
        Image.Builder image = Image.newBuilder();
        if (!url.isEmpty()) {
            image.setUrl(url);
        }
        plan.addInput(Input.newBuilder().setId(id).setData(Data.newBuilder().setImage(image).setMetadata(metadata))
                .addDatasetIds(settings.datasetId()).build(), archiveFile);
        progress();
        return true;
    }

    boolean hasInput(String id) {
        return inputEntries.containsKey(id);
    }

    /** An annotation of a planned input; reported when PostAnnotations would refuse its data. */
    void annotation(String entry, String inputId, String key, Data data) {
        try {
            AnnotationRules.checkOutsideTask("data", data, conceptIds);
        } catch (ApiException e) {
            report.bad(entry, e.details());
            return;
        }
        Annotation.Builder annotation = Annotation.newBuilder()
                .setId(ImportIds.annotation(inputId, key, settings.modelVersionId()))
                .setInputId(inputId)
                .setData(data);
        if (settings.prelabels()) {
            annotation.setWorker(Worker.newBuilder().setModel(Model.newBuilder().setId(settings.modelId())
                    .setModelVersion(ModelVersion.newBuilder().setId(settings.modelVersionId()))));
        }
        plan.addAnnotation(annotation.build());
        progress();
    }

    private void progress() {
        if (++seen % 2000 == 0) {
            tick.run();
        }
    }
}
