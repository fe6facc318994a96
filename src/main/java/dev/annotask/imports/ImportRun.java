package dev.annotask.imports;

import dev.annotask.identity.App;
import dev.annotask.identity.AppStore;
import dev.annotask.identity.Caller;
import dev.annotask.identity.User;
import dev.annotask.identity.UserStore;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.imports.Import;
import dev.annotask.proto.imports.ImportProgress;
import dev.annotask.upload.UploadStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one import, on the node holding its lease (docs/ARCHITECTURE.md, "Imports and
 * pre-labels"): the upload copied from the database to a file of this node, part by part; the
 * file read whole by its format's reader into a plan spooled to disk, every bad entry reported;
 * the plan checked against what the app has; and only when nothing was reported, written in
 * batches. A run that dies (the node stops) leaves the lease to lapse, and the next run starts
 * over: reading again, finding what was written as already there, and writing the rest. Not
 * thread-safe: one run at a time per import.
 */
final class ImportRun {
    private static final Logger LOG = LoggerFactory.getLogger(ImportRun.class);

    private final ApiCalls calls;
    private final Clock clock;
    private final Path workDirectory;
    private final String node;
    private final long leaseMillis;
    private final ArchiveLimits limits;

    ImportRun(ApiCalls calls, Clock clock, Path workDirectory, String node, long leaseMillis, ArchiveLimits limits) {
        this.calls = calls;
        this.clock = clock;
        this.workDirectory = workDirectory;
        this.node = node;
        this.leaseMillis = leaseMillis;
        this.limits = limits;
    }

    void run(ImportStore.Stored stored) {
        Import spec = stored.spec();
        ImportProgress.Builder counts = ImportProgress.newBuilder();
        Path file = workDirectory.resolve(stored.appUid() + "-" + stored.seq() + ".upload");
        try {
            Caller caller = caller(stored);
            if (caller == null) {
                fail(stored, counts, new ImportReport(), "the app or the user who started the import is gone");
                return;
            }
            heartbeat(stored, Import.State.VALIDATING, counts.build());
            long began = System.nanoTime();
            if (!copyUpload(stored, file)) {
                fail(stored, counts, new ImportReport(), "upload '" + spec.getUploadId() + "' is gone or not complete");
                return;
            }
            long copied = System.nanoTime();
            ImportSettings settings = ImportSettings.of(spec);
            ImportReport report = new ImportReport();
            try (ImportArchive archive = ImportArchive.open(file, limits);
                 ImportPlan plan = new ImportPlan(workDirectory)) {
                PlanBuilder builder = new PlanBuilder(plan, report, settings, () -> heartbeat(stored,
                        Import.State.VALIDATING, counts.build()));
                if (settings.format() == Import.Format.YOLO) {
                    new YoloReader(archive, builder).read();
                } else {
                    new CocoReader(archive, builder).read();
                }
                long read = System.nanoTime();
                counts.setInputsTotal(plan.inputCount()).setAnnotationsTotal(plan.annotationCount())
                        .setConceptsTotal(plan.concepts().size());
                ExistingCheck.Unchanged unchanged = report.clean()
                        ? new ExistingCheck(calls, stored.appUid()).check(plan, archive, report) : null;
                if (!report.clean()) {
                    fail(stored, counts, report, report.count() + " bad entr" + (report.count() == 1 ? "y" : "ies")
                            + "; nothing was written");
                    return;
                }
                long checked = System.nanoTime();
                heartbeat(stored, Import.State.WRITING, counts.build());
                new ImportWriter(calls, caller, settings, (handle, progress) -> ImportStore.progress(handle,
                        stored.seq(), node, Import.State.WRITING_VALUE, progress, clock.millis(),
                        clock.millis() + leaseMillis)).write(plan, archive, unchanged, counts);
                LOG.info("import {} of app {}: {} inputs, {} annotations; upload copied in {} ms, read in {} ms,"
                        + " checked against the app in {} ms, written in {} ms", stored.id(), stored.appUid(),
                        plan.inputCount(), plan.annotationCount(), (copied - began) / 1_000_000, (read - copied) / 1_000_000, (checked - read) / 1_000_000, (System.nanoTime() - checked) / 1_000_000);
            }
            calls.write(handle -> {
                ImportStore.finish(handle, stored.seq(), Import.State.DONE_VALUE, counts.build(), List.of(), 0, "",
                        clock.millis());
                UploadStore.delete(handle, stored.appUid(), List.of(spec.getUploadId()));
                return null;
            });
        } catch (ArchiveRefused e) {
            fail(stored, counts, new ImportReport(), e.getMessage());
        } catch (ImportWriter.LeaseLost e) {
            LOG.info("import {} of app {} is run by another node now", stored.id(), stored.appUid());
        } catch (dev.annotask.api.ApiException e) {
            // Every entry was checked first, so a refusal here is a change made meanwhile (a
            // concept or input deleted during the import): what is written stays, a re-import finishes it.
            fail(stored, counts, new ImportReport(), "writing stopped: " + e.details()
                    + "; what was written stays, and importing the file again finishes the rest");
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", file, e.getMessage());
            }
        }
    }

    private Caller caller(ImportStore.Stored stored) {
        return calls.read(handle -> {
            App app = new AppStore().findByUid(handle, stored.appUid()).orElse(null);
            User user = new UserStore().find(handle, stored.userId()).orElse(null);
            if (app == null || user == null) {
                return null;
            }
            return new Caller(user, null, app.ownerId(), app, Set.copyOf(stored.scopes()));
        });
    }

    /** Copies a complete upload's parts, in order, to the file; false when it is gone or incomplete. */
    private boolean copyUpload(ImportStore.Stored stored, Path file) {
        String uploadId = stored.spec().getUploadId();
        UploadStore.Stored upload = calls.read(h -> UploadStore.find(h, stored.appUid(), uploadId)).orElse(null);
        if (upload == null || upload.status() != StatusCode.UPLOAD_DONE_VALUE) {
            return false;
        }
        // Held while the import runs, however long: an expired upload would vanish under it.
        calls.write(h -> {
            UploadStore.extend(h, stored.appUid(), uploadId, clock.millis() + 7L * 24 * 3600 * 1000);
            return null;
        });
        List<Long> starts = calls.read(h -> UploadStore.partStarts(h, stored.appUid(), uploadId));
        try {
            Files.createDirectories(workDirectory);
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int i = 0; i < starts.size(); i++) {
                    long start = starts.get(i);
                    if (i % 64 == 63) {
                        heartbeat(stored, Import.State.VALIDATING, ImportProgress.getDefaultInstance());
                    }
                    if (!calls.read(h -> UploadStore.copyPart(h, stored.appUid(), uploadId, start, out))) {
                        return false;
                    }
                }
            }
            return Files.size(file) == upload.contentLength();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void heartbeat(ImportStore.Stored stored, Import.State state, ImportProgress progress) {
        calls.write(handle -> {
            if (!ImportStore.progress(handle, stored.seq(), node, state.getNumber(), progress, clock.millis(),
                    clock.millis() + leaseMillis)) {
                throw new ImportWriter.LeaseLost();
            }
            return null;
        });
    }

    private void fail(ImportStore.Stored stored, ImportProgress.Builder counts, ImportReport report, String why) {
        calls.write((Handle handle) -> {
            ImportStore.finish(handle, stored.seq(), Import.State.FAILED_VALUE, counts.build(), report.kept(),
                    report.count(), why, clock.millis());
            return null;
        });
    }
}
