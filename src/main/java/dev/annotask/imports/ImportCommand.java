package dev.annotask.imports;

import com.google.protobuf.ByteString;
import dev.annotask.proto.api.MultiUploadResponse;
import dev.annotask.proto.api.PostUploadsRequest;
import dev.annotask.proto.api.PutUploadContentPartsRequest;
import dev.annotask.proto.api.SingleUploadResponse;
import dev.annotask.proto.api.Upload;
import dev.annotask.proto.api.UploadContentPart;
import dev.annotask.proto.imports.Import;
import dev.annotask.proto.imports.ImportError;
import dev.annotask.proto.imports.MultiImportResponse;
import dev.annotask.proto.imports.PostImportsRequest;
import dev.annotask.proto.imports.SingleImportResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.Callable;
import java.util.zip.ZipFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code annotask import}: sends a COCO file or a YOLO folder to a running server and follows
 * the import to its end (README, "Bringing labels in"). It works only through the API, with a
 * key, like any client: the server checks, writes and reports, so the command needs no
 * database access and cannot bypass the server's rules. A folder is zipped on the fly.
 * Exit codes: 0 done, 1 the import failed (its report is printed), 2 a bad command line.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a COCO file (JSON, or ZIP with images) or a YOLO folder/ZIP into an app of a running server.")
public final class ImportCommand implements Callable<Integer> {
    private static final int PART_BYTES = 4 << 20;
    private static final int ERRORS_SHOWN = 20;

    @Parameters(index = "0", description = "COCO .json, a .zip, or a folder (zipped on the fly).")
    Path source;

    @Option(names = "--server", defaultValue = "${env:ANNOTASK_URL:-http://localhost:8080}", description = "The server's HTTP address (${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--key", defaultValue = "${env:ANNOTASK_KEY}", description = "A personal access token or app key (or ANNOTASK_KEY).")
    String key;

    @Option(names = "--user", defaultValue = "me", description = "The app's owner (${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--app", required = true, description = "The app to import into.")
    String app;

    @Option(names = "--format", description = "coco or yolo (default: yolo when the folder or ZIP has data.yaml or classes.txt, else coco).")
    String format;

    @Option(names = "--dataset", description = "The dataset the inputs join, made when missing (default: the import's id).")
    String dataset;

    @Option(names = "--id", description = "The import's id (default: made by the server).")
    String id;

    @Option(names = "--prelabels", description = "Import the annotations as pre-labels of this model: suggestions for labelers, not final labels.")
    String prelabelModel;

    @Option(names = "--model-version", description = "With --prelabels: the model's version (default: the model id).")
    String modelVersion;

    @Option(names = "--input-ids", defaultValue = "file-name", description = "COCO: file-name (default) or image-id, which the input ids are made from.")
    String inputIds;

    @Option(names = "--boxes-only", description = "COCO: import boxes even where an annotation has a polygon.")
    boolean boxesOnly;

    @Option(names = "--no-wait", description = "Start the import and return without following it.")
    boolean noWait;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (key == null || key.isBlank()) {
            err.println("annotask import: a key is needed: --key or ANNOTASK_KEY");
            return 2;
        }
        if (!Files.exists(source)) {
            err.println("annotask import: " + source + " does not exist");
            return 2;
        }
        Path file = Files.isDirectory(source) ? FolderZip.of(source) : source;
        Import.Format chosen = format(file);
        if (chosen == null) {
            err.println("annotask import: --format must be coco or yolo");
            return 2;
        }
        ImportClient client = new ImportClient(server, key, user, app);
        ProgressBar bar = new ProgressBar(err, System.console() != null);
        try {
            String uploadId = upload(client, file, bar);
            Import.Builder spec = Import.newBuilder().setUploadId(uploadId).setFormat(chosen).setBoxesOnly(boxesOnly)
                    .setInputIds(inputIds.equalsIgnoreCase("image-id") ? Import.InputIds.IMAGE_ID : Import.InputIds.FILE_NAME);
            if (id != null) {
                spec.setId(id);
            }
            if (dataset != null) {
                spec.setDatasetId(dataset);
            }
            if (prelabelModel != null) {
                spec.setPrelabelModelId(prelabelModel);
                if (modelVersion != null) {
                    spec.setPrelabelModelVersionId(modelVersion);
                }
            }
            Import started = client.call("POST", "/imports", PostImportsRequest.newBuilder().addImports(spec).build(),
                    MultiImportResponse.getDefaultInstance()).getImports(0);
            out.println("import " + started.getId() + " started");
            return noWait ? 0 : follow(client, started.getId(), bar);
        } catch (ImportClient.Failed e) {
            bar.end();
            err.println("annotask import: " + e.getMessage());
            return 1;
        }
    }

    private Import.Format format(Path file) throws IOException {
        if (format != null) {
            return switch (format.toLowerCase()) {
                case "coco" -> Import.Format.COCO;
                case "yolo" -> Import.Format.YOLO;
                default -> null;
            };
        }
        if (!file.getFileName().toString().toLowerCase().endsWith(".zip")) {
            return Import.Format.COCO;
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return FolderZip.looksLikeYolo(Collections.list(zip.entries()).stream().map(e -> e.getName()).toList())
                    ? Import.Format.YOLO : Import.Format.COCO;
        }
    }

    private String upload(ImportClient client, Path file, ProgressBar bar) throws IOException {
        long size = Files.size(file);
        Upload upload = client.call("POST", "/uploads", PostUploadsRequest.newBuilder().addUploads(Upload.newBuilder()
                .setContentLength(size).setContentName(file.getFileName().toString())).build(),
                MultiUploadResponse.getDefaultInstance()).getUploads(0);
        try (InputStream in = Files.newInputStream(file)) {
            long sent = 0;
            for (int part = 1; sent < size; part++) {
                byte[] data = in.readNBytes((int) Math.min(PART_BYTES, size - sent));
                client.call("PUT", "/uploads/" + upload.getId() + "/content_parts", PutUploadContentPartsRequest
                        .newBuilder().addContentParts(UploadContentPart.newBuilder().setRangeStart(sent)
                                .setPartNumber(part).setData(ByteString.copyFrom(data))).build(),
                        SingleUploadResponse.getDefaultInstance());
                sent += data.length;
                bar.show("uploading", sent >> 10, size >> 10, "KiB");
            }
        }
        bar.end();
        return upload.getId();
    }

    private int follow(ImportClient client, String importId, ProgressBar bar) throws InterruptedException {
        while (true) {
            Import state = client.call("GET", "/imports/" + importId, null, SingleImportResponse.getDefaultInstance())
                    .getImport();
            var p = state.getProgress();
            switch (state.getState()) {
                case QUEUED -> bar.show("queued", 0, 1, "");
                case VALIDATING -> bar.show("checking", 0, 1, "");
                case WRITING -> {
                    if (p.getInputsDone() < p.getInputsTotal()) {
                        bar.show("inputs", p.getInputsDone(), p.getInputsTotal(), "inputs");
                    } else {
                        bar.show("annotations", p.getAnnotationsDone(), p.getAnnotationsTotal(), "annotations");
                    }
                }
                case DONE -> {
                    bar.end();
                    out.println("import " + importId + " done: " + p.getInputsTotal() + " inputs ("
                            + p.getInputsUnchanged() + " there already), " + p.getAnnotationsTotal() + " annotations ("
                            + p.getAnnotationsUnchanged() + " there already), " + p.getConceptsTotal() + " concepts");
                    return 0;
                }
                default -> {
                    bar.end();
                    err.println("import " + importId + " failed: " + state.getFailure());
                    for (ImportError error : state.getErrorsList().subList(0, Math.min(ERRORS_SHOWN, state.getErrorsCount()))) {
                        err.println("  " + error.getEntry() + ": " + error.getMessage());
                    }
                    if (state.getErrorCount() > ERRORS_SHOWN) {
                        err.println("  … and " + (state.getErrorCount() - ERRORS_SHOWN) + " more (GetImport lists up to "
                                + ImportReport.KEPT + ")");
                    }
                    return 1;
                }
            }
            Thread.sleep(500);
        }
    }
}
