package dev.annotask.export;

import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.exports.DeleteExportsRequest;
import dev.annotask.proto.exports.Export;
import dev.annotask.proto.exports.ExportFormat;
import dev.annotask.proto.exports.GetExportRequest;
import dev.annotask.proto.exports.ListExportsRequest;
import dev.annotask.proto.exports.MultiExportResponse;
import dev.annotask.proto.exports.PostExportsRequest;
import dev.annotask.proto.exports.SingleExportResponse;
import dev.annotask.store.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * PostExports, ListExports, GetExport and DeleteExports (annotask.exports.Exports; docs/
 * COMPATIBILITY.md, "Annotask extensions: exports"): exports of a task or a dataset version in
 * any format, for whoever holds the RPC's scopes. An app has at most {@value #MAX_IN_FLIGHT}
 * exports waiting or being built at once (PutDatasetVersionExports counts too); more answer
 * CONN_EXCEEDS_LIMITS until one is done. Every request is all or nothing. Thread-safe.
 */
final class ExportRpcs {
    static final int MAX_IN_FLIGHT = 4;

    private final Clock clock;
    private final ExportWire wire;
    private final FileRemovals removals;

    ExportRpcs(Clock clock, ExportWire wire, FileRemovals removals) {
        this.clock = clock;
        this.wire = wire;
        this.removals = removals;
    }

    void register(RpcRegistry registry) {
        registry.writes("PostExports", PostExportsRequest.class, this::post);
        registry.reads("ListExports", ListExportsRequest.class, this::list);
        registry.reads("GetExport", GetExportRequest.class, this::get);
        registry.writes("DeleteExports", DeleteExportsRequest.class, this::delete);
    }

    MultiExportResponse post(Handle handle, Caller caller, PostExportsRequest request) {
        Validation.requireBatch("exports", request.getExportsCount(), MAX_IN_FLIGHT);
        String appUid = caller.app().uid();
        List<StoredExport> made = new ArrayList<>();
        for (int i = 0; i < request.getExportsCount(); i++) {
            Export export = request.getExports(i);
            String field = "exports[" + i + "]";
            if (export.getFormat() == ExportFormat.EXPORT_FORMAT_NOT_SET) {
                throw ApiException.invalid(field + ".format is required: COCO, YOLO, PASCAL_VOC, CSV, JSONL,"
                        + " CLARIFAI_DATA_PROTOBUF or CLARIFAI_DATA_JSON");
            }
            boolean task = !export.getTaskId().isEmpty();
            boolean version = !export.getDatasetId().isEmpty() || !export.getDatasetVersionId().isEmpty();
            if (task == version) {
                throw ApiException.invalid(field + ": name the source, either task_id or dataset_id with"
                        + " dataset_version_id");
            }
            if (task) {
                if (ExportStore.taskSpec(handle, appUid, export.getTaskId()).isEmpty()) {
                    throw new ApiException(StatusCode.TASK_MISSING, field + ".task_id: task '" + export.getTaskId()
                            + "' not found");
                }
                made.add(newExport(appUid, export.getFormatValue(), export.getLabelsValue(), export.getTaskId(), null));
            } else {
                Version source = VersionRpcs.requireReady(VersionRpcs.requireVersion(handle, caller,
                        export.getDatasetId(), export.getDatasetVersionId()));
                made.add(newExport(appUid, export.getFormatValue(), export.getLabelsValue(), "", source));
            }
        }
        insertWithinCap(handle, appUid, made);
        return MultiExportResponse.newBuilder()
                .addAllExports(made.stream().map(e -> wire.export(caller.app(), e)).toList()).build();
    }

    MultiExportResponse list(Handle handle, Caller caller, ListExportsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        return MultiExportResponse.newBuilder().addAllExports(ExportStore.list(handle, caller.app().uid(),
                page.offset(), page.limit()).stream().map(e -> wire.export(caller.app(), e)).toList()).build();
    }

    SingleExportResponse get(Handle handle, Caller caller, GetExportRequest request) {
        return SingleExportResponse.newBuilder().setExport(wire.export(caller.app(), require(handle, caller,
                request.getExportId()))).build();
    }

    BaseResponse delete(Handle handle, Caller caller, DeleteExportsRequest request) {
        Validation.requireBatch("ids", request.getIdsCount(), 128);
        List<String> ids = request.getIdsList().stream().distinct().toList();
        List<String> deleted = ExportStore.delete(handle, caller.app().uid(), ids);
        if (deleted.size() < ids.size()) {
            throw ApiException.notFound("export not found: " + String.join(", ",
                    ids.stream().filter(id -> !deleted.contains(id)).toList()));
        }
        removals.afterCommit(deleted);
        return BaseResponse.getDefaultInstance();
    }

    /** A new export, waiting for a builder. */
    StoredExport newExport(String appUid, int format, int labels, String taskId, Version version) {
        long now = clock.millis();
        return new StoredExport(Ids.newId(), appUid, format, labels, taskId, version == null ? "" : version.datasetId(),
                version == null ? null : version.uid(), version == null ? "" : version.id(), ExportStore.PENDING, "", 0, 0,
                now, now);
    }

    /** Stores the new exports unless the app would have more than {@value #MAX_IN_FLIGHT} waiting or being built. */
    void insertWithinCap(Handle handle, String appUid, List<StoredExport> made) {
        if (made.isEmpty()) {
            return;
        }
        int inFlight = ExportStore.inFlight(handle, appUid);
        if (inFlight + made.size() > MAX_IN_FLIGHT) {
            throw new ApiException(StatusCode.CONN_EXCEEDS_LIMITS, "an app may have at most " + MAX_IN_FLIGHT
                    + " exports waiting or being built; it has " + inFlight + ". Retry when one is done");
        }
        made.forEach(export -> ExportStore.insert(handle, export));
    }

    static StoredExport require(Handle handle, Caller caller, String id) {
        if (id.isEmpty()) {
            throw ApiException.invalid("export_id is required");
        }
        return ExportStore.find(handle, caller.app().uid(), id)
                .orElseThrow(() -> ApiException.notFound("export not found: " + id));
    }
}
