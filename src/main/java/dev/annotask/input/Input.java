package dev.annotask.input;

/**
 * An input of an app. {@code dataJson} is its {@code clarifai.api.Data} as JSON, without the
 * uploaded bytes, which live in their own table ({@code byteSize} tells how many there are).
 */
public record Input(String appUid, String id, String dataJson, long byteSize, int status, long createdAt,
                    long modifiedAt) {
}
