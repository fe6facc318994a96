package dev.annotask.wire;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.Arrays;
import java.util.Base64;

/**
 * One scalar value, read from the wire and printed as JsonFormat prints it: 64-bit integers
 * quoted, unsigned ones as such, floats as Java prints them with NaN and the infinities quoted,
 * bytes as standard base64, enums as numbers or names (a number the schema lacks prints as a
 * number), {@code NullValue} as {@code null}; map keys always quoted. Stateless.
 */
final class JsonScalars {
    private JsonScalars() {
    }

    /** The field's value at the cursor, its tag of wire type {@code wire} read. */
    static void print(WireCursor in, JsonOut out, FieldDescriptor field, int wire, boolean quoted, boolean enumsAsNumbers) {
        if (wire != expectedWire(field)) {
            throw new WireJsonPrinter.Unsupported("wire type " + wire + " for " + field.getFullName());
        }
        switch (field.getType()) {
            case INT32 -> number(out, Integer.toString((int) in.varint()), quoted);
            case SINT32 -> {
                int raw = (int) in.varint();
                number(out, Integer.toString((raw >>> 1) ^ -(raw & 1)), quoted);
            }
            case UINT32 -> number(out, Integer.toUnsignedString((int) in.varint()), quoted);
            case INT64 -> number(out, Long.toString(in.varint()), true);
            case SINT64 -> {
                long raw = in.varint();
                number(out, Long.toString((raw >>> 1) ^ -(raw & 1)), true);
            }
            case UINT64 -> number(out, Long.toUnsignedString(in.varint()), true);
            case FIXED32 -> number(out, Integer.toUnsignedString(in.fixed32()), quoted);
            case SFIXED32 -> number(out, Integer.toString(in.fixed32()), quoted);
            case FIXED64 -> number(out, Long.toUnsignedString(in.fixed64()), true);
            case SFIXED64 -> number(out, Long.toString(in.fixed64()), true);
            case BOOL -> number(out, in.varint() != 0 ? "true" : "false", quoted);
            case FLOAT -> floating(out, Float.intBitsToFloat(in.fixed32()), quoted);
            case DOUBLE -> floating(out, Double.longBitsToDouble(in.fixed64()), quoted);
            case ENUM -> enumValue(out, field, (int) in.varint(), quoted, enumsAsNumbers);
            case STRING -> {
                int end = in.end();
                out.string(in.bytes(), in.position(), end);
                in.seek(end);
            }
            case BYTES -> {
                int end = in.end();
                out.put('"').put(Base64.getEncoder().encode(Arrays.copyOfRange(in.bytes(), in.position(), end))).put('"');
                in.seek(end);
            }
            default -> throw new WireJsonPrinter.Unsupported(field.getType().toString());
        }
    }

    /** The field's zero value (it is absent from the wire but printed). */
    static void printZero(JsonOut out, FieldDescriptor field, boolean quoted, boolean enumsAsNumbers) {
        switch (field.getType()) {
            case INT64, SINT64, SFIXED64, UINT64, FIXED64 -> out.ascii("\"0\"");
            case INT32, SINT32, SFIXED32, UINT32, FIXED32 -> out.ascii(quoted ? "\"0\"" : "0");
            case FLOAT, DOUBLE -> out.ascii(quoted ? "\"0.0\"" : "0.0");
            case BOOL -> out.ascii(quoted ? "\"false\"" : "false");
            case STRING, BYTES -> out.ascii("\"\"");
            case ENUM -> enumValue(out, field, 0, quoted, enumsAsNumbers);
            default -> throw new WireJsonPrinter.Unsupported("zero of " + field.getType());
        }
    }

    /** The wire type the field's values have (packed lists aside). */
    static int expectedWire(FieldDescriptor field) {
        return switch (field.getType()) {
            case INT32, INT64, UINT32, UINT64, SINT32, SINT64, BOOL, ENUM -> WireCursor.VARINT;
            case FIXED64, SFIXED64, DOUBLE -> WireCursor.FIXED64;
            case FIXED32, SFIXED32, FLOAT -> WireCursor.FIXED32;
            case STRING, BYTES, MESSAGE -> WireCursor.LENGTH_DELIMITED;
            default -> -1;
        };
    }

    /** Numbers, booleans and enums, whose lists may be packed into one length-delimited value. */
    static boolean isPackable(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case STRING, BYTE_STRING, MESSAGE -> false;
            default -> true;
        };
    }

    private static void enumValue(JsonOut out, FieldDescriptor field, int number, boolean quoted, boolean asNumber) {
        if (field.getEnumType().getFullName().equals("google.protobuf.NullValue")) {
            out.ascii(quoted ? "\"NULL_VALUE\"" : "null");
            return;
        }
        EnumValueDescriptor value = asNumber ? null : field.getEnumType().findValueByNumber(number);
        if (value == null) {
            number(out, Integer.toString(number), quoted);
        } else {
            out.put('"').ascii(value.getName()).put('"');
        }
    }

    private static void number(JsonOut out, String text, boolean quoted) {
        if (quoted) {
            out.put('"').ascii(text).put('"');
        } else {
            out.ascii(text);
        }
    }

    private static void floating(JsonOut out, double value, boolean quoted) {
        if (Double.isNaN(value)) {
            out.ascii("\"NaN\"");
        } else if (Double.isInfinite(value)) {
            out.ascii(value < 0 ? "\"-Infinity\"" : "\"Infinity\"");
        } else {
            number(out, Double.toString(value), quoted);
        }
    }

    private static void floating(JsonOut out, float value, boolean quoted) {
        if (Float.isNaN(value)) {
            out.ascii("\"NaN\"");
        } else if (Float.isInfinite(value)) {
            out.ascii(value < 0 ? "\"-Infinity\"" : "\"Infinity\"");
        } else {
            number(out, Float.toString(value), quoted);
        }
    }
}
