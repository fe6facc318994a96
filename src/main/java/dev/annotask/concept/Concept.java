package dev.annotask.concept;

/** A concept of an app: what labelers mark present or absent. */
public record Concept(String appUid, String id, String name, String language, String definition,
                      String metadataJson, long createdAt, long modifiedAt) {
}
