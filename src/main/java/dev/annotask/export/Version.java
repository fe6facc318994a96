package dev.annotask.export;

/**
 * A dataset version as stored (public for Jdbi's bindMethods).
 *
 * @param status a DATASET_VERSION_* status code number
 * @param metricsJson its DatasetVersionMetrics as JSON once counted, else null
 */
public record Version(String uid, String appUid, String datasetId, String id, String description, String metadataJson,
               int status, String metricsJson, long createdAt, long modifiedAt) {
}
