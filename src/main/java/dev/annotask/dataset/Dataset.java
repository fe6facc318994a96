package dev.annotask.dataset;

/** A named set of an app's inputs; tasks can take their inputs from one. */
public record Dataset(String appUid, String id, String description, String notes, String metadataJson,
                      long createdAt, long modifiedAt) {
}
