package dev.annotask.api.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.proto.auth.ExtensionProto;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The JSON form of the wire messages, as Clarifai prints and reads it (docs/COMPATIBILITY.md, "Wire behaviour").
 *
 * <p>Printing: proto field names, enums as numbers, and the fields marked
 * {@code cl_show_if_empty} present even when empty. Reading: proto or lowerCamelCase names,
 * enum names or numbers, unknown fields ignored, and {@code cl_default_float} applied to a
 * float the JSON left out (so a concept without {@code value} means 1.0, as in Clarifai).
 * Immutable and thread-safe.
 */
public final class ProtoJson {
    private final JsonFormat.Printer printer;
    private final JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();

    public ProtoJson(Collection<FileDescriptor> files) {
        Set<FieldDescriptor> alwaysPrinted = new HashSet<>();
        Set<Descriptor> seen = new HashSet<>();
        for (FileDescriptor file : files) {
            collect(file.getMessageTypes(), alwaysPrinted, seen);
            for (FileDescriptor dependency : file.getDependencies()) {
                collect(dependency.getMessageTypes(), alwaysPrinted, seen);
            }
        }
        this.printer = JsonFormat.printer()
                .preservingProtoFieldNames()
                .printingEnumsAsInts()
                .omittingInsignificantWhitespace()
                .includingDefaultValueFields(alwaysPrinted);
    }

    private static void collect(List<Descriptor> types, Set<FieldDescriptor> alwaysPrinted, Set<Descriptor> seen) {
        for (Descriptor type : types) {
            if (!seen.add(type)) {
                continue;
            }
            for (FieldDescriptor field : type.getFields()) {
                if (field.getOptions().getExtension(ExtensionProto.clShowIfEmpty) && !field.hasPresence()) {
                    alwaysPrinted.add(field);
                }
            }
            collect(type.getNestedTypes(), alwaysPrinted, seen);
        }
    }

    public String print(Message message) {
        Message.Builder filled = message.toBuilder();
        // Optional fields (Concept.value) are outside JsonFormat's always-print set, so an
        // unset one that Clarifai always prints gets its zero value here.
        fillUnset(filled, field -> field.getOptions().getExtension(ExtensionProto.clShowIfEmpty)
                ? field.getDefaultValue() : null);
        try {
            return printer.print(filled);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a response could not be printed as JSON", e);
        }
    }

    /**
     * Merges the JSON text into the builder, then applies the JSON-only float defaults.
     *
     * @throws InvalidProtocolBufferException when the text is not JSON, or a value does not fit
     *     its field (the message names the path of the value)
     */
    void merge(String json, Message.Builder builder) throws InvalidProtocolBufferException {
        JsonElement tree;
        try {
            tree = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new InvalidProtocolBufferException("the body is not valid JSON");
        }
        Optional<String> problem = JsonShape.problem(tree, builder.getDescriptorForType());
        if (problem.isPresent()) {
            throw new InvalidProtocolBufferException(problem.get());
        }
        // A JSON tree takes about 15 times its text in heap; let this one go before JsonFormat
        // builds its own, so the two are never held at once (TransportLimits.JSON_HEAP_FACTOR).
        tree = null;
        parser.merge(json, builder);
        fillUnset(builder, field -> field.getOptions().hasExtension(ExtensionProto.clDefaultFloat)
                ? field.getOptions().getExtension(ExtensionProto.clDefaultFloat) : null);
    }

    /**
     * Sets every unset scalar field with presence, anywhere in the message, to the value the
     * function gives for its descriptor (null: leave it unset).
     */
    private static void fillUnset(Message.Builder builder, Function<FieldDescriptor, Object> valueFor) {
        for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (field.isMapField() || isWellKnown(field.getMessageType())) {
                    continue;
                }
                if (field.isRepeated()) {
                    for (int i = 0; i < builder.getRepeatedFieldCount(field); i++) {
                        fillUnset(builder.getRepeatedFieldBuilder(field, i), valueFor);
                    }
                } else if (builder.hasField(field)) {
                    fillUnset(builder.getFieldBuilder(field), valueFor);
                }
            } else if (field.hasPresence() && field.getRealContainingOneof() == null && !builder.hasField(field)) {
                Object value = valueFor.apply(field);
                if (value != null) {
                    builder.setField(field, value);
                }
            }
        }
    }

    /** Struct, Timestamp and friends carry none of our options, and Struct's maps cannot be walked. */
    private static boolean isWellKnown(Descriptor type) {
        return type.getFile().getPackage().equals("google.protobuf");
    }
}
