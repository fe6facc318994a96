package dev.annotask.export;

import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.identity.App;
import dev.annotask.identity.AppStore;
import dev.annotask.input.InputWire;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.exports.ExportFormat;
import dev.annotask.store.UnitOfWork;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipOutputStream;

/**
 * Builds one claimed export: reads its source a page at a time, each page in a read
 * transaction of its own ({@value #PAGE} inputs), writes the format into a ZIP on disk, renames
 * it into place, and records the outcome with its {@code export.ready} event. Memory is one page
 * (and the app's concept list) whatever the size. The lease is extended as pages go; when this
 * node no longer holds it (the export was deleted, or this node was too slow and another took
 * over) the build stops and its file is dropped. Thread-safe: builds share nothing.
 */
final class ExportBuilder {
    static final int PAGE = 500;

    /** Why an export cannot be built at all (its source is gone): it fails without retries. */
    static final class Unbuildable extends RuntimeException {
        Unbuildable(String message) {
            super(message);
        }
    }

    /** The build lost its claim: stop, record nothing. */
    static final class ClaimLost extends RuntimeException {
        ClaimLost() {
            super("the export is no longer this node's to build");
        }
    }

    private final UnitOfWork units;
    private final ExportFiles files;
    private final InputWire inputWire;
    private final ExportWire exportWire;
    private final AppStore apps;
    private final Events events;
    private final Clock clock;
    private final long leaseMillis;
    private final int keepPerApp;

    ExportBuilder(UnitOfWork units, ExportFiles files, InputWire inputWire, ExportWire exportWire, AppStore apps,
                  Events events, Clock clock, long leaseMillis, int keepPerApp) {
        this.units = units;
        this.files = files;
        this.inputWire = inputWire;
        this.exportWire = exportWire;
        this.apps = apps;
        this.events = events;
        this.clock = clock;
        this.leaseMillis = leaseMillis;
        this.keepPerApp = keepPerApp;
    }

    /** Builds the export this node claimed, and deletes what retention lets go of meanwhile. */
    void build(StoredExport export, String node) throws IOException {
        Path partial = files.partial(export.uid(), node);
        Path scratch = files.scratch(export.uid(), node);
        try {
            Setup setup = units.read(handle -> setup(handle, export));
            long inputs = 0;
            long leaseExtendedAt = clock.millis();
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
                 ZipOutputStream zip = new ZipOutputStream(file)) {
                ExportContext context = new ExportContext(zip, setup.app(), inputWire, setup.concepts(),
                        inputId -> units.read(handle -> ExportStore.storedBytes(handle, export.appUid(), inputId)),
                        scratch);
                FormatWriter writer = writer(export.format(), context);
                long after = 0;
                while (true) {
                    long from = after;
                    List<ExportItem> page = units.read(handle -> setup.source().page(handle, from, PAGE));
                    if (page.isEmpty()) {
                        break;
                    }
                    writer.writePage(page);
                    inputs += page.size();
                    after = page.get(page.size() - 1).seq();
                    if (clock.millis() - leaseExtendedAt > leaseMillis / 4) {
                        leaseExtendedAt = clock.millis();
                        extend(export.uid(), node);
                    }
                }
                writer.finish();
            }
            long size = Files.size(partial);
            Files.move(partial, files.built(export.uid()), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            long written = inputs;
            List<String> expired = units.write(handle -> {
                if (!ExportStore.finish(handle, export.uid(), node, ExportStore.SUCCESS, "", size, written, clock.millis())) {
                    throw new ClaimLost();
                }
                StoredExport done = ExportStore.findByUid(handle, export.uid()).orElseThrow();
                events.emitWithApp(handle, export.appUid(), EventType.EXPORT_READY,
                        app -> List.of(exportWire.export(app, done)));
                return ExportStore.deleteExpired(handle, 0, keepPerApp, 100);
            });
            expired.forEach(files::delete);
        } catch (ClaimLost e) {
            files.delete(export.uid());
            throw e;
        } finally {
            Files.deleteIfExists(partial);
            ExportFiles.deleteTree(scratch);
        }
    }

    private void extend(String uid, String node) {
        if (!units.write(handle -> ExportStore.extend(handle, uid, node, clock.millis() + leaseMillis))) {
            throw new ClaimLost();
        }
    }

    private record Setup(App app, ExportSource source, ConceptIndex concepts) {
    }

    private Setup setup(org.jdbi.v3.core.Handle handle, StoredExport export) {
        App app = apps.findByUid(handle, export.appUid()).orElseThrow(() -> new Unbuildable("the app is gone"));
        LabelRows.Which which = ExportWire.which(export.labels());
        ExportSource source;
        if (export.versionUid() != null) {
            Version version = VersionStore.findByUid(handle, export.versionUid())
                    .orElseThrow(() -> new Unbuildable("the dataset version is gone"));
            source = new VersionSource(app.uid(), version.uid(), which, version.datasetId() + "-" + version.id());
        } else {
            Task task = ExportStore.taskSpec(handle, app.uid(), export.taskId())
                    .orElseThrow(() -> new Unbuildable("task '" + export.taskId() + "' is gone"));
            source = new TaskSource(app.uid(), export.taskId(), task.getInputSource(), which);
        }
        return new Setup(app, source, new ConceptIndex(ExportStore.concepts(handle, app.uid())));
    }

    private static FormatWriter writer(int format, ExportContext context) throws IOException {
        ExportFormat known = Optional.ofNullable(ExportFormat.forNumber(format)).orElse(ExportFormat.EXPORT_FORMAT_NOT_SET);
        return switch (known) {
            case CLARIFAI_DATA_PROTOBUF -> new ClarifaiDataWriter(context, false);
            case CLARIFAI_DATA_JSON -> new ClarifaiDataWriter(context, true);
            case COCO -> new CocoWriter(context);
            case YOLO -> new YoloWriter(context);
            case PASCAL_VOC -> new VocWriter(context);
            case CSV -> new CsvWriter(context);
            case JSONL -> new JsonlWriter(context);
            default -> throw new Unbuildable("unknown format " + format);
        };
    }
}
