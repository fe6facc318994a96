package dev.annotask.api.rest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.annotask.api.ApiException;

/**
 * Sets a field named by a dotted path ({@code user_app_id.app_id}) from its text form, as the
 * path variables and query parameters of the REST gateway carry it. Names may be proto names
 * or lowerCamelCase JSON names; enums may be names or numbers; booleans {@code true/false}.
 * Repeated fields gain one element per call. Stateless.
 */
final class FieldPaths {
    private FieldPaths() {
    }

    /**
     * Sets the field, replacing a singular value and appending to a repeated one.
     *
     * @return false when no field has that path (unknown names are ignored by the caller)
     * @throws ApiException CONN_INVALID_REQUEST when the text is not a value of the field's type
     */
    static boolean set(Message.Builder root, String path, String text) {
        // Resolve the whole path before touching the builder: asking for a nested builder
        // marks that message present, which an unknown leaf must not do.
        String[] names = path.split("\\.");
        FieldDescriptor[] fields = new FieldDescriptor[names.length];
        Descriptor type = root.getDescriptorForType();
        for (int i = 0; i < names.length; i++) {
            FieldDescriptor field = find(type, names[i]);
            boolean last = i == names.length - 1;
            boolean isMessage = field != null && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
            if (field == null || isMessage == last || (!last && field.isRepeated())) {
                return false;
            }
            fields[i] = field;
            type = last ? null : field.getMessageType();
        }
        Message.Builder builder = root;
        for (int i = 0; i < fields.length - 1; i++) {
            builder = builder.getFieldBuilder(fields[i]);
        }
        FieldDescriptor field = fields[fields.length - 1];
        Object value = parse(field, path, text);
        if (field.isRepeated()) {
            builder.addRepeatedField(field, value);
        } else {
            builder.setField(field, value);
        }
        return true;
    }

    /** The field of that proto name or lowerCamelCase JSON name, or null. */
    static FieldDescriptor find(Descriptor type, String name) {
        FieldDescriptor field = type.findFieldByName(name);
        if (field != null) {
            return field;
        }
        for (FieldDescriptor candidate : type.getFields()) {
            if (candidate.getJsonName().equals(name)) {
                return candidate;
            }
        }
        return null;
    }

    private static Object parse(FieldDescriptor field, String path, String text) {
        try {
            return switch (field.getJavaType()) {
                case STRING -> text;
                case BOOLEAN -> parseBoolean(text);
                case INT -> isUnsigned(field) ? Integer.parseUnsignedInt(text) : Integer.parseInt(text);
                case LONG -> isUnsigned(field) ? Long.parseUnsignedLong(text) : Long.parseLong(text);
                case FLOAT -> Float.parseFloat(text);
                case DOUBLE -> Double.parseDouble(text);
                case ENUM -> parseEnum(field, text);
                case BYTE_STRING, MESSAGE -> throw new IllegalArgumentException();
            };
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("query parameter '" + path + "' has an invalid value: " + text);
        }
    }

    private static boolean isUnsigned(FieldDescriptor field) {
        return switch (field.getType()) {
            case UINT32, UINT64, FIXED32, FIXED64 -> true;
            default -> false;
        };
    }

    private static boolean parseBoolean(String text) {
        return switch (text) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException(text);
        };
    }

    private static EnumValueDescriptor parseEnum(FieldDescriptor field, String text) {
        EnumValueDescriptor value = field.getEnumType().findValueByName(text);
        if (value == null) {
            value = field.getEnumType().findValueByNumber(Integer.parseInt(text));
        }
        if (value == null) {
            throw new IllegalArgumentException(text);
        }
        return value;
    }
}
