package dev.annotask.input;

/**
 * An input of an app. {@code dataJson} is its {@code clarifai.api.Data} as JSON, without the
 * uploaded bytes, which live in their own table ({@code byteSize} tells how many there are).
 *
 * @param image what the header of the stored bytes says, read when they were stored; null
 *     when there are no bytes or they are no image Annotask reads
 * @param statusDetails why the status is what it is (a failed fetch), or null
 * @param mediaInfo what the content says of itself as Clarifai's {@code VideoInfo},
 *     {@code AudioInfo} or {@code TextInfo} in JSON ({@link MediaHeaders}), or null
 */
public record Input(String appUid, String id, String dataJson, long byteSize, int status, long createdAt,
                    long modifiedAt, ImageSize image, String statusDetails, String mediaInfo) {

    /** An input with nothing known of its video, audio or text. */
    public Input(String appUid, String id, String dataJson, long byteSize, int status, long createdAt,
                 long modifiedAt, ImageSize image, String statusDetails) {
        this(appUid, id, dataJson, byteSize, status, createdAt, modifiedAt, image, statusDetails, null);
    }

    /** An input as stored with no details on its status. */
    public Input(String appUid, String id, String dataJson, long byteSize, int status, long createdAt,
                 long modifiedAt, ImageSize image) {
        this(appUid, id, dataJson, byteSize, status, createdAt, modifiedAt, image, null, null);
    }

    Input withId(String newId) {
        return new Input(appUid, newId, dataJson, byteSize, status, createdAt, modifiedAt, image, statusDetails,
                mediaInfo);
    }
}
