package dev.annotask.api.rest;

import static dev.annotask.api.rest.JsonCursor.DECLINED;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.math.BigDecimal;
import java.util.Base64;

/**
 * Scalar values read as JsonFormat reads them, for {@link WireJsonReader}, in the forms
 * {@link JsonShape} lets through and no others: integers as plain decimals (a JSON number or a
 * string holding one) within their type's range; floats through a double and doubles through a
 * BigDecimal with JsonFormat's range checks, {@code "NaN"} and the infinities quoted; booleans
 * as literals or {@code "true"}/{@code "false"}; enums by a name the schema has, or a number;
 * bytes as standard padded base64. Anything else declines. Stateless.
 */
final class JsonValues {
    private static final double FLOAT_TOLERANCE = 1e-6;
    private static final BigDecimal MORE_THAN_ONE = new BigDecimal(String.valueOf(1.0 + FLOAT_TOLERANCE));
    private static final BigDecimal MAX_DOUBLE = new BigDecimal(String.valueOf(Double.MAX_VALUE)).multiply(MORE_THAN_ONE);
    private static final BigDecimal MIN_DOUBLE = new BigDecimal(String.valueOf(-Double.MAX_VALUE)).multiply(MORE_THAN_ONE);

    private JsonValues() {
    }

    /** An enum's number: by name (one the schema has), or a number (an unknown one is RequestChecks' to refuse). */
    static int enumValue(JsonCursor in, FieldDescriptor field) {
        if (field.getEnumType().getFullName().equals("google.protobuf.NullValue")) {
            throw DECLINED;
        }
        if (in.peek() == '"') {
            EnumValueDescriptor value = field.getEnumType().findValueByName(in.string());
            if (value == null) {
                throw DECLINED; // JsonShape refuses it, naming the field
            }
            return value.getNumber();
        }
        if (field.getEnumType().isClosed()) {
            throw DECLINED; // proto2: an unknown number is not kept
        }
        return (int) integer(in, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    static boolean boolValue(JsonCursor in) {
        if (in.peekLiteral("true")) {
            in.skip(4);
            return true;
        }
        if (in.peekLiteral("false")) {
            in.skip(5);
            return false;
        }
        String text = in.peek() == '"' ? in.string() : null;
        if ("true".equals(text) || "false".equals(text)) {
            return text.equals("true");
        }
        throw DECLINED;
    }

    /** A plain decimal integer (a JSON number, or a string holding one) within the range. */
    static long integer(JsonCursor in, long min, long max) {
        String text = in.peek() == '"' ? in.string() : in.numberToken();
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

    static long unsigned64(JsonCursor in) {
        String text = in.peek() == '"' ? in.string() : in.numberToken();
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
    static float floatValue(JsonCursor in) {
        String text = in.peek() == '"' ? special(in.string()) : in.numberToken();
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
    static double doubleValue(JsonCursor in) {
        String text = in.peek() == '"' ? special(in.string()) : in.numberToken();
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

    /**
     * Base64 as the transcoder leaves it (its markers) or as JsonFormat prints it: standard,
     * padded. Anything else (URL-safe, unpadded) the full reading decodes its own way.
     */
    static byte[] bytesValue(JsonCursor in) {
        if (in.peek() != '"') {
            throw DECLINED;
        }
        String text = in.string();
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw DECLINED;
        }
        if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
            throw DECLINED;
        }
        return bytes;
    }

    /** A quoted float: NaN or ±Infinity, or a JSON number's text. */
    private static String special(String text) {
        if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")
                || text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return text;
        }
        throw DECLINED;
    }

    private static boolean isPlainInteger(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start || (text.charAt(start) == '0' && text.length() > start + 1)) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
