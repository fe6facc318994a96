package dev.annotask.api.corpus;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.annotask.api.RequestLimits;
import java.util.List;

/** The odd values the corpus puts into fields: hostile text, bad ids, wrong JSON types. */
final class HostileValues {
    /** Text a labeling team would not write but an attacker or a broken client might. */
    static final List<String> TEXT = List.of(
            "' OR '1'='1' --", "Robert'); DROP TABLE concepts;--", "%", "_", "%_%\\", "!%!_",
            "\u0000", "a\u0000b", "\uD800", "\uDFFFx", "\u202Eevil.exe", "zero\u200Bwidth", "e\u0301", "\uD83D\uDE00",
            "İı", "../../etc/passwd", "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/x}", "\r\nX-Injected: 1",
            "null", "NaN", " ", "\t\n", "\\", "\"", "{}", "\uFEFF", "\uFFFF");

    /**
     * Ids with path characters and other oddities, percent-encoded for a URL path. Those that
     * are about the transport (a NUL byte, a bad escape) are not here: the HTTP edge tests those.
     */
    static final List<String> PATH_IDS = List.of(
            "..", "%2E%2E", "a%2Fb", "a%5Cb", "%25", "_", "%27%20OR%201%3D1--", "%3Cscript%3E", "%C3%A9",
            "%F0%9F%98%80", "%E2%80%AE", "a%20b", "a.b.c", "-", "x".repeat(RequestLimits.ID_CHARS + 1),
            "%22", "%7B%7D", "me", "0", "%EF%BB%BF");

    private HostileValues() {
    }

    /** A string one past the field's limit. */
    static String oversize(FieldDescriptor field) {
        RequestLimits.Limit limit = RequestLimits.of(field);
        return "x".repeat(limit.max() + 1);
    }

    /** JSON values of the wrong type for the field (as one value, not as a list), rotating by {@code k}. */
    static JsonElement wrongJsonType(FieldDescriptor field, int k) {
        List<JsonElement> choices = switch (field.getJavaType()) {
            case STRING -> List.of(new JsonPrimitive(12), new JsonObject(), new JsonPrimitive(true), new JsonArray());
            case INT, LONG -> List.of(new JsonPrimitive("abc"), new JsonObject(), new JsonPrimitive(true),
                    JsonParser.parseString("1e400"), JsonParser.parseString("99999999999999999999999"),
                    new JsonPrimitive(1.5), new JsonArray());
            case FLOAT, DOUBLE -> List.of(new JsonPrimitive("abc"), new JsonObject(), JsonParser.parseString("1e400"),
                    new JsonPrimitive(true));
            case BOOLEAN -> List.of(new JsonPrimitive("maybe"), new JsonPrimitive(2), new JsonObject());
            case BYTE_STRING -> List.of(new JsonPrimitive("!!not base64!!"), new JsonPrimitive(12), new JsonObject());
            case ENUM -> List.of(new JsonPrimitive("NO_SUCH_VALUE"), JsonParser.parseString("2147483648"),
                    new JsonPrimitive(1.5), new JsonPrimitive(true), new JsonObject());
            case MESSAGE -> List.of(new JsonPrimitive("str"), new JsonPrimitive(5), new JsonPrimitive(true),
                    new JsonArray());
        };
        JsonElement chosen = choices.get(Math.floorMod(k, choices.size()));
        if (!field.isRepeated() || !chosen.isJsonArray()) {
            return chosen;
        }
        return choices.get(0);
    }

    /** The text of a JSON object nested {@code depth} levels: {"a":{"a":…1…}}. */
    static String nested(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** A JSON object of about the given size in bytes, of many small string values. */
    static JsonObject bigObject(int bytes) {
        JsonObject object = new JsonObject();
        for (int i = 0; i * 1000 < bytes; i++) {
            object.addProperty("k" + i, "v".repeat(1000));
        }
        return object;
    }

    static <T> T pick(List<T> values, int k) {
        return values.get(Math.floorMod(k, values.size()));
    }
}
