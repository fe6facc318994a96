package dev.annotask.export;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.StatusCodes;
import dev.annotask.identity.App;
import dev.annotask.proto.api.DatasetVersion;
import dev.annotask.proto.api.DatasetVersionExportFormat;
import dev.annotask.proto.api.DatasetVersionExportInfo;
import dev.annotask.proto.api.DatasetVersionMetrics;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.exports.ExportLabels;
import dev.annotask.store.Json;
import java.util.List;

/** Dataset versions as the API shows them, with their metrics once counted and their latest exports. */
final class VersionWire {
    private VersionWire() {
    }

    static DatasetVersion version(App app, Version version, List<StoredExport> exports, ExportWire exportWire) {
        DatasetVersion.Builder wire = DatasetVersion.newBuilder()
                .setId(version.id())
                .setAppId(app.id())
                .setUserId(app.ownerId())
                .setDatasetId(version.datasetId())
                .setDescription(version.description())
                .setStatus(StatusCodes.status(StatusCode.forNumber(version.status()), null))
                .setCreatedAt(Timestamps.fromMillis(version.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(version.modifiedAt()));
        if (version.metadataJson() != null) {
            wire.setMetadata(Json.readStruct(version.metadataJson()));
        }
        if (version.metricsJson() != null) {
            wire.putMetrics(VersionMetrics.WHOLE_VERSION,
                    Json.read(version.metricsJson(), DatasetVersionMetrics.newBuilder()).build());
        }
        DatasetVersionExportInfo.Builder info = DatasetVersionExportInfo.newBuilder();
        // exports come newest first: the first of each format is the latest
        for (StoredExport export : exports) {
            if (export.labels() != ExportLabels.FINAL_VALUE) {
                continue;
            }
            DatasetVersionExportFormat format = DatasetVersionExportFormat.forNumber(export.format());
            if (format == DatasetVersionExportFormat.CLARIFAI_DATA_PROTOBUF && !info.hasClarifaiDataProtobuf()) {
                info.setClarifaiDataProtobuf(exportWire.clarifai(app, export));
            } else if (format == DatasetVersionExportFormat.CLARIFAI_DATA_JSON && !info.hasClarifaiDataJson()) {
                info.setClarifaiDataJson(exportWire.clarifai(app, export));
            } else if (format == DatasetVersionExportFormat.COCO && !info.hasCoco()) {
                info.setCoco(exportWire.clarifai(app, export));
            }
        }
        if (info.hasClarifaiDataProtobuf() || info.hasClarifaiDataJson() || info.hasCoco()) {
            wire.setExportInfo(info);
        }
        return wire.build();
    }
}
