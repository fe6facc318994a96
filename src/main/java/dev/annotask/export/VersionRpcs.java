package dev.annotask.export;

import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.input.DatasetMembers;
import dev.annotask.proto.api.DatasetVersion;
import dev.annotask.proto.api.DatasetVersionExport;
import dev.annotask.proto.api.DatasetVersionExportFormat;
import dev.annotask.proto.api.DeleteDatasetVersionsRequest;
import dev.annotask.proto.api.GetDatasetVersionRequest;
import dev.annotask.proto.api.ListDatasetVersionsRequest;
import dev.annotask.proto.api.MultiDatasetVersionExportResponse;
import dev.annotask.proto.api.MultiDatasetVersionResponse;
import dev.annotask.proto.api.PostDatasetVersionsRequest;
import dev.annotask.proto.api.PutDatasetVersionExportsRequest;
import dev.annotask.proto.api.SingleDatasetVersionResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.exports.ExportLabels;
import dev.annotask.store.Ids;
import dev.annotask.store.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * PostDatasetVersions, ListDatasetVersions, GetDatasetVersion, DeleteDatasetVersions and
 * PutDatasetVersionExports (docs/COMPATIBILITY.md, "Dataset versions and exports"). Making a
 * version only stores it, PENDING, with the dataset's last input at that moment; the
 * {@link ExportWorker} then copies the inputs up to that one and their turned-in annotations in
 * bounded batches ({@link VersionBuild}) and counts its metrics (IN_PROGRESS → READY, as
 * Clarifai reports it), so the version stays what it copied, whatever changes later. Exports of
 * a version wait for READY. Every request is all or nothing. Thread-safe.
 */
final class VersionRpcs {
    static final int MAX_VERSIONS_PER_REQUEST = 8;

    private final Clock clock;
    private final ExportWire exportWire;
    private final FileRemovals removals;
    private final ExportRpcs exports;

    VersionRpcs(Clock clock, ExportWire exportWire, FileRemovals removals, ExportRpcs exports) {
        this.clock = clock;
        this.exportWire = exportWire;
        this.removals = removals;
        this.exports = exports;
    }

    void register(RpcRegistry registry) {
        registry.writes("PostDatasetVersions", PostDatasetVersionsRequest.class, this::post);
        registry.reads("ListDatasetVersions", ListDatasetVersionsRequest.class, this::list);
        registry.reads("GetDatasetVersion", GetDatasetVersionRequest.class, this::get);
        registry.writes("DeleteDatasetVersions", DeleteDatasetVersionsRequest.class, this::delete);
        registry.writes("PutDatasetVersionExports", PutDatasetVersionExportsRequest.class, this::putExports);
    }

    MultiDatasetVersionResponse post(Handle handle, Caller caller, PostDatasetVersionsRequest request) {
        String appUid = caller.app().uid();
        String datasetId = requireDataset(handle, caller, request.getDatasetId());
        Validation.requireBatch("dataset_versions", request.getDatasetVersionsCount(), MAX_VERSIONS_PER_REQUEST);
        long now = clock.millis();
        List<Version> versions = new ArrayList<>();
        for (int i = 0; i < request.getDatasetVersionsCount(); i++) {
            DatasetVersion wire = request.getDatasetVersions(i);
            String id = wire.getId().isEmpty() ? Ids.newId()
                    : Validation.requireId("dataset_versions[" + i + "].id", wire.getId());
            versions.add(new Version(Ids.newId(), appUid, datasetId, id, wire.getDescription(),
                    wire.hasMetadata() ? Json.writeStruct(wire.getMetadata()) : null, VersionStore.PENDING, null, now, now));
        }
        List<String> ids = versions.stream().map(Version::id).toList();
        Validation.requireUniqueNewIds("dataset_versions[].id", ids);
        List<String> taken = VersionStore.existingIds(handle, appUid, datasetId, ids);
        if (!taken.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "dataset version id already exists: "
                    + String.join(", ", taken));
        }
        MultiDatasetVersionResponse.Builder response = MultiDatasetVersionResponse.newBuilder();
        long upto = VersionStore.lastInputSeq(handle, appUid, datasetId);
        for (Version version : versions) {
            VersionStore.insert(handle, version, upto);
            response.addDatasetVersions(VersionWire.version(caller.app(), version, List.of(), exportWire));
        }
        return response.build();
    }

    MultiDatasetVersionResponse list(Handle handle, Caller caller, ListDatasetVersionsRequest request) {
        String datasetId = requireDataset(handle, caller, request.getDatasetId());
        Page page = Page.of(request.getPage(), request.getPerPage());
        MultiDatasetVersionResponse.Builder response = MultiDatasetVersionResponse.newBuilder();
        for (Version version : VersionStore.list(handle, caller.app().uid(), datasetId, page.offset(), page.limit())) {
            response.addDatasetVersions(VersionWire.version(caller.app(), version,
                    ExportStore.ofVersion(handle, version.uid()), exportWire));
        }
        return response.build();
    }

    SingleDatasetVersionResponse get(Handle handle, Caller caller, GetDatasetVersionRequest request) {
        Version version = requireVersion(handle, caller, request.getDatasetId(), request.getDatasetVersionId());
        return SingleDatasetVersionResponse.newBuilder().setDatasetVersion(VersionWire.version(caller.app(), version,
                ExportStore.ofVersion(handle, version.uid()), exportWire)).build();
    }

    BaseResponse delete(Handle handle, Caller caller, DeleteDatasetVersionsRequest request) {
        String datasetId = requireDataset(handle, caller, request.getDatasetId());
        Validation.requireBatch("dataset_version_ids", request.getDatasetVersionIdsCount(), 128);
        List<String> ids = request.getDatasetVersionIdsList().stream().distinct().toList();
        List<String> existing = VersionStore.existingIds(handle, caller.app().uid(), datasetId, ids);
        if (existing.size() < ids.size()) {
            throw ApiException.notFound("dataset version not found: " + String.join(", ",
                    ids.stream().filter(id -> !existing.contains(id)).toList()));
        }
        List<String> exportUids = ExportStore.ofVersions(handle, caller.app().uid(), datasetId, ids);
        VersionStore.delete(handle, caller.app().uid(), datasetId, ids);
        // Export rows go by cascade; their files once that has committed.
        removals.afterCommit(exportUids);
        return BaseResponse.getDefaultInstance();
    }

    MultiDatasetVersionExportResponse putExports(Handle handle, Caller caller, PutDatasetVersionExportsRequest request) {
        Version version = requireReady(requireVersion(handle, caller, request.getDatasetId(),
                request.getDatasetVersionId()));
        Validation.requireBatch("exports", request.getExportsCount(), 3);
        List<Integer> formats = new ArrayList<>();
        for (int i = 0; i < request.getExportsCount(); i++) {
            DatasetVersionExport wire = request.getExports(i);
            if (wire.getFormat() == DatasetVersionExportFormat.DATASET_VERSION_EXPORT_FORMAT_NOT_SET) {
                throw ApiException.invalid("exports[" + i + "].format is required: CLARIFAI_DATA_PROTOBUF,"
                        + " CLARIFAI_DATA_JSON or COCO");
            }
            formats.add(wire.getFormatValue());
        }
        Validation.requireDistinct("exports[].format", formats.stream().map(String::valueOf).toList());
        List<StoredExport> existing = ExportStore.ofVersion(handle, version.uid());
        MultiDatasetVersionExportResponse.Builder response = MultiDatasetVersionExportResponse.newBuilder();
        List<StoredExport> made = new ArrayList<>();
        for (int format : formats) {
            // Put: an export of the version in this format that is built or being built is the answer.
            StoredExport export = existing.stream()
                    .filter(e -> e.format() == format && e.labels() == ExportLabels.FINAL_VALUE
                            && e.status() != ExportStore.FAILED)
                    .findFirst().orElse(null);
            if (export == null) {
                export = exports.newExport(caller.app().uid(), format, ExportLabels.FINAL_VALUE, "", version);
                made.add(export);
            }
            response.addExports(exportWire.clarifai(caller.app(), export));
        }
        exports.insertWithinCap(handle, caller.app().uid(), made);
        return response.build();
    }

    private static String requireDataset(Handle handle, Caller caller, String datasetId) {
        if (datasetId.isEmpty()) {
            throw ApiException.invalid("dataset_id is required");
        }
        if (DatasetMembers.existingDatasets(handle, caller.app().uid(), List.of(datasetId)).isEmpty()) {
            throw ApiException.notFound("dataset '" + datasetId + "' not found");
        }
        return datasetId;
    }

    /**
     * The version, when its snapshot is complete; else the version's own status (PENDING,
     * IN_PROGRESS or FAILURE) answers, HTTP 409 (docs/COMPATIBILITY.md): a client polls
     * GetDatasetVersion until READY, as with Clarifai.
     */
    static Version requireReady(Version version) {
        if (version.status() == VersionStore.READY) {
            return version;
        }
        StatusCode status = StatusCode.forNumber(version.status());
        throw new ApiException(status == null ? StatusCode.DATASET_VERSION_PENDING : status, "dataset version '"
                + version.id() + "' is not ready yet (" + (status == null ? version.status() : status.name())
                + "): its snapshot is still being made; export it once GetDatasetVersion answers DATASET_VERSION_READY");
    }

    static Version requireVersion(Handle handle, Caller caller, String datasetId, String versionId) {
        requireDataset(handle, caller, datasetId);
        if (versionId.isEmpty()) {
            throw ApiException.invalid("dataset_version_id is required");
        }
        return VersionStore.find(handle, caller.app().uid(), datasetId, versionId)
                .orElseThrow(() -> ApiException.notFound("dataset version '" + versionId + "' of dataset '" + datasetId
                        + "' not found"));
    }
}
