package dev.annotask.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON being written as UTF-8 bytes, with strings escaped as JsonFormat escapes them: control
 * characters, {@code "} and {@code \}, and {@code <>&='} and U+2028/U+2029 (which would end a
 * script or a line in a browser) as {@code \}{@code uXXXX}. Not thread-safe.
 */
final class JsonOut {
    private static final byte[][] ESCAPES = new byte[128][];
    private static final byte[] LINE_SEPARATOR = asciiBytes("\\u2028");
    private static final byte[] PARAGRAPH_SEPARATOR = asciiBytes("\\u2029");

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = asciiBytes(String.format("\\u%04x", c));
        }
        ESCAPES['\b'] = asciiBytes("\\b");
        ESCAPES['\t'] = asciiBytes("\\t");
        ESCAPES['\n'] = asciiBytes("\\n");
        ESCAPES['\f'] = asciiBytes("\\f");
        ESCAPES['\r'] = asciiBytes("\\r");
        ESCAPES['"'] = asciiBytes("\\\"");
        ESCAPES['\\'] = asciiBytes("\\\\");
        for (char c : "<>&='".toCharArray()) {
            ESCAPES[c] = asciiBytes(String.format("\\u%04x", (int) c));
        }
    }

    private byte[] bytes;
    private int length;

    JsonOut(int capacity) {
        bytes = new byte[capacity];
    }

    static byte[] asciiBytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    JsonOut put(char ascii) {
        ensure(1);
        bytes[length++] = (byte) ascii;
        return this;
    }

    JsonOut put(byte[] more) {
        ensure(more.length);
        System.arraycopy(more, 0, bytes, length, more.length);
        length += more.length;
        return this;
    }

    JsonOut ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** A UTF-8 string from the wire, {@code in[from, to)}, quoted and escaped. */
    void string(byte[] in, int from, int to) {
        put('"');
        int run = from;
        for (int i = from; i < to; i++) {
            int b = in[i];
            byte[] escape = null;
            int skipped = 0;
            if (b >= 0) {
                escape = ESCAPES[b];
            } else if (b == (byte) 0xE2 && i + 2 < to && in[i + 1] == (byte) 0x80
                    && (in[i + 2] == (byte) 0xA8 || in[i + 2] == (byte) 0xA9)) {
                escape = in[i + 2] == (byte) 0xA8 ? LINE_SEPARATOR : PARAGRAPH_SEPARATOR;
                skipped = 2;
            }
            if (escape != null) {
                raw(in, run, i);
                put(escape);
                i += skipped;
                run = i + 1;
            }
        }
        raw(in, run, to);
        put('"');
    }

    int length() {
        return length;
    }

    /** Appends a copy of what was written at {@code from}. */
    void copyOf(int from, int count) {
        ensure(count);
        System.arraycopy(bytes, from, bytes, length, count);
        length += count;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void raw(byte[] in, int from, int to) {
        if (to > from) {
            ensure(to - from);
            System.arraycopy(in, from, bytes, length, to - from);
            length += to - from;
        }
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
