package dev.annotask.input;

/**
 * An image's size and format as its header states them (Clarifai's {@code ImageInfo}).
 *
 * @param format {@code JPEG}, {@code PNG}, {@code GIF}, {@code WEBP} or {@code BMP}, the names
 *     Clarifai prints
 */
public record ImageSize(int width, int height, String format) {
    public ImageSize {
        if (width <= 0 || height <= 0 || format == null || format.isEmpty()) {
            throw new IllegalArgumentException("an image size needs positive sides and a format");
        }
    }
}
