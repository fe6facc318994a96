package dev.annotask.json;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.annotask.proto.auth.ExtensionProto;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints a message as JsonFormat prints it, byte for byte, but from the message's binary form:
 * the generated code serializes it (fast, no reflection), and this walks the bytes with the
 * message's descriptor, writing UTF-8 JSON as it goes. JsonFormat instead reads every field
 * through protobuf's reflection and formats each Timestamp with a date formatter and
 * {@code String.format}; for the answer to an upload of 128 inputs that was a quarter of the
 * server's CPU.
 *
 * <p>Two forms: {@link #forRest} is the REST gateway's (docs/COMPATIBILITY.md, "Wire
 * behaviour": enums as numbers, Clarifai's always-printed fields), {@link #forStorage} that of
 * messages stored as JSON text (enums by name, nothing printed that is not set).
 *
 * <p>What it does not know how to print exactly it refuses with {@link Unsupported}, and the
 * caller prints that message with JsonFormat instead: {@code Any}, {@code Duration},
 * {@code FieldMask}, groups, a Timestamp out of range, and bytes not laid out as generated code
 * writes them (fields out of number order, a repeated field split, a singular one repeated).
 * WireJsonPrinterTest compares both printers on random messages of every type of the schema.
 *
 * <p>JsonFormat's rules, with proto field names and no whitespace: fields in number order,
 * 64-bit integers quoted, floats as Java prints them ({@code "NaN"}, {@code "Infinity"}
 * quoted), bytes as base64, strings escaped as JsonFormat escapes them (control characters,
 * {@code "} and {@code \}, and {@code <>&='} and U+2028/U+2029 as {@code \}{@code uXXXX}).
 * In the REST form, the fields of {@code alwaysPrinted} are present when empty, and an unset
 * optional scalar marked {@code cl_show_if_empty} is printed with its zero value except inside
 * map values and well-known types (the gateway's own rule, which never reached those).
 * Thread-safe.
 */
public final class WireJsonPrinter {
    /** The message holds something this printer leaves to JsonFormat. */
    public static final class Unsupported extends RuntimeException {
        Unsupported(String what) {
            super(what, null, false, false);
        }
    }

    private static final int MAX_DEPTH = 100;

    private static final byte[][] ESCAPES = new byte[128][];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = String.format("\\u%04x", c).getBytes();
        }
        ESCAPES['\b'] = "\\b".getBytes();
        ESCAPES['\t'] = "\\t".getBytes();
        ESCAPES['\n'] = "\\n".getBytes();
        ESCAPES['\f'] = "\\f".getBytes();
        ESCAPES['\r'] = "\\r".getBytes();
        ESCAPES['"'] = "\\\"".getBytes();
        ESCAPES['\\'] = "\\\\".getBytes();
        for (char c : "<>&='".toCharArray()) {
            ESCAPES[c] = String.format("\\u%04x", (int) c).getBytes();
        }
    }

    /** How a message type prints: its fields in number order, or a well-known type's own form. */
    private record Plan(Descriptor type, Special special, int[] numbers, FieldPlan[] fields) {
        FieldPlan field(int number) {
            int at = Arrays.binarySearch(numbers, number);
            return at < 0 ? null : fields[at];
        }
    }

    private enum Special { NONE, TIMESTAMP, STRUCT, VALUE, LIST_VALUE, WRAPPER }

    /**
     * One field: its key as printed ({@code "name":}), whether it prints when absent (the
     * always-printed set; or, when filling, ProtoJson's show-if-empty optionals), and for maps
     * the entry's key and value fields.
     */
    private record FieldPlan(FieldDescriptor field, byte[] key, boolean always, boolean fill,
                             FieldDescriptor mapKey, FieldDescriptor mapValue) {
    }

    private final Set<FieldDescriptor> alwaysPrinted;
    private final boolean enumsAsNumbers;
    private final boolean showIfEmpty;
    private final ConcurrentHashMap<Descriptor, Plan> plans = new ConcurrentHashMap<>();

    private WireJsonPrinter(Set<FieldDescriptor> alwaysPrinted, boolean enumsAsNumbers, boolean showIfEmpty) {
        this.alwaysPrinted = Set.copyOf(alwaysPrinted);
        this.enumsAsNumbers = enumsAsNumbers;
        this.showIfEmpty = showIfEmpty;
    }

    /**
     * The REST gateway's form: JsonFormat's {@code printingEnumsAsInts()} and
     * {@code includingDefaultValueFields(alwaysPrinted)}, plus the show-if-empty optionals.
     */
    public static WireJsonPrinter forRest(Set<FieldDescriptor> alwaysPrinted) {
        return new WireJsonPrinter(alwaysPrinted, true, true);
    }

    /** Stored JSON: JsonFormat's {@code preservingProtoFieldNames().omittingInsignificantWhitespace()} alone. */
    public static WireJsonPrinter forStorage() {
        return new WireJsonPrinter(Set.of(), false, false);
    }

    /** The message as UTF-8 JSON. @throws Unsupported when JsonFormat must print it */
    public byte[] print(Message message) {
        byte[] wire = message.toByteArray();
        Out out = new Out(Math.max(64, wire.length + wire.length / 2));
        new Walk(wire, out).message(plan(message.getDescriptorForType()), 0, wire.length, showIfEmpty, 0);
        return out.toByteArray();
    }

    private Plan plan(Descriptor type) {
        Plan plan = plans.get(type);
        if (plan == null) {
            plan = newPlan(type);
            Plan raced = plans.putIfAbsent(type, plan);
            plan = raced != null ? raced : plan;
        }
        return plan;
    }

    private Plan newPlan(Descriptor type) {
        Special special = special(type);
        FieldDescriptor[] sorted = type.getFields().toArray(FieldDescriptor[]::new);
        Arrays.sort(sorted, Comparator.comparingInt(FieldDescriptor::getNumber));
        int[] numbers = new int[sorted.length];
        FieldPlan[] fields = new FieldPlan[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            FieldDescriptor field = sorted[i];
            numbers[i] = field.getNumber();
            if (field.getType() == FieldDescriptor.Type.GROUP) {
                throw new Unsupported("group"); // proto2 only
            }
            boolean fill = field.getJavaType() != FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()
                    && field.hasPresence() && field.getRealContainingOneof() == null
                    && field.getOptions().getExtension(ExtensionProto.clShowIfEmpty);
            FieldDescriptor mapKey = field.isMapField() ? field.getMessageType().findFieldByNumber(1) : null;
            FieldDescriptor mapValue = field.isMapField() ? field.getMessageType().findFieldByNumber(2) : null;
            fields[i] = new FieldPlan(field, ascii("\"" + field.getName() + "\":"), alwaysPrinted.contains(field), fill,
                    mapKey, mapValue);
        }
        return new Plan(type, special, numbers, fields);
    }

    private static Special special(Descriptor type) {
        if (!type.getFile().getPackage().equals("google.protobuf")) {
            return Special.NONE;
        }
        return switch (type.getName()) {
            case "Timestamp" -> Special.TIMESTAMP;
            case "Struct" -> Special.STRUCT;
            case "Value" -> Special.VALUE;
            case "ListValue" -> Special.LIST_VALUE;
            case "DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value",
                 "BoolValue", "StringValue", "BytesValue" -> Special.WRAPPER;
            case "Any", "Duration", "FieldMask" -> throw new Unsupported(type.getFullName());
            default -> Special.NONE; // Empty and the like print as plain messages
        };
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** One printing: the wire bytes and the output. */
    private final class Walk {
        private final byte[] in;
        private final Out out;
        private int pos;
        /** The last Timestamp printed: a list's items often share theirs (an upload's inputs do). */
        private long lastSeconds;
        private int lastNanos;
        private int lastFrom = -1;
        private int lastLength;

        Walk(byte[] in, Out out) {
            this.in = in;
            this.out = out;
        }

        /**
         * Prints the message whose bytes are {@code in[from, to)}. {@code fill}: ProtoJson's
         * show-if-empty rule applies here (not inside map values or well-known types).
         */
        void message(Plan plan, int from, int to, boolean fill, int depth) {
            if (depth > MAX_DEPTH) {
                throw new Unsupported("nesting");
            }
            switch (plan.special()) {
                case TIMESTAMP -> timestamp(from, to);
                case STRUCT -> struct(plan, from, to, depth);
                case VALUE -> value(plan, from, to, depth);
                case LIST_VALUE -> listValue(plan, from, to, depth);
                case WRAPPER -> wrapper(plan, from, to, depth);
                case NONE -> fields(plan, from, to, fill && !isWellKnown(plan.type()), depth);
            }
        }

        private void fields(Plan plan, int from, int to, boolean fill, int depth) {
            out.put('{');
            boolean first = true;
            pos = from;
            int lastNumber = 0;
            for (FieldPlan field : plan.fields()) {
                int number = field.field().getNumber();
                int next = nextKnownNumber(plan, to);
                if (next != 0 && next < number) {
                    throw new Unsupported("fields out of order in " + plan.type().getFullName());
                }
                if (next != number) {
                    if (field.always() || (fill && field.fill())) {
                        first = comma(first);
                        out.put(field.key());
                        absent(field);
                    }
                    continue;
                }
                first = comma(first);
                out.put(field.key());
                present(field, to, fill, depth);
                lastNumber = number;
            }
            if (nextKnownNumber(plan, to) != 0) {
                throw new Unsupported("a field after field " + lastNumber + " in " + plan.type().getFullName());
            }
            out.put('}');
        }

        /** Skips fields this type does not know; the number of the next known one, 0 at the end. */
        private int nextKnownNumber(Plan plan, int to) {
            while (pos < to) {
                int start = pos;
                long tag = varint();
                int number = (int) (tag >>> 3);
                if (Arrays.binarySearch(plan.numbers(), number) >= 0) {
                    pos = start;
                    return number;
                }
                skip((int) tag & 7);
            }
            return 0;
        }

        /** Prints the field at pos (all its consecutive entries), leaving pos after them. */
        private void present(FieldPlan plan, int to, boolean fill, int depth) {
            FieldDescriptor field = plan.field();
            int number = field.getNumber();
            if (field.isMapField()) {
                out.put('{');
                boolean first = true;
                while (atField(number, to)) {
                    int wire = (int) varint() & 7;
                    requireWire(wire, 2);
                    int end = end();
                    first = comma(first);
                    mapEntry(plan, pos, end, depth);
                    pos = end;
                }
                out.put('}');
            } else if (field.isRepeated()) {
                out.put('[');
                boolean first = true;
                while (atField(number, to)) {
                    int wire = (int) varint() & 7;
                    if (wire == 2 && isPackable(field)) {
                        int end = end();
                        while (pos < end) {
                            first = comma(first);
                            scalar(field, expectedWire(field), false);
                        }
                        if (pos != end) {
                            throw new Unsupported("packed field overrun");
                        }
                    } else {
                        first = comma(first);
                        single(field, wire, fill, depth);
                    }
                }
                out.put(']');
            } else {
                int wire = (int) varint() & 7;
                single(field, wire, fill, depth);
                if (atField(number, to)) {
                    throw new Unsupported("singular field repeated");
                }
            }
        }

        private boolean atField(int number, int to) {
            if (pos >= to) {
                return false;
            }
            int start = pos;
            long tag = varint();
            pos = start;
            return (int) (tag >>> 3) == number;
        }

        /** One value of the field, its tag read; {@code wire} is the wire type the tag gave. */
        private void single(FieldDescriptor field, int wire, boolean fill, int depth) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                requireWire(wire, 2);
                int end = end();
                message(plan(field.getMessageType()), pos, end, fill, depth + 1);
                pos = end;
            } else {
                scalar(field, wire, false);
            }
        }

        private void mapEntry(FieldPlan plan, int from, int to, int depth) {
            // Key (1) then value (2), as generated code writes them; either may be absent (its default).
            int keyFrom = -1;
            int keyWire = 0;
            int valueFrom = -1;
            int valueWire = 0;
            pos = from;
            while (pos < to) {
                long tag = varint();
                int number = (int) (tag >>> 3);
                int wire = (int) tag & 7;
                if (number == 1) {
                    keyFrom = pos;
                    keyWire = wire;
                } else if (number == 2) {
                    valueFrom = pos;
                    valueWire = wire;
                }
                skip(wire);
            }
            if (keyFrom < 0) {
                absentValue(plan.mapKey(), true);
            } else {
                pos = keyFrom;
                scalar(plan.mapKey(), keyWire, true);
            }
            out.put(':');
            if (valueFrom < 0) {
                if (plan.mapValue().getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    message(plan(plan.mapValue().getMessageType()), to, to, false, depth + 1);
                } else {
                    absentValue(plan.mapValue(), false);
                }
            } else {
                pos = valueFrom;
                single(plan.mapValue(), valueWire, false, depth);
            }
            pos = to;
        }

        /** A field absent from the bytes that prints anyway. */
        private void absent(FieldPlan plan) {
            FieldDescriptor field = plan.field();
            if (field.isMapField()) {
                out.put('{').put('}');
            } else if (field.isRepeated()) {
                out.put('[').put(']');
            } else {
                absentValue(field, false);
            }
        }

        /** A scalar's zero value, as JsonFormat prints it. */
        private void absentValue(FieldDescriptor field, boolean quoted) {
            switch (field.getType()) {
                case INT64, SINT64, SFIXED64, UINT64, FIXED64 -> out.ascii("\"0\"");
                case INT32, SINT32, SFIXED32, UINT32, FIXED32 -> out.ascii(quoted ? "\"0\"" : "0");
                case FLOAT, DOUBLE -> out.ascii(quoted ? "\"0.0\"" : "0.0");
                case BOOL -> out.ascii(quoted ? "\"false\"" : "false");
                case STRING, BYTES -> out.ascii("\"\"");
                case ENUM -> enumValue(field, 0, quoted);
                default -> throw new Unsupported("absent " + field.getType());
            }
        }

        private void scalar(FieldDescriptor field, int wire, boolean quoted) {
            requireWire(wire, expectedWire(field));
            switch (field.getType()) {
                case INT32 -> number(Integer.toString((int) varint()), quoted);
                case SINT32 -> {
                    int raw = (int) varint();
                    number(Integer.toString((raw >>> 1) ^ -(raw & 1)), quoted);
                }
                case UINT32 -> number(Integer.toUnsignedString((int) varint()), quoted);
                case INT64 -> number(Long.toString(varint()), true);
                case SINT64 -> {
                    long raw = varint();
                    number(Long.toString((raw >>> 1) ^ -(raw & 1)), true);
                }
                case UINT64 -> number(Long.toUnsignedString(varint()), true);
                case FIXED32 -> number(Integer.toUnsignedString(fixed32()), quoted);
                case SFIXED32 -> number(Integer.toString(fixed32()), quoted);
                case FIXED64 -> number(Long.toUnsignedString(fixed64()), true);
                case SFIXED64 -> number(Long.toString(fixed64()), true);
                case BOOL -> number(varint() != 0 ? "true" : "false", quoted);
                case FLOAT -> floating(Float.intBitsToFloat(fixed32()), quoted);
                case DOUBLE -> floating(Double.longBitsToDouble(fixed64()), quoted);
                case ENUM -> enumValue(field, (int) varint(), quoted);
                case STRING -> {
                    int length = length();
                    out.string(in, pos, pos + length);
                    pos += length;
                }
                case BYTES -> {
                    int length = length();
                    out.put('"').put(java.util.Base64.getEncoder().encode(Arrays.copyOfRange(in, pos, pos + length)))
                            .put('"');
                    pos += length;
                }
                default -> throw new Unsupported(field.getType().toString());
            }
        }

        private void enumValue(FieldDescriptor field, int number, boolean quoted) {
            if (field.getEnumType().getFullName().equals("google.protobuf.NullValue")) {
                out.ascii(quoted ? "\"NULL_VALUE\"" : "null");
                return;
            }
            var value = enumsAsNumbers ? null : field.getEnumType().findValueByNumber(number);
            if (value == null) {
                number(Integer.toString(number), quoted); // a number the schema does not define prints as one
            } else {
                out.put('"').ascii(value.getName()).put('"');
            }
        }

        private void number(String text, boolean quoted) {
            if (quoted) {
                out.put('"').ascii(text).put('"');
            } else {
                out.ascii(text);
            }
        }

        private void floating(double value, boolean quoted) {
            if (Double.isNaN(value)) {
                out.ascii("\"NaN\"");
            } else if (Double.isInfinite(value)) {
                out.ascii(value < 0 ? "\"-Infinity\"" : "\"Infinity\"");
            } else {
                number(Double.toString(value), quoted);
            }
        }

        private void floating(float value, boolean quoted) {
            if (Float.isNaN(value)) {
                out.ascii("\"NaN\"");
            } else if (Float.isInfinite(value)) {
                out.ascii(value < 0 ? "\"-Infinity\"" : "\"Infinity\"");
            } else {
                number(Float.toString(value), quoted);
            }
        }

        private void timestamp(int from, int to) {
            long seconds = 0;
            int nanos = 0;
            pos = from;
            while (pos < to) {
                long tag = varint();
                int number = (int) (tag >>> 3);
                int wire = (int) tag & 7;
                if (number == 1 && wire == 0) {
                    seconds = varint();
                } else if (number == 2 && wire == 0) {
                    nanos = (int) varint();
                } else {
                    skip(wire);
                }
            }
            if (lastFrom >= 0 && seconds == lastSeconds && nanos == lastNanos) {
                out.copyOf(lastFrom, lastLength);
            } else {
                int start = out.length();
                Timestamps.print(seconds, nanos, out);
                lastSeconds = seconds;
                lastNanos = nanos;
                lastFrom = start;
                lastLength = out.length() - start;
            }
            pos = to;
        }

        private void struct(Plan plan, int from, int to, int depth) {
            pos = from;
            FieldPlan fields = plan.fields()[0];
            if (nextKnownNumber(plan, to) == fields.field().getNumber()) {
                present(fields, to, false, depth);
            } else {
                out.put('{').put('}');
            }
            if (nextKnownNumber(plan, to) != 0) {
                throw new Unsupported("Struct layout");
            }
            pos = to;
        }

        private void value(Plan plan, int from, int to, int depth) {
            pos = from;
            int number = nextKnownNumber(plan, to);
            if (number == 0) {
                out.ascii("null");
                return;
            }
            FieldPlan kind = plan.field(number);
            int wire = (int) varint() & 7;
            single(kind.field(), wire, false, depth);
            if (nextKnownNumber(plan, to) != 0) {
                throw new Unsupported("Value with more than one kind");
            }
            pos = to;
        }

        private void listValue(Plan plan, int from, int to, int depth) {
            pos = from;
            FieldPlan values = plan.fields()[0];
            if (nextKnownNumber(plan, to) == values.field().getNumber()) {
                present(values, to, false, depth);
            } else {
                out.put('[').put(']');
            }
            if (nextKnownNumber(plan, to) != 0) {
                throw new Unsupported("ListValue layout");
            }
            pos = to;
        }

        private void wrapper(Plan plan, int from, int to, int depth) {
            pos = from;
            FieldPlan value = plan.fields()[0];
            if (nextKnownNumber(plan, to) == value.field().getNumber()) {
                int wire = (int) varint() & 7;
                single(value.field(), wire, false, depth);
            } else {
                absentValue(value.field(), false);
            }
            if (nextKnownNumber(plan, to) != 0) {
                throw new Unsupported("wrapper layout");
            }
            pos = to;
        }

        private boolean comma(boolean first) {
            if (!first) {
                out.put(',');
            }
            return false;
        }

        private long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= in.length) {
                    throw new Unsupported("truncated varint");
                }
                byte b = in[pos++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new Unsupported("malformed varint");
        }

        /** Reads a length and returns where the value it measures ends. */
        private int end() {
            int length = length();
            return pos + length;
        }

        private int length() {
            long length = varint();
            if (length < 0 || pos + length > in.length) {
                throw new Unsupported("length out of range");
            }
            return (int) length;
        }

        private int fixed32() {
            int value = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
            pos += 4;
            return value;
        }

        private long fixed64() {
            long low = fixed32() & 0xffffffffL;
            long high = fixed32() & 0xffffffffL;
            return low | high << 32;
        }

        private void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int length = length();
                    pos += length;
                }
                case 5 -> pos += 4;
                default -> throw new Unsupported("wire type " + wire);
            }
        }

        private void requireWire(int wire, int expected) {
            if (wire != expected) {
                throw new Unsupported("wire type " + wire + ", expected " + expected);
            }
        }
    }

    private static boolean isWellKnown(Descriptor type) {
        return type.getFile().getPackage().equals("google.protobuf");
    }

    private static boolean isPackable(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case STRING, BYTE_STRING, MESSAGE -> false;
            default -> true;
        };
    }

    private static int expectedWire(FieldDescriptor field) {
        return switch (field.getType()) {
            case INT32, INT64, UINT32, UINT64, SINT32, SINT64, BOOL, ENUM -> 0;
            case FIXED64, SFIXED64, DOUBLE -> 1;
            case FIXED32, SFIXED32, FLOAT -> 5;
            case STRING, BYTES, MESSAGE -> 2;
            default -> -1;
        };
    }

    /** Timestamps as JsonFormat prints them (RFC 3339 in UTC, 0, 3, 6 or 9 fraction digits). */
    static final class Timestamps {
        private static final long MIN_SECONDS = -62135596800L; // 0001-01-01T00:00:00Z
        private static final long MAX_SECONDS = 253402300799L; // 9999-12-31T23:59:59Z

        private Timestamps() {
        }

        static void print(long seconds, int nanos, Out out) {
            if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos > 999_999_999) {
                throw new Unsupported("Timestamp out of range"); // JsonFormat refuses it its own way
            }
            long days = Math.floorDiv(seconds, 86_400L);
            int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
            java.time.LocalDate date = java.time.LocalDate.ofEpochDay(days);
            out.put('"');
            digits(out, date.getYear(), 4).put('-');
            digits(out, date.getMonthValue(), 2).put('-');
            digits(out, date.getDayOfMonth(), 2).put('T');
            digits(out, secondOfDay / 3600, 2).put(':');
            digits(out, secondOfDay / 60 % 60, 2).put(':');
            digits(out, secondOfDay % 60, 2);
            if (nanos != 0) {
                out.put('.');
                if (nanos % 1_000_000 == 0) {
                    digits(out, nanos / 1_000_000, 3);
                } else if (nanos % 1000 == 0) {
                    digits(out, nanos / 1000, 6);
                } else {
                    digits(out, nanos, 9);
                }
            }
            out.put('Z').put('"');
        }

        private static Out digits(Out out, int value, int width) {
            for (int divisor = pow10(width - 1); divisor > 0; divisor /= 10) {
                out.put((char) ('0' + value / divisor % 10));
            }
            return out;
        }

        private static int pow10(int exponent) {
            int result = 1;
            for (int i = 0; i < exponent; i++) {
                result *= 10;
            }
            return result;
        }
    }

    /** A growing UTF-8 buffer. */
    static final class Out {
        private byte[] bytes;
        private int length;

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        Out put(char ascii) {
            ensure(1);
            bytes[length++] = (byte) ascii;
            return this;
        }

        Out put(byte[] more) {
            ensure(more.length);
            System.arraycopy(more, 0, bytes, length, more.length);
            length += more.length;
            return this;
        }

        Out ascii(String text) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                bytes[length++] = (byte) text.charAt(i);
            }
            return this;
        }

        /** A UTF-8 string from the wire, quoted and escaped as JsonFormat escapes it. */
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
    }

    private static final byte[] LINE_SEPARATOR = "\\u2028".getBytes();
    private static final byte[] PARAGRAPH_SEPARATOR = "\\u2029".getBytes();
}
