package dev.annotask.api.rest;

import java.util.Arrays;

/**
 * A message's binary form (protobuf's wire format) being written by {@link WireJsonReader}:
 * tags, varints, fixed-width numbers, UTF-8 strings; nested lengths patched in place (see
 * {@link #reserveLength}). Not thread-safe.
 */
final class WireWriter {
    private static final int LENGTH_SLOT = 5;
    private byte[] bytes = new byte[1024];
    private int length;

    void tag(int number, int wireType) {
        varint((long) number << 3 | wireType);
    }

    void varint(long value) {
        ensure(10);
        while ((value & ~0x7fL) != 0) {
            bytes[length++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        bytes[length++] = (byte) value;
    }

    void fixed32(int value) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            bytes[length++] = (byte) (value >>> (8 * i));
        }
    }

    void fixed64(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            bytes[length++] = (byte) (value >>> (8 * i));
        }
    }

    void raw(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, length, value.length);
        length += value.length;
    }

    void lengthDelimited(byte[] value) {
        varint(value.length);
        raw(value);
    }

    /** A string as UTF-8 with its length (its surrogates are paired: checked when read). */
    void utf8(String text) {
        int slot = reserveLength();
        ensure(text.length() * 3);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else if (c < 0x800) {
                bytes[length++] = (byte) (0xc0 | c >> 6);
                bytes[length++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c)) {
                int code = Character.toCodePoint(c, text.charAt(++i));
                bytes[length++] = (byte) (0xf0 | code >> 18);
                bytes[length++] = (byte) (0x80 | (code >> 12 & 0x3f));
                bytes[length++] = (byte) (0x80 | (code >> 6 & 0x3f));
                bytes[length++] = (byte) (0x80 | (code & 0x3f));
            } else {
                bytes[length++] = (byte) (0xe0 | c >> 12);
                bytes[length++] = (byte) (0x80 | (c >> 6 & 0x3f));
                bytes[length++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        patchLength(slot);
    }

    /**
     * Room for a length not known yet, written later by {@link #patchLength} as a varint of
     * five bytes whatever its value: longer than need be, which every protobuf parser takes
     * (the generated one re-encodes nothing), and the bytes after it never move.
     */
    int reserveLength() {
        ensure(LENGTH_SLOT);
        int slot = length;
        length += LENGTH_SLOT;
        return slot;
    }

    void patchLength(int slot) {
        int value = length - slot - LENGTH_SLOT;
        for (int i = 0; i < LENGTH_SLOT - 1; i++) {
            bytes[slot + i] = (byte) ((value >>> (7 * i) & 0x7f) | 0x80);
        }
        bytes[slot + LENGTH_SLOT - 1] = (byte) (value >>> 28);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }
}
