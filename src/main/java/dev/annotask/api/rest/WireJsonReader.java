package dev.annotask.api.rest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.annotask.proto.auth.ExtensionProto;
import java.math.BigDecimal;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a request body of plain JSON straight into the message's binary form, which the
 * generated code then parses: one pass over the text, no JSON tree, no protobuf reflection.
 * The gateway's full reading (a Gson tree checked by {@link JsonShape}, then JsonFormat's own
 * tree and reflection, then the JSON-only float defaults) cost as much CPU as everything else
 * in an upload of 128 inputs.
 *
 * <p>It reads only what it can read exactly as the full reading does, and declines everything
 * else, for which the caller reads the body the full way, errors and all: so it changes no
 * answer. It declines JSON beyond RFC 8259 (which Gson's lenient reader takes), anything the
 * full reading would refuse or has a rule of its own for (a value of the wrong type, an enum
 * name the schema lacks, a string where a number is, a field or a oneof given twice, a null in a
 * list), numbers in forms other than plain decimals, lone surrogates, maps, and well-known types
 * other than Timestamp, Struct, Value and ListValue. Unknown fields are skipped, as JsonFormat
 * skips them. A {@code cl_default_float} the JSON leaves out is written with its default, as
 * {@link DefaultFloats} sets it. WireJsonReaderTest compares both readings on random messages
 * of every request type and on damaged JSON. Thread-safe.
 */
final class WireJsonReader {
    /** Nesting beyond this is left to the full reading (JsonFormat's limit is 100). */
    private static final int MAX_DEPTH = 90;
    private static final double FLOAT_TOLERANCE = 1e-6;
    private static final BigDecimal MORE_THAN_ONE = new BigDecimal(String.valueOf(1.0 + FLOAT_TOLERANCE));
    private static final BigDecimal MAX_DOUBLE = new BigDecimal(String.valueOf(Double.MAX_VALUE)).multiply(MORE_THAN_ONE);
    private static final BigDecimal MIN_DOUBLE = new BigDecimal(String.valueOf(-Double.MAX_VALUE)).multiply(MORE_THAN_ONE);

    /** The body is not one this reader takes as it is; read it the full way. */
    private static final class Declined extends RuntimeException {
        Declined() {
            super(null, null, false, false);
        }
    }

    private static final Declined DECLINED = new Declined();

    /** A message type's fields by proto and JSON name, and its floats with a JSON default. */
    private record Fields(Map<String, FieldDescriptor> byName, List<FieldDescriptor> defaulted) {
    }

    private final Map<Descriptor, Fields> fields = new ConcurrentHashMap<>();

    /** The message's binary form, or null when the full reading must read this body. */
    byte[] read(String json, Descriptor type) {
        try {
            Reading reading = new Reading(json);
            reading.whitespace();
            reading.message(type, 0);
            reading.whitespace();
            if (reading.pos != json.length()) {
                return null;
            }
            return reading.out.toByteArray();
        } catch (Declined | StringIndexOutOfBoundsException e) {
            return null;
        }
    }

    private Fields fields(Descriptor type) {
        Fields known = fields.get(type);
        if (known == null) {
            Map<String, FieldDescriptor> byName = new HashMap<>();
            List<FieldDescriptor> defaulted = new ArrayList<>();
            for (FieldDescriptor field : type.getFields()) {
                byName.put(field.getName(), field); // JsonFormat's order: later names win
                byName.put(field.getJsonName(), field);
                if (field.getJavaType() == FieldDescriptor.JavaType.FLOAT && field.hasPresence()
                        && field.getRealContainingOneof() == null
                        && field.getOptions().hasExtension(ExtensionProto.clDefaultFloat)) {
                    defaulted.add(field);
                }
            }
            for (Map.Entry<String, FieldDescriptor> name : byName.entrySet()) {
                if (FieldPaths.find(type, name.getKey()) != name.getValue()) {
                    byName = null; // JsonShape would place the name elsewhere: leave the type to the full reading
                    break;
                }
            }
            known = new Fields(byName, List.copyOf(defaulted));
            fields.put(type, known);
        }
        return known;
    }

    /** One body being read. */
    private final class Reading {
        private final String in;
        private final Out out = new Out();
        private int pos;

        Reading(String in) {
            this.in = in;
        }

        /** An object of the type at pos; its fields are written to out. */
        void message(Descriptor type, int depth) {
            if (depth > MAX_DEPTH) {
                throw DECLINED;
            }
            Fields known = fields(type);
            if (known.byName() == null) {
                throw DECLINED;
            }
            expect('{');
            boolean[] seen = new boolean[type.getFields().size()];
            boolean[] oneofs = new boolean[type.getOneofs().size()];
            boolean[] given = new boolean[type.getFields().size()];
            whitespace();
            if (peek() == '}') {
                pos++;
            } else {
                do {
                    whitespace();
                    String key = string();
                    whitespace();
                    expect(':');
                    whitespace();
                    FieldDescriptor field = known.byName().get(key);
                    if (field == null) {
                        skipValue(depth);
                    } else {
                        if (seen[field.getIndex()]) {
                            throw DECLINED; // a field given twice (by both its names, say)
                        }
                        seen[field.getIndex()] = true;
                        if (field.getRealContainingOneof() != null) {
                            int oneof = field.getRealContainingOneof().getIndex();
                            if (oneofs[oneof]) {
                                throw DECLINED;
                            }
                            oneofs[oneof] = true;
                        }
                        given[field.getIndex()] = field(field, depth);
                    }
                    whitespace();
                } while (next() == ',' || fail(pos - 1, '}'));
            }
            for (FieldDescriptor field : known.defaulted()) {
                if (!given[field.getIndex()]) {
                    out.tag(field.getNumber(), 5);
                    out.fixed32(Float.floatToRawIntBits(field.getOptions().getExtension(ExtensionProto.clDefaultFloat)));
                }
            }
        }

        /** The value of a known field at pos; false when it was null (the field left unset). */
        private boolean field(FieldDescriptor field, int depth) {
            if (field.isMapField()) {
                throw DECLINED;
            }
            if (peekLiteral("null")) {
                if (isValueOrNullValue(field)) {
                    throw DECLINED; // null means something for these
                }
                pos += 4;
                return false;
            }
            if (field.isRepeated()) {
                expect('[');
                whitespace();
                if (peek() == ']') {
                    pos++;
                    return true;
                }
                do {
                    whitespace();
                    if (peekLiteral("null")) {
                        throw DECLINED; // JsonFormat refuses null items (and skips null enum ones)
                    }
                    value(field, depth);
                    whitespace();
                } while (next() == ',' || fail(pos - 1, ']'));
                return true;
            }
            value(field, depth);
            return true;
        }

        private boolean isValueOrNullValue(FieldDescriptor field) {
            return (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && field.getMessageType().getFullName().equals("google.protobuf.Value"))
                    || (field.getJavaType() == FieldDescriptor.JavaType.ENUM
                    && field.getEnumType().getFullName().equals("google.protobuf.NullValue"));
        }

        /** One (non-null) value of the field at pos, written with its tag. */
        private void value(FieldDescriptor field, int depth) {
            int number = field.getNumber();
            switch (field.getType()) {
                case MESSAGE -> {
                    out.tag(number, 2);
                    int slot = out.reserveLength();
                    nested(field.getMessageType(), depth + 1);
                    out.patchLength(slot);
                }
                case STRING -> {
                    out.tag(number, 2);
                    stringValue();
                }
                case BYTES -> {
                    out.tag(number, 2);
                    bytesValue();
                }
                case ENUM -> {
                    out.tag(number, 0);
                    out.varint(enumValue(field));
                }
                case BOOL -> {
                    out.tag(number, 0);
                    out.varint(boolValue() ? 1 : 0);
                }
                case INT32 -> {
                    out.tag(number, 0);
                    out.varint(integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
                }
                case SINT32 -> {
                    out.tag(number, 0);
                    int value = (int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
                    out.varint((value << 1) ^ (value >> 31) & 0xffffffffL);
                }
                case SFIXED32 -> {
                    out.tag(number, 5);
                    out.fixed32((int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
                }
                case UINT32 -> {
                    out.tag(number, 0);
                    out.varint(integer(0, 0xffffffffL));
                }
                case FIXED32 -> {
                    out.tag(number, 5);
                    out.fixed32((int) integer(0, 0xffffffffL));
                }
                case INT64 -> {
                    out.tag(number, 0);
                    out.varint(integer(Long.MIN_VALUE, Long.MAX_VALUE));
                }
                case SINT64 -> {
                    out.tag(number, 0);
                    long value = integer(Long.MIN_VALUE, Long.MAX_VALUE);
                    out.varint((value << 1) ^ (value >> 63));
                }
                case SFIXED64 -> {
                    out.tag(number, 1);
                    out.fixed64(integer(Long.MIN_VALUE, Long.MAX_VALUE));
                }
                case UINT64 -> {
                    out.tag(number, 0);
                    out.varint(unsigned64());
                }
                case FIXED64 -> {
                    out.tag(number, 1);
                    out.fixed64(unsigned64());
                }
                case FLOAT -> {
                    out.tag(number, 5);
                    out.fixed32(Float.floatToRawIntBits(floatValue()));
                }
                case DOUBLE -> {
                    out.tag(number, 1);
                    out.fixed64(Double.doubleToRawLongBits(doubleValue()));
                }
                default -> throw DECLINED;
            }
        }

        /** A message value at pos: an object, or a well-known type's own JSON. */
        private void nested(Descriptor type, int depth) {
            if (depth > MAX_DEPTH) {
                throw DECLINED;
            }
            if (!type.getFile().getPackage().equals("google.protobuf")) {
                message(type, depth);
                return;
            }
            switch (type.getName()) {
                case "Timestamp" -> {
                    if (peek() != '"') {
                        throw DECLINED;
                    }
                    try {
                        Timestamp timestamp = Timestamps.parse(string());
                        out.raw(timestamp.toByteArray()); // its length slot is the caller's
                    } catch (ParseException e) {
                        throw DECLINED;
                    }
                }
                case "Struct" -> struct(depth);
                case "Value" -> anyValue(depth);
                case "ListValue" -> list(depth);
                default -> throw DECLINED;
            }
        }

        /** A Struct: entries (1) of key (1) and Value (2), in the object's order; a key given twice declines. */
        private void struct(int depth) {
            expect('{');
            whitespace();
            if (peek() == '}') {
                pos++;
                return;
            }
            Set<String> keys = new HashSet<>();
            do {
                whitespace();
                String key = string();
                if (!keys.add(key)) {
                    throw DECLINED; // Gson keeps one of the two; which, is its business
                }
                whitespace();
                expect(':');
                whitespace();
                out.tag(1, 2);
                int entry = out.reserveLength();
                out.tag(1, 2);
                out.utf8(key);
                out.tag(2, 2);
                int value = out.reserveLength();
                anyValue(depth + 1);
                out.patchLength(value);
                out.patchLength(entry);
                whitespace();
            } while (next() == ',' || fail(pos - 1, '}'));
        }

        /** A ListValue: values (1), nulls included (they are null Values). */
        private void list(int depth) {
            expect('[');
            whitespace();
            if (peek() == ']') {
                pos++;
                return;
            }
            do {
                whitespace();
                out.tag(1, 2);
                int value = out.reserveLength();
                anyValue(depth + 1);
                out.patchLength(value);
                whitespace();
            } while (next() == ',' || fail(pos - 1, ']'));
        }

        /** A Value's fields, as JsonFormat sets them: null 1, number 2, string 3, bool 4, struct 5, list 6. */
        private void anyValue(int depth) {
            if (depth > MAX_DEPTH) {
                throw DECLINED;
            }
            char c = peek();
            if (c == '{') {
                out.tag(5, 2);
                int slot = out.reserveLength();
                struct(depth);
                out.patchLength(slot);
            } else if (c == '[') {
                out.tag(6, 2);
                int slot = out.reserveLength();
                list(depth);
                out.patchLength(slot);
            } else if (c == '"') {
                out.tag(3, 2);
                stringValue();
            } else if (peekLiteral("null")) {
                pos += 4;
                out.tag(1, 0);
                out.varint(0);
            } else if (peekLiteral("true") || peekLiteral("false")) {
                out.tag(4, 0);
                out.varint(boolValue() ? 1 : 0);
            } else {
                out.tag(2, 1);
                out.fixed64(Double.doubleToRawLongBits(Double.parseDouble(numberToken()))); // Gson's getAsDouble
            }
        }

        private int enumValue(FieldDescriptor field) {
            if (field.getEnumType().getFullName().equals("google.protobuf.NullValue")) {
                throw DECLINED;
            }
            if (peek() == '"') {
                EnumValueDescriptor value = field.getEnumType().findValueByName(string());
                if (value == null) {
                    throw DECLINED; // JsonShape refuses it, naming the field
                }
                return value.getNumber();
            }
            if (field.getEnumType().isClosed()) {
                throw DECLINED; // proto2: an unknown number is not kept
            }
            return (int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE); // an unknown number is RequestChecks' to refuse
        }

        private boolean boolValue() {
            if (peekLiteral("true")) {
                pos += 4;
                return true;
            }
            if (peekLiteral("false")) {
                pos += 5;
                return false;
            }
            String text = peek() == '"' ? string() : null;
            if ("true".equals(text) || "false".equals(text)) {
                return text.equals("true");
            }
            throw DECLINED;
        }

        /** A plain decimal integer (a JSON number, or a string holding one) within the range. */
        private long integer(long min, long max) {
            String text = peek() == '"' ? string() : numberToken();
            if (!isPlainInteger(text) || text.length() > 20) {
                throw DECLINED;
            }
            try {
                long value = Long.parseLong(text);
                if (value < min || value > max) {
                    throw DECLINED;
                }
                return value;
            } catch (NumberFormatException e) {
                throw DECLINED;
            }
        }

        private long unsigned64() {
            String text = peek() == '"' ? string() : numberToken();
            if (!isPlainInteger(text) || text.startsWith("-")) {
                throw DECLINED;
            }
            try {
                return Long.parseUnsignedLong(text);
            } catch (NumberFormatException e) {
                throw DECLINED;
            }
        }

        /** As JsonFormat reads a float: through a double, within Float's range (with its tolerance). */
        private float floatValue() {
            String text = peek() == '"' ? special(string()) : numberToken();
            switch (text) {
                case "NaN" -> {
                    return Float.NaN;
                }
                case "Infinity" -> {
                    return Float.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Float.NEGATIVE_INFINITY;
                }
                default -> {
                    double value = Double.parseDouble(text);
                    if (value > Float.MAX_VALUE * (1.0 + FLOAT_TOLERANCE) || value < -Float.MAX_VALUE * (1.0 + FLOAT_TOLERANCE)) {
                        throw DECLINED;
                    }
                    return (float) value;
                }
            }
        }

        /** As JsonFormat reads a double: through a BigDecimal, within Double's range (with its tolerance). */
        private double doubleValue() {
            String text = peek() == '"' ? special(string()) : numberToken();
            switch (text) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                    BigDecimal value = new BigDecimal(text);
                    if (value.compareTo(MAX_DOUBLE) > 0 || value.compareTo(MIN_DOUBLE) < 0) {
                        throw DECLINED;
                    }
                    return value.doubleValue();
                }
            }
        }

        /** A quoted float: NaN or ±Infinity, or a JSON number's text. */
        private String special(String text) {
            if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity") || isJsonNumber(text)) {
                return text;
            }
            throw DECLINED;
        }

        private void stringValue() {
            if (peek() != '"') {
                throw DECLINED; // JsonShape wants a string here; JsonFormat would take a number's text
            }
            out.utf8(string());
        }

        /**
         * Base64 as the transcoder leaves it (its markers) or as JsonFormat prints it: standard,
         * padded. Anything else (URL-safe, unpadded) the full reading decodes its own way.
         */
        private void bytesValue() {
            if (peek() != '"') {
                throw DECLINED;
            }
            String text = string();
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw DECLINED;
            }
            if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
                throw DECLINED;
            }
            out.lengthDelimited(bytes);
        }

        /** A JSON string at pos, decoded; one with a lone surrogate, a raw control character or an unknown escape declines. */
        private String string() {
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
        private String numberToken() {
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
        private void skipValue(int depth) {
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
                } while (next() == ',' || fail(pos - 1, '}'));
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
                } while (next() == ',' || fail(pos - 1, ']'));
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

        private boolean peekLiteral(String literal) {
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

        private char peek() {
            return in.charAt(pos);
        }

        private char next() {
            return in.charAt(pos++);
        }

        private void expect(char c) {
            if (in.charAt(pos++) != c) {
                throw DECLINED;
            }
        }

        /** Ends a list of members or items: the character at {@code at} must close it. */
        private boolean fail(int at, char close) {
            if (in.charAt(at) != close) {
                throw DECLINED;
            }
            return false;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isPlainInteger(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start || (text.charAt(start) == '0' && text.length() > start + 1)) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isJsonNumber(String text) {
        return text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    }

    /** The binary form being written; nested lengths are patched in place (see {@link #reserveLength}). */
    private static final class Out {
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
}
