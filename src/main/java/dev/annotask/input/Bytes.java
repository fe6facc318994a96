package dev.annotask.input;

/**
 * Unsigned reads from a byte array that never throw: -1 when the value would reach past the
 * end (or start before the beginning), so a parser of hostile headers checks one sign instead
 * of every index. Stateless.
 */
final class Bytes {
    private Bytes() {
    }

    static boolean matches(byte[] b, long offset, int... expected) {
        if (offset < 0 || b.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[(int) offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(byte[] b, long offset, String ascii) {
        return matches(b, offset, ascii.chars().toArray());
    }

    static int u8(byte[] b, long at) {
        return at < 0 || at >= b.length ? -1 : b[(int) at] & 0xFF;
    }

    static int be16(byte[] b, long at) {
        return at < 0 || at + 2 > b.length ? -1 : (b[(int) at] & 0xFF) << 8 | b[(int) at + 1] & 0xFF;
    }

    static long be32(byte[] b, long at) {
        return at < 0 || at + 4 > b.length ? -1 : (long) be16(b, at) << 16 | be16(b, at + 2);
    }

    /** -1 also when the value does not fit a signed long. */
    static long be64(byte[] b, long at) {
        if (at < 0 || at + 8 > b.length) {
            return -1;
        }
        long high = be32(b, at);
        return high > Integer.MAX_VALUE ? -1 : high << 32 | be32(b, at + 4);
    }

    static int le16(byte[] b, long at) {
        return at < 0 || at + 2 > b.length ? -1 : (b[(int) at + 1] & 0xFF) << 8 | b[(int) at] & 0xFF;
    }

    static int le24(byte[] b, long at) {
        return at < 0 || at + 3 > b.length ? -1 : (b[(int) at + 2] & 0xFF) << 16 | le16(b, at);
    }

    static long le32(byte[] b, long at) {
        return at < 0 || at + 4 > b.length ? -1 : (long) le16(b, at + 2) << 16 | le16(b, at);
    }
}
