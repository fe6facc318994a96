package dev.annotask.wire;

/**
 * A position in a message's binary form (protobuf's wire format), and the reads that walk it:
 * tags, varints, fixed-width numbers, lengths. For code that reads messages without protobuf's
 * reflection ({@link WireJsonPrinter}, the request checks): the generated code writes the bytes,
 * fast, and these read them with the message's descriptor at hand. Not thread-safe.
 */
public final class WireCursor {
    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LENGTH_DELIMITED = 2;
    public static final int FIXED32 = 5;

    /** The bytes end inside a value, or hold a wire type this reader does not take (groups). */
    public static final class Malformed extends RuntimeException {
        Malformed(String what) {
            super(what, null, false, false);
        }
    }

    private final byte[] in;
    private int pos;

    public WireCursor(byte[] in) {
        this.in = in;
    }

    public byte[] bytes() {
        return in;
    }

    public int position() {
        return pos;
    }

    public void seek(int position) {
        pos = position;
    }

    public long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= in.length) {
                throw new Malformed("a varint runs past the end");
            }
            byte b = in[pos++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new Malformed("a varint longer than ten bytes");
    }

    public int fixed32() {
        require(4);
        int value = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
        pos += 4;
        return value;
    }

    public long fixed64() {
        long low = fixed32() & 0xffffffffL;
        return low | (fixed32() & 0xffffffffL) << 32;
    }

    /** Reads a length; where the value it measures ends. */
    public int end() {
        long length = varint();
        if (length < 0 || length > in.length - pos) {
            throw new Malformed("a length runs past the end");
        }
        return pos + (int) length;
    }

    /** Skips the value of a tag just read. */
    public void skip(int wireType) {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> {
                require(8);
                pos += 8;
            }
            case LENGTH_DELIMITED -> pos = end();
            case FIXED32 -> {
                require(4);
                pos += 4;
            }
            default -> throw new Malformed("wire type " + wireType);
        }
    }

    /** The field number of the tag at the position, which does not move; 0 at {@code to}. */
    public int peekNumber(int to) {
        if (pos >= to) {
            return 0;
        }
        int start = pos;
        long tag = varint();
        pos = start;
        return (int) (tag >>> 3);
    }

    /** Whether the tag at the position (before {@code to}) is of this field; the position does not move. */
    public boolean atField(int number, int to) {
        return pos < to && peekNumber(to) == number;
    }

    private void require(int count) {
        if (count > in.length - pos) {
            throw new Malformed("a fixed-width value runs past the end");
        }
    }
}
