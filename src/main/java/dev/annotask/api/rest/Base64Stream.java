package dev.annotask.api.rest;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Base64 text decoded as it arrives, one character at a time, so a request body's image is
 * never held as text: only its bytes are kept, in growing pieces, and copied once into an
 * array of the exact size at the end.
 *
 * <p>Accepts what JsonFormat's reader accepts for a {@code bytes} field: the standard or the
 * URL-safe alphabet, padding optional, no whitespace. Leftover bits of a last partial group are
 * dropped, as there. One stream per value; not thread-safe.
 */
final class Base64Stream {
    private static final int FIRST_PIECE = 4 * 1024;
    private static final int LARGEST_PIECE = 1024 * 1024;
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        String standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < standard.length(); i++) {
            VALUES[standard.charAt(i)] = (byte) i;
        }
        VALUES['-'] = 62;
        VALUES['_'] = 63;
    }

    private final List<byte[]> fullPieces = new ArrayList<>();
    private byte[] piece = new byte[FIRST_PIECE];
    private int used;
    private long decoded;
    private int group;
    private int charsInGroup;
    private boolean padding;

    /** Takes the next character; false when it cannot appear here in base64 text. */
    boolean accept(int character) {
        if (character == '=') {
            padding = true;
            return true;
        }
        int value = character < 128 ? VALUES[character] : -1;
        if (value < 0 || padding) {
            return false;
        }
        group = group << 6 | value;
        if (++charsInGroup == 4) {
            put((byte) (group >> 16));
            put((byte) (group >> 8));
            put((byte) group);
            group = 0;
            charsInGroup = 0;
        }
        return true;
    }

    /** The decoded bytes, or null when the text ended in the middle of a byte. */
    ByteString finish() {
        switch (charsInGroup) {
            case 1 -> {
                return null;
            }
            case 2 -> put((byte) (group >> 4));
            case 3 -> {
                put((byte) (group >> 10));
                put((byte) (group >> 2));
            }
            default -> {
            }
        }
        byte[] bytes = new byte[Math.toIntExact(decoded)];
        int offset = 0;
        for (int i = 0; i < fullPieces.size(); i++) {
            byte[] full = fullPieces.set(i, null); // let each piece go as soon as it is copied
            System.arraycopy(full, 0, bytes, offset, full.length);
            offset += full.length;
        }
        System.arraycopy(piece, 0, bytes, offset, used);
        piece = null;
        // The array is ours alone and never written again, so the ByteString may share it.
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    /** Bytes decoded so far. */
    long decoded() {
        return decoded;
    }

    private void put(byte value) {
        if (used == piece.length) {
            fullPieces.add(piece);
            piece = new byte[Math.min(piece.length * 2, LARGEST_PIECE)];
            used = 0;
        }
        piece[used++] = value;
        decoded++;
    }
}
