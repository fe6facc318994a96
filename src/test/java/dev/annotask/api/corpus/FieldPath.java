package dev.annotask.api.corpus;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A field reachable from a request type, as the descriptors from the request down to it
 * ({@code tasks → worker → strategy}), with the request that carries one value there: as JSON
 * for REST and as a message for gRPC. Repeated messages on the way hold one element.
 */
record FieldPath(List<FieldDescriptor> fields) {

    /**
     * Every field of the type down to {@code maxDepth} levels, and the enums one level further
     * (such as {@code tasks[0].worker.partitioned_strategy_info.type}), not entering a message
     * type twice on one path.
     */
    static List<FieldPath> all(Descriptor type, int maxDepth) {
        List<FieldPath> paths = new ArrayList<>();
        walk(type, new ArrayList<>(), new HashSet<>(), maxDepth + 1, paths);
        paths.removeIf(path -> path.fields().size() > maxDepth
                && path.leaf().getJavaType() != FieldDescriptor.JavaType.ENUM);
        return paths;
    }

    private static void walk(Descriptor type, List<FieldDescriptor> prefix, Set<Descriptor> ancestors, int maxDepth,
                             List<FieldPath> out) {
        ancestors.add(type);
        for (FieldDescriptor field : type.getFields()) {
            if (field.isMapField()) {
                continue;
            }
            List<FieldDescriptor> path = new ArrayList<>(prefix);
            path.add(field);
            out.add(new FieldPath(List.copyOf(path)));
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !isWellKnown(field)
                    && path.size() < maxDepth && !ancestors.contains(field.getMessageType())) {
                walk(field.getMessageType(), path, ancestors, maxDepth, out);
            }
        }
        ancestors.remove(type);
    }

    static boolean isWellKnown(FieldDescriptor field) {
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && field.getMessageType().getFile().getPackage().equals("google.protobuf");
    }

    FieldDescriptor leaf() {
        return fields.get(fields.size() - 1);
    }

    /** The path as the server names it in details, {@code tasks[0].worker.strategy}. */
    String text() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            text.append(i == 0 ? "" : ".").append(fields.get(i).getName());
            if (i < fields.size() - 1 && fields.get(i).isRepeated()) {
                text.append("[0]");
            }
        }
        return text.toString();
    }

    /** Whether a query string can carry it: no repeated message on the way, a scalar at the end. */
    boolean reachableByQuery() {
        for (int i = 0; i < fields.size() - 1; i++) {
            if (fields.get(i).isRepeated()) {
                return false;
            }
        }
        return leaf().getJavaType() != FieldDescriptor.JavaType.MESSAGE;
    }

    /** The dotted name a query string uses. */
    String queryName() {
        return String.join(".", fields.stream().map(FieldDescriptor::getName).toList());
    }

    /**
     * A JSON body holding {@code value} at this path; for a repeated leaf, {@code asElement}
     * puts the value in a one-element array, otherwise the value stands for the whole list.
     */
    String json(JsonElement value, boolean asElement) {
        JsonElement current = value;
        if (asElement && leaf().isRepeated()) {
            JsonArray array = new JsonArray();
            array.add(value);
            current = array;
        }
        for (int i = fields.size() - 1; i >= 0; i--) {
            JsonObject object = new JsonObject();
            object.add(fields.get(i).getName(), current);
            current = object;
            if (i > 0 && fields.get(i - 1).isRepeated()) {
                JsonArray array = new JsonArray();
                array.add(current);
                current = array;
            }
        }
        return current.toString();
    }

    /** Adds {@code value} at this path to the builder ({@code copies} times for a repeated leaf). */
    void set(Message.Builder root, Object value, int copies) {
        set(root, 0, value, copies);
    }

    private void set(Message.Builder builder, int index, Object value, int copies) {
        FieldDescriptor field = fields.get(index);
        if (index == fields.size() - 1) {
            if (field.isRepeated()) {
                for (int i = 0; i < copies; i++) {
                    builder.addRepeatedField(field, value);
                }
            } else {
                builder.setField(field, value);
            }
            return;
        }
        Message.Builder child = builder.newBuilderForField(field);
        set(child, index + 1, value, copies);
        if (field.isRepeated()) {
            builder.addRepeatedField(field, child.build());
        } else {
            builder.setField(field, child.build());
        }
    }
}
