package dev.annotask.api.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.annotask.proto.auth.ExtensionProto;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clarifai's JSON-only float defaults ({@code cl_default_float}: a concept without
 * {@code value} means 1.0): which request bodies need them, and setting them.
 *
 * <p>Setting them walks the parsed request through protobuf's reflection, which for an upload
 * of 128 inputs cost as much as parsing it; so the JSON tree, read anyway to check its shape,
 * is asked first whether any message that has such a float left it out, and only the message
 * types that can hold one are walked at all. Thread-safe.
 */
final class DefaultFloats {
    /** Per message type: whether it, or a message it holds, has a float with a JSON default. */
    private final Map<Descriptor, Boolean> reaches = new ConcurrentHashMap<>();

    /** Whether the JSON object of this type leaves out a defaulted float somewhere (null counts as left out). */
    boolean needed(JsonElement json, Descriptor type) {
        if (!json.isJsonObject() || !reaches(type)) {
            return false;
        }
        JsonObject object = json.getAsJsonObject();
        Set<FieldDescriptor> given = new HashSet<>(2);
        for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
            FieldDescriptor field = FieldPaths.find(type, entry.getKey());
            JsonElement value = entry.getValue();
            if (field == null || value.isJsonNull()) {
                continue;
            }
            if (isDefaulted(field)) {
                given.add(field);
            } else if (isWalked(field) && reaches(field.getMessageType())) {
                if (value.isJsonArray()) {
                    JsonArray items = value.getAsJsonArray();
                    for (JsonElement item : items) {
                        if (needed(item, field.getMessageType())) {
                            return true;
                        }
                    }
                } else if (needed(value, field.getMessageType())) {
                    return true;
                }
            }
        }
        return given.size() < defaultedFields(type);
    }

    /** Sets every defaulted float the message left unset, at any depth. */
    void fill(Message.Builder builder) {
        Descriptor type = builder.getDescriptorForType();
        if (!reaches(type)) {
            return;
        }
        for (FieldDescriptor field : type.getFields()) {
            if (isDefaulted(field)) {
                if (!builder.hasField(field)) {
                    builder.setField(field, field.getOptions().getExtension(ExtensionProto.clDefaultFloat));
                }
            } else if (isWalked(field) && reaches(field.getMessageType())) {
                if (field.isRepeated()) {
                    for (int i = 0; i < builder.getRepeatedFieldCount(field); i++) {
                        fill(builder.getRepeatedFieldBuilder(field, i));
                    }
                } else if (builder.hasField(field)) {
                    fill(builder.getFieldBuilder(field));
                }
            }
        }
    }

    private boolean reaches(Descriptor type) {
        Boolean known = reaches.get(type);
        if (known == null) {
            known = search(type);
            reaches.put(type, known);
        }
        return known;
    }

    /** Breadth-first over the walked message fields from the type. */
    private static boolean search(Descriptor start) {
        Set<Descriptor> seen = new HashSet<>(List.of(start));
        Deque<Descriptor> next = new ArrayDeque<>(List.of(start));
        while (!next.isEmpty()) {
            Descriptor type = next.poll();
            if (defaultedFields(type) > 0) {
                return true;
            }
            for (FieldDescriptor field : type.getFields()) {
                if (isWalked(field) && seen.add(field.getMessageType())) {
                    next.add(field.getMessageType());
                }
            }
        }
        return false;
    }

    private static int defaultedFields(Descriptor type) {
        int count = 0;
        for (FieldDescriptor field : type.getFields()) {
            count += isDefaulted(field) ? 1 : 0;
        }
        return count;
    }

    /** A float with a JSON default: it has presence and no oneof, so "left out" can be told from 0. */
    private static boolean isDefaulted(FieldDescriptor field) {
        return field.getJavaType() != FieldDescriptor.JavaType.MESSAGE && field.hasPresence()
                && field.getRealContainingOneof() == null && field.getOptions().hasExtension(ExtensionProto.clDefaultFloat);
    }

    /** Message fields whose messages are walked: not maps, not well-known types (Struct and friends). */
    private static boolean isWalked(FieldDescriptor field) {
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()
                && !field.getMessageType().getFile().getPackage().equals("google.protobuf");
    }
}
