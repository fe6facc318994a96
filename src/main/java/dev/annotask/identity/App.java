package dev.annotask.identity;

/**
 * An application: the container of inputs, concepts, datasets and tasks.
 *
 * <p>{@code id} is unique per owner, as in Clarifai; {@code uid} is Annotask's own key for the
 * app, which every table that belongs to an app references, so owner and id stay in one place.
 *
 * @param metadataJson the app's free metadata as JSON text, or null
 */
public record App(String uid, String ownerId, String id, String name, String description,
                  String defaultLanguage, String notes, String metadataJson, long createdAt, long modifiedAt) {
}
