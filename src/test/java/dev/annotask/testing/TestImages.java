package dev.annotask.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/**
 * Image files of a chosen size for tests: PNG, JPEG, GIF and BMP written by the JDK's own
 * encoders (real files any viewer opens), WebP put together by hand (the JDK has no WebP
 * encoder): a RIFF container with a VP8L, VP8 or VP8X header stating the size, which is all a
 * header reader looks at.
 */
public final class TestImages {
    private TestImages() {
    }

    public static byte[] png(int width, int height) {
        return encode("png", width, height, BufferedImage.TYPE_INT_ARGB);
    }

    public static byte[] jpeg(int width, int height) {
        return encode("jpeg", width, height, BufferedImage.TYPE_INT_RGB);
    }

    public static byte[] gif(int width, int height) {
        return encode("gif", width, height, BufferedImage.TYPE_BYTE_INDEXED);
    }

    public static byte[] bmp(int width, int height) {
        return encode("bmp", width, height, BufferedImage.TYPE_INT_RGB);
    }

    private static byte[] encode(String format, int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int x = 0; x < width; x++) {
            image.setRGB(x, x % height, 0xFF3366CC);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A lossless WebP header: signature 0x2F, then width-1 and height-1 in 14 bits each. */
    public static byte[] webpLossless(int width, int height) {
        ByteBuffer chunk = le(9);
        chunk.put((byte) 0x2F).putInt((width - 1) | (height - 1) << 14).put(new byte[4]);
        return riff("VP8L", chunk.array());
    }

    /** A lossy WebP header: a key frame's tag, the start code, then the 14-bit sides. */
    public static byte[] webpLossy(int width, int height) {
        ByteBuffer chunk = le(14);
        chunk.put(new byte[] {0x10, 0x02, 0x00}).put(new byte[] {(byte) 0x9D, 0x01, 0x2A})
                .putShort((short) width).putShort((short) height).put(new byte[4]);
        return riff("VP8 ", chunk.array());
    }

    /** An extended WebP header: flags, three reserved bytes, then the 24-bit canvas sides minus one. */
    public static byte[] webpExtended(int width, int height) {
        ByteBuffer chunk = le(10);
        chunk.putInt(0);
        chunk.put((byte) (width - 1)).put((byte) ((width - 1) >> 8)).put((byte) ((width - 1) >> 16));
        chunk.put((byte) (height - 1)).put((byte) ((height - 1) >> 8)).put((byte) ((height - 1) >> 16));
        return riff("VP8X", chunk.array());
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] riff(String fourcc, byte[] chunk) {
        ByteBuffer file = le(20 + chunk.length);
        file.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(12 + chunk.length)
                .put("WEBP".getBytes(StandardCharsets.US_ASCII)).put(fourcc.getBytes(StandardCharsets.US_ASCII))
                .putInt(chunk.length).put(chunk);
        return file.array();
    }

    /**
     * A JPEG whose size lies further than {@code padding} bytes in: an APP segment of that
     * much filler (as a large EXIF or ICC profile would be) right after SOI.
     */
    public static byte[] jpegWithLargeHeader(int width, int height, int padding) {
        byte[] plain = jpeg(width, height);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2); // SOI
        int left = padding;
        while (left > 0) {
            int length = Math.min(left, 65533);
            out.write(0xFF);
            out.write(0xE9); // APP9, nobody's
            out.write((length + 2) >> 8);
            out.write((length + 2) & 0xFF);
            out.write(new byte[length], 0, length);
            left -= length;
        }
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }
}
