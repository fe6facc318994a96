package dev.annotask.imports;

import com.google.protobuf.ByteString;
import dev.annotask.annotation.AnnotationStore;
import dev.annotask.concept.ConceptStore;
import dev.annotask.identity.Caller;
import dev.annotask.input.DatasetMembers;
import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Dataset;
import dev.annotask.proto.api.DatasetInput;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.InputIDConflictResolution;
import dev.annotask.proto.api.PostAnnotationsRequest;
import dev.annotask.proto.api.PostConceptsRequest;
import dev.annotask.proto.api.PostDatasetInputsRequest;
import dev.annotask.proto.api.PostDatasetsRequest;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.imports.ImportProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Writes a checked plan (docs/ARCHITECTURE.md, "Imports and pre-labels"): first the new
 * concepts and the dataset, in one unit; then the inputs, in PostInputs batches of 128; then the
 * annotations, in PostAnnotations batches of 128. Up to {@link #BATCHES_PER_UNIT} batches (and
 * {@link #MAX_UNIT_BYTES} of image bytes) run in one transaction with the import's progress, so
 * the count never runs ahead of what is stored. Batches are prepared on the import's thread while
 * the previous one is written ({@link WritePipeline}), one write in flight, in order. What the app had already ({@link ExistingCheck}) is skipped,
 * and each batch skips again what a run of this import that died before it had written, so a
 * resumed import finishes without a duplicate. Not thread-safe.
 */
final class ImportWriter {
    static final int BATCH = 128;
    /** Request-sized batches per transaction: fewer commits and progress writes, the writer held ~0.1 s. */
    static final int BATCHES_PER_UNIT = 4;
    static final long MAX_UNIT_BYTES = 16L << 20;

    private final ApiCalls calls;
    private final Caller caller;
    private final ImportSettings settings;
    private final Progress progress;
    private final AnnotationStore annotations = new AnnotationStore();

    /** Records progress in a batch's transaction; false when this node lost the import's lease. */
    @FunctionalInterface
    interface Progress {
        boolean record(Handle handle, ImportProgress progress);
    }

    /** This node no longer holds the import: another runs it. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super("the import's lease was lost", null, false, false);
        }
    }

    ImportWriter(ApiCalls calls, Caller caller, ImportSettings settings, Progress progress) {
        this.calls = calls;
        this.caller = caller;
        this.settings = settings;
        this.progress = progress;
    }

    ImportProgress write(ImportPlan plan, ImportArchive archive, ExistingCheck.Unchanged unchanged,
                         ImportProgress.Builder counts) {
        String appUid = caller.app().uid();
        List<Concept> concepts = plan.concepts();
        Set<String> knownConcepts = calls.read(h -> ConceptStore.existing(h, appUid,
                concepts.stream().map(Concept::getId).toList()));
        boolean datasetKnown = !calls.read(h -> DatasetMembers.existingDatasets(h, appUid, List.of(settings.datasetId()))).isEmpty();
        List<Concept> newConcepts = concepts.stream().filter(c -> !knownConcepts.contains(c.getId())).toList();
        ImportProgress start = counts.build();
        calls.write(handle -> {
            if (!newConcepts.isEmpty()) {
                for (int from = 0; from < newConcepts.size(); from += BATCH) {
                    calls.prepare("PostConcepts", caller, PostConceptsRequest.newBuilder().addAllConcepts(
                            newConcepts.subList(from, Math.min(newConcepts.size(), from + BATCH))).build()).run(handle);
                }
            }
            if (!datasetKnown) {
                calls.prepare("PostDatasets", caller, PostDatasetsRequest.newBuilder()
                        .addDatasets(Dataset.newBuilder().setId(settings.datasetId())).build()).run(handle);
            }
            return record(handle, start);
        });
        // counts follows what has committed; ahead, what has been handed to the pipeline.
        ImportProgress.Builder ahead = counts.clone();
        try (WritePipeline pipeline = new WritePipeline(counts)) {
            writeInputs(plan, archive, unchanged, ahead, pipeline);
            writeAnnotations(plan, unchanged, ahead, pipeline);
            pipeline.drain();
        }
        return counts.build();
    }

    private void writeInputs(ImportPlan plan, ImportArchive archive, ExistingCheck.Unchanged unchanged,
                             ImportProgress.Builder ahead, WritePipeline pipeline) {
        List<String> alreadyThere = new ArrayList<>();
        try (ImportPlan.Spool<ImportPlan.PlannedInput> spool = plan.inputs()) {
            List<Input> batch = new ArrayList<>();
            long bytes = 0;
            for (int at = 0; spool.hasNext(); at++) {
                ImportPlan.PlannedInput planned = spool.next();
                if (unchanged.inputs().get(at)) {
                    alreadyThere.add(planned.input().getId());
                    continue;
                }
                Input input = planned.input();
                if (!planned.archiveFile().isEmpty()) {
                    byte[] content = archive.read(planned.archiveFile());
                    bytes += content.length;
                    input = input.toBuilder().setData(input.getData().toBuilder().setImage(input.getData().getImage()
                            .toBuilder().setBase64(ByteString.copyFrom(content)))).build();
                }
                batch.add(input);
                if (batch.size() == BATCH * BATCHES_PER_UNIT || bytes >= MAX_UNIT_BYTES) {
                    postInputs(batch, ahead, pipeline);
                    batch = new ArrayList<>();
                    bytes = 0;
                }
            }
            if (!batch.isEmpty()) {
                postInputs(batch, ahead, pipeline);
            }
        }
        // Inputs there already join the dataset too (a re-import into another dataset); a member stays one.
        for (int from = 0; from < alreadyThere.size(); from += 1000) {
            List<String> ids = alreadyThere.subList(from, Math.min(alreadyThere.size(), from + 1000));
            Set<String> members = calls.read(h -> ImportStore.members(h, caller.app().uid(), settings.datasetId(), ids));
            PostDatasetInputsRequest.Builder request = PostDatasetInputsRequest.newBuilder().setDatasetId(settings.datasetId());
            ids.stream().filter(id -> !members.contains(id)).forEach(id ->
                    request.addDatasetInputs(DatasetInput.newBuilder().setInput(Input.newBuilder().setId(id))));
            ApiCalls.Step step = request.getDatasetInputsCount() == 0 ? handle -> null
                    : calls.prepare("PostDatasetInputs", caller, request.build());
            ImportProgress next = ahead.build().toBuilder().setInputsDone(ahead.getInputsDone() + ids.size())
                    .setInputsUnchanged(ahead.getInputsUnchanged() + ids.size()).build();
            ahead.mergeFrom(next);
            pipeline.submit(() -> calls.write(handle -> {
                step.run(handle);
                return record(handle, next);
            }));
        }
    }

    /** Prepares the batch's PostInputs (bytes' headers read, requests checked) here, and writes it in the pipeline. */
    private void postInputs(List<Input> batch, ImportProgress.Builder ahead, WritePipeline pipeline) {
        // SKIP: an input a dead run of this import stored already is left as it is.
        List<ApiCalls.Step> steps = new ArrayList<>();
        for (int from = 0; from < batch.size(); from += BATCH) {
            steps.add(calls.prepare("PostInputs", caller, PostInputsRequest.newBuilder()
                    .addAllInputs(batch.subList(from, Math.min(batch.size(), from + BATCH)))
                    .setInputIdConflictResolution(InputIDConflictResolution.SKIP).build()));
        }
        ImportProgress next = ahead.build().toBuilder().setInputsDone(ahead.getInputsDone() + batch.size()).build();
        ahead.mergeFrom(next);
        pipeline.submit(() -> calls.write(handle -> {
            steps.forEach(step -> step.run(handle));
            return record(handle, next);
        }));
    }

    private void writeAnnotations(ImportPlan plan, ExistingCheck.Unchanged unchanged, ImportProgress.Builder ahead,
                                  WritePipeline pipeline) {
        try (ImportPlan.Spool<Annotation> spool = plan.annotations()) {
            List<Annotation> batch = new ArrayList<>();
            int same = 0;
            for (int at = 0; spool.hasNext(); at++) {
                Annotation next = spool.next();
                if (unchanged.annotations().get(at)) {
                    same++;
                } else {
                    batch.add(next);
                }
                if (batch.size() == BATCH * BATCHES_PER_UNIT || !spool.hasNext() || same == BATCH * 8) {
                    postAnnotations(batch, same, ahead, pipeline);
                    batch = new ArrayList<>();
                    same = 0;
                }
            }
        }
    }

    private void postAnnotations(List<Annotation> batch, int same, ImportProgress.Builder ahead, WritePipeline pipeline) {
        String appUid = caller.app().uid();
        ImportProgress next = ahead.build().toBuilder()
                .setAnnotationsDone(ahead.getAnnotationsDone() + batch.size() + same)
                .setAnnotationsUnchanged(ahead.getAnnotationsUnchanged() + same).build();
        ahead.mergeFrom(next);
        pipeline.submit(() -> calls.write(handle -> {
            Set<String> written = annotations.existingIds(handle, appUid, batch.stream().map(Annotation::getId).toList());
            List<Annotation> left = batch.stream().filter(a -> !written.contains(a.getId())).toList();
            for (int from = 0; from < left.size(); from += BATCH) {
                calls.prepare("PostAnnotations", caller, PostAnnotationsRequest.newBuilder()
                        .addAllAnnotations(left.subList(from, Math.min(left.size(), from + BATCH))).build()).run(handle);
            }
            return record(handle, next);
        }));
    }

    /** Records the progress in the unit; the progress recorded. */
    private ImportProgress record(Handle handle, ImportProgress counts) {
        if (!progress.record(handle, counts)) {
            throw new LeaseLost();
        }
        return counts;
    }
}
