package dev.annotask.api.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a JSON request body against its message type before JsonFormat reads it, so that a
 * value of the wrong type, an unknown enum name or an enum "number" that is no 32-bit integer is
 * refused with the path of the offending value ({@code tasks[0].worker.strategy}). An integer
 * the enum does not define passes here and is refused by the dispatcher's RequestChecks, on
 * both transports alike. JsonFormat alone would drop an unknown enum name
 * without a word (it ignores unknown values along with unknown fields) and reports type
 * errors without saying where. Unknown fields stay ignored, as Clarifai's clients expect.
 * Well-known types (Struct, Timestamp, …) are left to JsonFormat. Stateless.
 */
final class JsonShape {
    private JsonShape() {
    }

    /** The first problem found, as "path: what is wrong", or empty when the shape fits. */
    static Optional<String> problem(JsonElement json, Descriptor type) {
        if (!json.isJsonObject()) {
            return Optional.of("the body must be a JSON object");
        }
        return object(json.getAsJsonObject(), type, "");
    }

    private static Optional<String> object(JsonObject json, Descriptor type, String path) {
        for (Map.Entry<String, JsonElement> entry : json.entrySet()) {
            FieldDescriptor field = FieldPaths.find(type, entry.getKey());
            JsonElement value = entry.getValue();
            if (field == null || value.isJsonNull()) {
                continue;
            }
            String fieldPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
            Optional<String> problem = field.isMapField() ? expectObject(value, fieldPath)
                    : field.isRepeated() ? repeated(value, field, fieldPath)
                    : single(value, field, fieldPath);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> repeated(JsonElement value, FieldDescriptor field, String path) {
        if (!value.isJsonArray()) {
            return Optional.of(path + ": expected a JSON array");
        }
        JsonArray items = value.getAsJsonArray();
        for (int i = 0; i < items.size(); i++) {
            Optional<String> problem = single(items.get(i), field, path + "[" + i + "]");
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> single(JsonElement value, FieldDescriptor field, String path) {
        return switch (field.getJavaType()) {
            case MESSAGE -> field.getMessageType().getFile().getPackage().equals("google.protobuf")
                    ? Optional.empty()
                    : value.isJsonObject() ? object(value.getAsJsonObject(), field.getMessageType(), path)
                    : Optional.of(path + ": expected a JSON object");
            case ENUM -> enumValue(value, field, path);
            case BOOLEAN -> value.isJsonPrimitive() && (value.getAsJsonPrimitive().isBoolean()
                    || "true".equals(value.getAsString()) || "false".equals(value.getAsString()))
                    ? Optional.empty() : Optional.of(path + ": expected true or false");
            case INT, LONG, FLOAT, DOUBLE -> isNumber(value) ? Optional.empty()
                    : Optional.of(path + ": expected a number, got " + value);
            case STRING, BYTE_STRING -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
                    ? Optional.empty() : Optional.of(path + ": expected a string, got " + value);
        };
    }

    private static Optional<String> enumValue(JsonElement value, FieldDescriptor field, String path) {
        if (value.isJsonPrimitive()) {
            JsonPrimitive primitive = value.getAsJsonPrimitive();
            if (primitive.isNumber()) {
                // An integer the schema does not define is the dispatcher's to refuse (the same
                // answer as over gRPC); anything else is no enum number, and JsonFormat's reader
                // (which ignores unknown enum values with unknown fields) would drop it silently.
                return isInt32(primitive.getAsString()) ? Optional.empty()
                        : Optional.of(path + ": " + value + " is no " + field.getEnumType().getName() + " number");
            }
            if (primitive.isString() && field.getEnumType().findValueByName(primitive.getAsString()) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(path + ": unknown " + field.getEnumType().getName() + " value " + value);
    }

    private static boolean isInt32(String text) {
        if (!text.matches("-?[0-9]{1,10}")) {
            return false;
        }
        long number = Long.parseLong(text);
        return number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE;
    }

    /** A JSON number, or a string holding one, or one of proto3's special float strings. */
    private static boolean isNumber(JsonElement value) {
        if (!value.isJsonPrimitive()) {
            return false;
        }
        JsonPrimitive primitive = value.getAsJsonPrimitive();
        if (primitive.isNumber()) {
            return true;
        }
        if (!primitive.isString()) {
            return false;
        }
        String text = primitive.getAsString();
        if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) {
            return true;
        }
        try {
            new BigDecimal(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Optional<String> expectObject(JsonElement value, String path) {
        return value.isJsonObject() ? Optional.empty() : Optional.of(path + ": expected a JSON object");
    }
}
