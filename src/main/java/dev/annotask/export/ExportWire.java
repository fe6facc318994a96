package dev.annotask.export;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.StatusCodes;
import dev.annotask.identity.App;
import dev.annotask.proto.api.DatasetVersionExport;
import dev.annotask.proto.api.DatasetVersionExportFormat;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.exports.Export;
import dev.annotask.proto.exports.ExportFormat;
import dev.annotask.proto.exports.ExportLabels;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Exports as the API shows them: as Annotask's {@code Export}, and as Clarifai's
 * {@code DatasetVersionExport}. The download URL is this server's
 * ({@value #ROUTE}, under the public URL), put in each answer, never stored. Thread-safe.
 */
final class ExportWire {
    /** The download route (Javalin's path syntax). */
    static final String ROUTE = "/v2/users/{user}/apps/{app}/exports/{export}/download";

    private final Supplier<String> publicUrl;

    ExportWire(Supplier<String> publicUrl) {
        this.publicUrl = publicUrl;
    }

    Export export(App app, StoredExport stored) {
        Export.Builder wire = Export.newBuilder()
                .setId(stored.uid())
                .setFormatValue(stored.format())
                .setLabelsValue(stored.labels())
                .setTaskId(stored.taskId())
                .setDatasetId(stored.datasetId())
                .setDatasetVersionId(stored.versionId())
                .setStatus(StatusCodes.status(StatusCode.forNumber(stored.status()), stored.details()))
                .setUrl(url(app, stored))
                .setSize(stored.size())
                .setInputsCount(stored.inputsCount())
                .setCreatedAt(Timestamps.fromMillis(stored.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(stored.modifiedAt()));
        return wire.build();
    }

    DatasetVersionExport clarifai(App app, StoredExport stored) {
        return DatasetVersionExport.newBuilder()
                .setFormatValue(stored.format())
                .setStatus(StatusCodes.status(StatusCode.forNumber(stored.status()), stored.details()))
                .setUrl(url(app, stored))
                .setSize(stored.size())
                .build();
    }

    /** The download URL once built, else empty. */
    String url(App app, StoredExport stored) {
        if (stored.status() != ExportStore.SUCCESS) {
            return "";
        }
        return publicUrl.get() + "/v2/users/" + segment(app.ownerId()) + "/apps/" + segment(app.id()) + "/exports/"
                + segment(stored.uid()) + "/download";
    }

    /** Whether an export format is one of Clarifai's (made by PutDatasetVersionExports too). */
    static boolean isClarifai(int format) {
        return DatasetVersionExportFormat.forNumber(format) != null && format != 0;
    }

    static String extensionName(int format) {
        ExportFormat known = ExportFormat.forNumber(format);
        return known == null ? String.valueOf(format) : known.name().toLowerCase().replace('_', '-');
    }

    static LabelRows.Which which(int labels) {
        return labels == ExportLabels.ALL_LABELERS_VALUE ? LabelRows.Which.ALL_LABELERS : LabelRows.Which.FINAL;
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
