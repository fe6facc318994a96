package dev.annotask.input;

import java.util.Optional;

/**
 * Reads an image's width, height and format from its first bytes, without decoding a pixel:
 * PNG (IHDR), JPEG (the first SOF segment, walking the segments before it by their lengths),
 * GIF (logical screen), WebP (VP8, VP8L and VP8X) and BMP (the DIB header). Anything else,
 * and any header that is cut short or does not hold together, is empty: the reader never
 * throws and never reads outside the array, whatever the bytes.
 *
 * <p>Why not {@code javax.imageio}: the JDK has no WebP reader, and its readers are found
 * through a service registry that may cache streams in temporary files; five fixed layouts
 * are shorter to read than to configure around. Stateless.
 */
public final class ImageHeaders {
    private ImageHeaders() {
    }

    public static Optional<ImageSize> read(byte[] b) {
        if (b == null) {
            return Optional.empty();
        }
        if (Bytes.matches(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return png(b);
        }
        if (Bytes.matches(b, 0, 0xFF, 0xD8)) {
            return jpeg(b);
        }
        if (Bytes.matches(b, 0, 'G', 'I', 'F', '8') && (Bytes.matches(b, 4, '7', 'a') || Bytes.matches(b, 4, '9', 'a'))) {
            return size(Bytes.le16(b, 6), Bytes.le16(b, 8), "GIF");
        }
        if (Bytes.matches(b, 0, 'R', 'I', 'F', 'F') && Bytes.matches(b, 8, 'W', 'E', 'B', 'P')) {
            return webp(b);
        }
        if (Bytes.matches(b, 0, 'B', 'M')) {
            return bmp(b);
        }
        return Optional.empty();
    }

    /** True when the bytes start as a JPEG does: its size may lie beyond a short prefix (after EXIF, ICC…). */
    public static boolean looksLikeJpeg(byte[] b) {
        return b != null && Bytes.matches(b, 0, 0xFF, 0xD8, 0xFF);
    }

    private static Optional<ImageSize> png(byte[] b) {
        // Signature, then the first chunk must be IHDR: length, type, width, height (big-endian).
        if (!Bytes.matches(b, 12, 'I', 'H', 'D', 'R')) {
            return Optional.empty();
        }
        return size(Bytes.be32(b, 16), Bytes.be32(b, 20), "PNG");
    }

    /**
     * Walks the segments from SOI: each is {@code FF marker} and, but for the standalone
     * markers, a big-endian length that counts itself. The first start-of-frame (C0–CF but
     * C4 DHT, C8 JPG and CC DAC) holds precision, height, width. Start of scan or end of image
     * before it: no size. Each step moves forward, so the walk ends.
     */
    private static Optional<ImageSize> jpeg(byte[] b) {
        int at = 2;
        while (at + 1 < b.length) {
            if ((b[at] & 0xFF) != 0xFF) {
                return Optional.empty();
            }
            int marker = b[at + 1] & 0xFF;
            if (marker == 0xFF) {
                at++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                at += 2; // standalone: no length
                continue;
            }
            if (marker == 0xD8 || marker == 0xD9 || marker == 0xDA) {
                return Optional.empty();
            }
            int length = Bytes.be16(b, at + 2);
            if (length < 2) {
                return Optional.empty();
            }
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC;
            if (startOfFrame) {
                // Height 0 means "given later by a DNL segment": not something a header states.
                return length < 7 ? Optional.empty() : size(Bytes.be16(b, at + 7), Bytes.be16(b, at + 5), "JPEG");
            }
            at += 2 + length;
        }
        return Optional.empty();
    }

    private static Optional<ImageSize> webp(byte[] b) {
        if (Bytes.matches(b, 12, 'V', 'P', '8', ' ')) {
            // Lossy: a key frame's 3-byte tag (bit 0 clear), start code 9D 01 2A, then 14-bit sides.
            if (b.length < 30 || (b[20] & 1) != 0 || !Bytes.matches(b, 23, 0x9D, 0x01, 0x2A)) {
                return Optional.empty();
            }
            return size(Bytes.le16(b, 26) & 0x3FFF, Bytes.le16(b, 28) & 0x3FFF, "WEBP");
        }
        if (Bytes.matches(b, 12, 'V', 'P', '8', 'L')) {
            // Lossless: signature 0x2F, then width-1 and height-1 in 14 bits each, little-endian.
            if (b.length < 25 || (b[20] & 0xFF) != 0x2F) {
                return Optional.empty();
            }
            long bits = Bytes.le32(b, 21);
            return size((int) (bits & 0x3FFF) + 1, (int) ((bits >> 14) & 0x3FFF) + 1, "WEBP");
        }
        if (Bytes.matches(b, 12, 'V', 'P', '8', 'X')) {
            // Extended: flags and reserved bytes, then canvas width-1 and height-1 in 24 bits each.
            if (b.length < 30) {
                return Optional.empty();
            }
            return size(Bytes.le24(b, 24) + 1, Bytes.le24(b, 27) + 1, "WEBP");
        }
        return Optional.empty();
    }

    private static Optional<ImageSize> bmp(byte[] b) {
        long headerSize = Bytes.le32(b, 14);
        if (headerSize == 12) {
            return size(Bytes.le16(b, 18), Bytes.le16(b, 20), "BMP"); // OS/2 BITMAPCOREHEADER: 16-bit sides
        }
        if (headerSize < 16 || b.length < 26) {
            return Optional.empty();
        }
        int width = (int) Bytes.le32(b, 18);
        int height = (int) Bytes.le32(b, 22); // negative: rows stored top-down
        if (height == Integer.MIN_VALUE) {
            return Optional.empty();
        }
        return size(width, Math.abs(height), "BMP");
    }

    private static Optional<ImageSize> size(long width, long height, String format) {
        if (width <= 0 || height <= 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(new ImageSize((int) width, (int) height, format));
    }
}
