package dev.annotask.imports;

import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.imports.GetImportRequest;
import dev.annotask.proto.imports.Import;
import dev.annotask.proto.imports.ListImportsRequest;
import dev.annotask.proto.imports.MultiImportResponse;
import dev.annotask.proto.imports.PostImportsRequest;
import dev.annotask.proto.imports.SingleImportResponse;
import dev.annotask.store.Ids;
import dev.annotask.upload.UploadStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * PostImports, GetImport and ListImports (docs/COMPATIBILITY.md, "Annotask extensions:
 * imports"). PostImports checks what can be checked at once (the upload finished, a format,
 * ids well formed) and queues the import; the file itself is read in the background, and its
 * bad entries are in GetImport's report. The import writes with the scopes its caller has now.
 * Thread-safe.
 */
final class ImportRpcs {
    private final Clock clock;
    private final Runnable queued;

    ImportRpcs(Clock clock, Runnable queued) {
        this.clock = clock;
        this.queued = queued;
    }

    void register(RpcRegistry registry) {
        registry.writes("PostImports", PostImportsRequest.class, this::postImports);
        registry.reads("GetImport", GetImportRequest.class, this::getImport);
        registry.reads("ListImports", ListImportsRequest.class, this::listImports);
    }

    MultiImportResponse postImports(Handle handle, Caller caller, PostImportsRequest request) {
        Validation.requireBatch("imports", request.getImportsCount(), 16);
        String appUid = caller.app().uid();
        long now = clock.millis();
        List<Import> specs = new ArrayList<>();
        for (int i = 0; i < request.getImportsCount(); i++) {
            specs.add(checked("imports[" + i + "]", handle, appUid, request.getImports(i)));
        }
        Validation.requireUniqueNewIds("imports[].id", specs.stream().map(Import::getId).toList());
        List<String> taken = ImportStore.existingIds(handle, appUid, specs.stream().map(Import::getId).toList());
        if (!taken.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "import id already exists: " + String.join(", ", taken));
        }
        List<String> scopes = caller.scopes().stream().sorted().toList();
        MultiImportResponse.Builder response = MultiImportResponse.newBuilder();
        for (Import spec : specs) {
            ImportStore.insert(handle, appUid, spec, caller.userId(), scopes, now);
            response.addImports(ImportWire.wire(ImportStore.find(handle, appUid, spec.getId()).orElseThrow(), true));
        }
        // Woken before the commit: the worker's claim waits for this write's transaction on SQLite,
        // and on PostgreSQL finds nothing yet and looks again within its poll.
        queued.run();
        return response.build();
    }

    private static Import checked(String field, Handle handle, String appUid, Import wire) {
        String id = wire.getId().isEmpty() ? Ids.newId() : Validation.requireId(field + ".id", wire.getId());
        if (wire.getFormat() == Import.Format.FORMAT_NOT_SET) {
            throw ApiException.invalid(field + ".format is required: COCO or YOLO");
        }
        if (wire.getInputIds() == Import.InputIds.IMAGE_ID && wire.getFormat() != Import.Format.COCO) {
            throw ApiException.invalid(field + ".input_ids: IMAGE_ID is for COCO files; YOLO images have only names");
        }
        if (!wire.getDatasetId().isEmpty()) {
            Validation.requireId(field + ".dataset_id", wire.getDatasetId());
        }
        if (!wire.getPrelabelModelId().isEmpty()) {
            Validation.requireId(field + ".prelabel_model_id", wire.getPrelabelModelId());
        }
        if (!wire.getPrelabelModelVersionId().isEmpty()) {
            if (wire.getPrelabelModelId().isEmpty()) {
                throw ApiException.invalid(field + ".prelabel_model_version_id needs prelabel_model_id");
            }
            Validation.requireId(field + ".prelabel_model_version_id", wire.getPrelabelModelVersionId());
        }
        UploadStore.Stored upload = UploadStore.find(handle, appUid, Validation.requireId(field + ".upload_id",
                wire.getUploadId())).orElseThrow(() -> ApiException.notFound(field + ".upload_id: upload '"
                + wire.getUploadId() + "' not found"));
        if (upload.status() != StatusCode.UPLOAD_DONE_VALUE) {
            throw ApiException.invalid(field + ".upload_id: upload '" + upload.id() + "' has " + upload.received()
                    + " of its " + upload.contentLength() + " bytes; send the rest with PutUploadContentParts first");
        }
        // Only what was asked is kept: state, progress and the report are the server's.
        return Import.newBuilder().setId(id).setUploadId(upload.id()).setFormat(wire.getFormat())
                .setDatasetId(wire.getDatasetId()).setInputIds(wire.getInputIds())
                .setPrelabelModelId(wire.getPrelabelModelId()).setPrelabelModelVersionId(wire.getPrelabelModelVersionId())
                .setBoxesOnly(wire.getBoxesOnly()).build();
    }

    SingleImportResponse getImport(Handle handle, Caller caller, GetImportRequest request) {
        ImportStore.Stored stored = ImportStore.find(handle, caller.app().uid(), request.getImportId())
                .orElseThrow(() -> ApiException.notFound("import '" + request.getImportId() + "' not found"));
        return SingleImportResponse.newBuilder().setImport(ImportWire.wire(stored, true)).build();
    }

    MultiImportResponse listImports(Handle handle, Caller caller, ListImportsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        return MultiImportResponse.newBuilder().addAllImports(ImportStore.list(handle, caller.app().uid(),
                page.offset(), page.limit()).stream().map(s -> ImportWire.wire(s, false)).toList()).build();
    }
}
