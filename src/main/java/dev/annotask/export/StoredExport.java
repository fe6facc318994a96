package dev.annotask.export;

/**
 * An export as stored (public for Jdbi's bindMethods).
 *
 * @param format an ExportFormat number (the Clarifai formats keep Clarifai's numbers)
 * @param labels an ExportLabels number
 * @param versionUid the dataset version's uid for a version's export, else null
 * @param status a DATASET_VERSION_EXPORT_* status code number
 * @param details why it failed, else empty
 */
public record StoredExport(String uid, String appUid, int format, int labels, String taskId, String datasetId,
                    String versionUid, String versionId, int status, String details, long size, long inputsCount,
                    long createdAt, long modifiedAt) {
}
