package dev.annotask.imports;

import com.google.gson.JsonParser;
import dev.annotask.annotation.AnnotationStore;
import dev.annotask.input.Input;
import dev.annotask.input.InputStore;
import dev.annotask.proto.api.Data;
import dev.annotask.store.Json;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The last check before writing: what the plan would write that the app has already. An input
 * or annotation with the same id and the same content (the same URL or byte size; the same
 * input, data and maker) is left as it is: that is a re-import, and it changes nothing. The
 * same id with other content is a bad entry, reported like one in the file. Reads only, in
 * batches of {@link #BATCH}. Not thread-safe.
 */
final class ExistingCheck {
    private static final int BATCH = 500;

    private final ApiCalls calls;
    private final String appUid;
    private final InputStore inputs = new InputStore();
    private final AnnotationStore annotations = new AnnotationStore();

    /** Which inputs and annotations, by their place in the plan, are there already. */
    record Unchanged(BitSet inputs, BitSet annotations) {
    }

    ExistingCheck(ApiCalls calls, String appUid) {
        this.calls = calls;
        this.appUid = appUid;
    }

    Unchanged check(ImportPlan plan, ImportArchive archive, ImportReport report) {
        BitSet sameInputs = new BitSet();
        try (ImportPlan.Spool<ImportPlan.PlannedInput> spool = plan.inputs()) {
            for (int at = 0; spool.hasNext(); ) {
                List<ImportPlan.PlannedInput> batch = spool.take(BATCH);
                Map<String, Input> found = calls.read(h -> inputs.findAll(h, appUid,
                        batch.stream().map(p -> p.input().getId()).toList()));
                for (ImportPlan.PlannedInput planned : batch) {
                    Input existing = found.get(planned.input().getId());
                    if (existing != null) {
                        if (sameInput(planned, existing, archive)) {
                            sameInputs.set(at);
                        } else {
                            report.bad("input '" + existing.id() + "'", "the app has an input with this id and other"
                                    + " content (another URL or size); delete it or import with other ids");
                        }
                    }
                    at++;
                }
            }
        }
        BitSet sameAnnotations = new BitSet();
        try (ImportPlan.Spool<dev.annotask.proto.api.Annotation> spool = plan.annotations()) {
            for (int at = 0; spool.hasNext(); ) {
                List<dev.annotask.proto.api.Annotation> batch = spool.take(BATCH);
                Map<String, AnnotationStore.StoredRow> found = calls.read(h -> annotations.findStored(h, appUid,
                        batch.stream().map(dev.annotask.proto.api.Annotation::getId).toList()));
                for (dev.annotask.proto.api.Annotation planned : batch) {
                    AnnotationStore.StoredRow existing = found.get(planned.getId());
                    if (existing != null) {
                        if (sameAnnotation(planned, existing)) {
                            sameAnnotations.set(at);
                        } else {
                            report.bad("annotation '" + existing.id() + "'", "the app has an annotation with this id"
                                    + " on another input or with other data or maker");
                        }
                    }
                    at++;
                }
            }
        }
        return new Unchanged(sameInputs, sameAnnotations);
    }

    private static boolean sameInput(ImportPlan.PlannedInput planned, Input existing, ImportArchive archive) {
        if (planned.archiveFile().isEmpty()) {
            Data stored = Json.read(existing.dataJson(), Data.newBuilder()).build();
            return stored.getImage().getUrl().equals(planned.input().getData().getImage().getUrl());
        }
        return existing.byteSize() == archive.declaredSize(planned.archiveFile());
    }

    private static boolean sameAnnotation(dev.annotask.proto.api.Annotation planned, AnnotationStore.StoredRow existing) {
        String plannedVersion = planned.getWorker().getModel().getModelVersion().getId();
        return existing.inputId().equals(planned.getInputId()) && existing.modelVersionId().equals(plannedVersion)
                && existing.taskId().isEmpty() && sameJson(existing.dataJson(), Json.write(planned.getData()));
    }

    /**
     * SQLite keeps the text Json.write printed, so equal data is equal text; PostgreSQL's JSONB
     * prints it back in its own key order and spacing, so then the two are compared as JSON trees
     * (Gson's, far cheaper than parsing into messages).
     */
    private static boolean sameJson(String stored, String planned) {
        return stored.equals(planned) || JsonParser.parseString(stored).equals(JsonParser.parseString(planned));
    }
}
