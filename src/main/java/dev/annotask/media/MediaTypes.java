package dev.annotask.media;

/**
 * The content type of stored bytes, read from their first bytes: PostInputs takes raw bytes
 * without a type, and a browser given {@code nosniff} shows an image only under its own type.
 * Anything unknown is served as {@code application/octet-stream}, which a browser won't render.
 * Stateless.
 */
final class MediaTypes {
    private MediaTypes() {
    }

    static String sniff(byte[] b) {
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return "image/webp";
        }
        if (startsWith(b, 0, 'B', 'M')) {
            return "image/bmp";
        }
        if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
            return "video/mp4";
        }
        if (startsWith(b, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return "video/webm";
        }
        if (startsWith(b, 0, 'I', 'D', '3') || startsWith(b, 0, 0xFF, 0xFB)) {
            return "audio/mpeg";
        }
        if (startsWith(b, 0, 'O', 'g', 'g', 'S')) {
            return "audio/ogg";
        }
        return "application/octet-stream";
    }

    private static boolean startsWith(byte[] bytes, int offset, int... expected) {
        if (bytes.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((bytes[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
