package dev.annotask.imports;

import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON value of a COCO file read into plain Java: objects as maps, arrays as lists,
 * strings as strings, numbers as {@link Num} (their text, so that a 64-bit id keeps every
 * digit), booleans and null as themselves. For one entry at a time: an image, a category or
 * an annotation. Stateless.
 */
final class CocoValues {
    /** A JSON number, as written. */
    record Num(String text) {
        double value() {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
    }

    private CocoValues() {
    }

    static Map<String, Object> object(JsonReader in) throws IOException {
        Object value = value(in);
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) map;
            return fields;
        }
        return Map.of();
    }

    static Object value(JsonReader in) throws IOException {
        switch (in.peek()) {
            case BEGIN_OBJECT -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                in.beginObject();
                while (in.hasNext()) {
                    fields.put(in.nextName(), value(in));
                }
                in.endObject();
                return fields;
            }
            case BEGIN_ARRAY -> {
                List<Object> items = new ArrayList<>();
                in.beginArray();
                while (in.hasNext()) {
                    items.add(value(in));
                }
                in.endArray();
                return items;
            }
            case NUMBER -> {
                return new Num(in.nextString());
            }
            case STRING -> {
                return in.nextString();
            }
            case BOOLEAN -> {
                return in.nextBoolean();
            }
            default -> {
                in.skipValue();
                return null;
            }
        }
    }

    /** An id: a whole number or a non-empty string, as text; null otherwise. */
    static String key(Object value) {
        if (value instanceof Num number) {
            String text = number.text();
            return text.matches("-?\\d+") ? text : text.matches("-?\\d+\\.0+") ? text.substring(0, text.indexOf('.')) : null;
        }
        return value instanceof String text && !text.isBlank() ? text.trim() : null;
    }

    static double number(Object value) {
        return value instanceof Num number ? number.value() : Double.NaN;
    }

    /** A list of numbers, or null when it is not one. */
    static double[] numbers(Object value) {
        if (!(value instanceof List<?> items)) {
            return null;
        }
        double[] numbers = new double[items.size()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = number(items.get(i));
            if (Double.isNaN(numbers[i])) {
                return null;
            }
        }
        return numbers;
    }
}
