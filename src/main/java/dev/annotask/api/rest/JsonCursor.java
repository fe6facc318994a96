package dev.annotask.api.rest;

/**
 * A position in a JSON text, and the tokens {@link WireJsonReader} reads from it: RFC 8259's
 * grammar and nothing more. Whatever else it meets (Gson's lenient forms: comments, single
 * quotes, unquoted names, leading zeros; a raw control character or a lone surrogate in a
 * string; nesting past {@link #MAX_DEPTH}) it refuses with {@link #DECLINED}, for the full
 * reading to take. Not thread-safe.
 */
final class JsonCursor {
    /** Nesting beyond this is left to the full reading (JsonFormat's limit is 100). */
    static final int MAX_DEPTH = 90;

    /** The text is not one this reader takes as it is; read it the full way. */
    static final class Declined extends RuntimeException {
        Declined() {
            super(null, null, false, false);
        }
    }

    static final Declined DECLINED = new Declined();

    private final String in;
    private int pos;

    JsonCursor(String in) {
        this.in = in;
    }

    boolean atEnd() {
        return pos == in.length();
    }

    /** Moves past {@code count} characters already looked at. */
    void skip(int count) {
        pos += count;
    }

    /** A JSON string at the position, decoded; one with a lone surrogate, a raw control character or an unknown escape declines. */
    String string() {
        expect('"');
        int start = pos;
        while (true) {
            char c = in.charAt(pos);
            if (c == '"') {
                String text = in.substring(start, pos++);
                requirePairedSurrogates(text);
                return text;
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw DECLINED;
            }
            pos++;
        }
        StringBuilder text = new StringBuilder().append(in, start, pos);
        while (true) {
            char c = in.charAt(pos++);
            if (c == '"') {
                String decoded = text.toString();
                requirePairedSurrogates(decoded);
                return decoded;
            }
            if (c < 0x20) {
                throw DECLINED;
            }
            if (c != '\\') {
                text.append(c);
                continue;
            }
            char escape = in.charAt(pos++);
            switch (escape) {
                case '"', '\\', '/' -> text.append(escape);
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(in.charAt(pos++), 16);
                        if (digit < 0) {
                            throw DECLINED;
                        }
                        code = code << 4 | digit;
                    }
                    text.append((char) code);
                }
                default -> throw DECLINED;
            }
        }
    }

    private void requirePairedSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw DECLINED; // UTF-8 has no form for it; the full reading keeps it as it is
            }
        }
    }

    /** The text of a JSON number at pos (RFC 8259's grammar, nothing more). */
    String numberToken() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (pos < in.length() && isDigit(in.charAt(pos))) {
                pos++;
            }
        } else {
            throw DECLINED;
        }
        if (pos < in.length() && in.charAt(pos) == '.') {
            pos++;
            requireDigits();
        }
        if (pos < in.length() && (in.charAt(pos) == 'e' || in.charAt(pos) == 'E')) {
            pos++;
            if (pos < in.length() && (in.charAt(pos) == '+' || in.charAt(pos) == '-')) {
                pos++;
            }
            requireDigits();
        }
        return in.substring(start, pos);
    }

    private void requireDigits() {
        if (pos >= in.length() || !isDigit(in.charAt(pos))) {
            throw DECLINED;
        }
        while (pos < in.length() && isDigit(in.charAt(pos))) {
            pos++;
        }
    }

    /** Any JSON value at pos, read for its syntax only (an unknown field's value). */
    void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw DECLINED;
        }
        char c = peek();
        if (c == '{') {
            pos++;
            whitespace();
            if (peek() == '}') {
                pos++;
                return;
            }
            do {
                whitespace();
                string();
                whitespace();
                expect(':');
                whitespace();
                skipValue(depth + 1);
                whitespace();
            } while (more('}'));
        } else if (c == '[') {
            pos++;
            whitespace();
            if (peek() == ']') {
                pos++;
                return;
            }
            do {
                whitespace();
                skipValue(depth + 1);
                whitespace();
            } while (more(']'));
        } else if (c == '"') {
            string();
        } else if (peekLiteral("null")) {
            pos += 4;
        } else if (peekLiteral("true")) {
            pos += 4;
        } else if (peekLiteral("false")) {
            pos += 5;
        } else {
            numberToken();
        }
    }

    boolean peekLiteral(String literal) {
        if (!in.startsWith(literal, pos)) {
            return false;
        }
        int end = pos + literal.length();
        return end == in.length() || !Character.isLetterOrDigit(in.charAt(end));
    }

    void whitespace() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    char peek() {
        return in.charAt(pos);
    }

    char next() {
        return in.charAt(pos++);
    }

    void expect(char c) {
        if (in.charAt(pos++) != c) {
            throw DECLINED;
        }
    }

    /** After a member or an item: true at a comma (more follow), false at {@code close}, which it moves past. */
    boolean more(char close) {
        char c = next();
        if (c == ',') {
            return true;
        }
        if (c != close) {
            throw DECLINED;
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
