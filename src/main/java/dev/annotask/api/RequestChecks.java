package dev.annotask.api;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The checks every request of every RPC passes before its handler, whatever the transport:
 * each enum value is one the schema defines, each string, Struct and list is within
 * {@link RequestLimits}, and no string holds a NUL character. Failures answer
 * CONN_INVALID_REQUEST naming the field by its path ({@code tasks[0].worker.strategy}).
 *
 * <p>Why enums need this: our enums are proto3 (open) enums, so protobuf keeps a number it does
 * not know (from gRPC bytes, or a JSON number) as an "unknown" value, and the generated getter
 * then answers {@code UNRECOGNIZED}, which a handler's {@code switch} would take for its default
 * case: a worker strategy of 99 would quietly run as FULL. Reflection shows such a value as an
 * {@link EnumValueDescriptor} with a negative index.
 *
 * <p>Walks only the fields that are set, recursively through messages, repeated fields and
 * maps; a {@code google.protobuf.Struct} is measured whole, not walked. Stateless.
 */
public final class RequestChecks {
    /** Enums with more values than this are not listed in the error (StatusCode has hundreds). */
    private static final int MAX_LISTED_VALUES = 16;

    private RequestChecks() {
    }

    /** @throws ApiException CONN_INVALID_REQUEST at the first field out of range or too long */
    public static void check(Message request) {
        message(request, "");
    }

    private static void message(Message message, String path) {
        for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
            FieldDescriptor field = entry.getKey();
            String fieldPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
            if (field.isMapField()) {
                for (Object item : (List<?>) entry.getValue()) {
                    mapEntry((Message) item, fieldPath);
                }
            } else if (field.isRepeated()) {
                List<?> items = (List<?>) entry.getValue();
                if (items.size() > RequestLimits.LIST_ITEMS) {
                    throw ApiException.invalid(fieldPath + ": " + items.size() + " items; at most "
                            + RequestLimits.LIST_ITEMS + " are allowed in one list");
                }
                if (isChecked(field)) {
                    for (int i = 0; i < items.size(); i++) {
                        value(field, items.get(i), fieldPath + "[" + i + "]");
                    }
                }
            } else {
                value(field, entry.getValue(), fieldPath);
            }
        }
    }

    private static void mapEntry(Message entry, String path) {
        FieldDescriptor keyField = entry.getDescriptorForType().findFieldByName("key");
        FieldDescriptor valueField = entry.getDescriptorForType().findFieldByName("value");
        Object key = entry.getField(keyField);
        if (key instanceof String text) {
            string(keyField, text, path + " key");
        }
        value(valueField, entry.getField(valueField), path + "[" + key + "]");
    }

    private static void value(FieldDescriptor field, Object value, String path) {
        switch (field.getJavaType()) {
            case ENUM -> enumValue((EnumValueDescriptor) value, path);
            case STRING -> string(field, (String) value, path);
            case MESSAGE -> {
                if (value instanceof Struct struct) {
                    structSize(struct, path);
                } else if (!isWellKnown(field)) {
                    message((Message) value, path);
                }
            }
            default -> {
                // numbers, booleans and bytes have no range of their own here; features check theirs
            }
        }
    }

    private static void enumValue(EnumValueDescriptor value, String path) {
        if (value.getIndex() >= 0) {
            return;
        }
        EnumDescriptor type = value.getType();
        String known = type.getValues().size() > MAX_LISTED_VALUES ? ""
                : " (one of " + type.getValues().stream().map(v -> v.getNumber() + " " + v.getName())
                        .collect(Collectors.joining(", ")) + ")";
        throw ApiException.invalid(path + ": " + value.getNumber() + " is not a " + type.getName() + " value" + known);
    }

    private static void string(FieldDescriptor field, String value, String path) {
        requireNoNul(value, path);
        RequestLimits.Limit limit = RequestLimits.of(field);
        // Cheap first test: no string of at most max/3 characters can exceed max UTF-8 bytes.
        if (value.length() <= limit.max() / 3) {
            return;
        }
        int size = limit.sizeOf(value);
        if (size > limit.max()) {
            throw ApiException.invalid(path + ": the " + limit.what() + " is " + size + " " + limit.unit()
                    + " long; at most " + limit.max() + " are allowed");
        }
    }

    private static void structSize(Struct struct, String path) {
        int size = struct.getSerializedSize();
        if (size > RequestLimits.STRUCT_BYTES) {
            throw ApiException.invalid(path + ": " + size + " bytes of data; at most " + RequestLimits.STRUCT_BYTES
                    + " are allowed");
        }
        structText(struct, path);
    }

    /** Keys and string values of a Struct, at any depth (the size limit bounds the work). */
    private static void structText(Struct struct, String path) {
        for (Map.Entry<String, Value> field : struct.getFieldsMap().entrySet()) {
            requireNoNul(field.getKey(), path);
            structValue(field.getValue(), path);
        }
    }

    private static void structValue(Value value, String path) {
        switch (value.getKindCase()) {
            case STRING_VALUE -> requireNoNul(value.getStringValue(), path);
            case STRUCT_VALUE -> structText(value.getStructValue(), path);
            case LIST_VALUE -> value.getListValue().getValuesList().forEach(item -> structValue(item, path));
            default -> {
            }
        }
    }

    /**
     * PostgreSQL stores no NUL character, in text or JSON, and would fail the request as an
     * internal error; no label, id or metadata needs one, so it is refused on both databases.
     */
    private static void requireNoNul(String value, String path) {
        if (value.indexOf(0) >= 0) {
            throw ApiException.invalid(path + ": contains the NUL character (U+0000), which cannot be stored");
        }
    }

    /** Numbers, booleans and bytes have no range here (features check theirs), so their lists need no walk. */
    private static boolean isChecked(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case ENUM, STRING, MESSAGE -> true;
            default -> false;
        };
    }

    /** Timestamp, Duration and the like carry no enums or free text worth bounding. */
    private static boolean isWellKnown(FieldDescriptor field) {
        return field.getMessageType().getFile().getPackage().equals("google.protobuf");
    }
}
