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
import dev.annotask.wire.WireJsonPrinter;
import dev.annotask.proto.auth.ExtensionProto;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>JsonFormat (with {@link JsonShape} before it when reading) defines both forms;
 * {@link WireJsonPrinter} and {@link WireJsonReader} produce the same results without
 * protobuf's reflection or a JSON tree, and JsonFormat handles what they decline. Immutable and
 * thread-safe.
 */
public final class ProtoJson {
    private final JsonFormat.Printer printer;
    private final WireJsonPrinter wirePrinter;
    private final DefaultFloats defaultFloats = new DefaultFloats();
    private final WireJsonReader reader = new WireJsonReader();
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
        this.wirePrinter = WireJsonPrinter.forRest(alwaysPrinted);
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
        return new String(printUtf8(message), StandardCharsets.UTF_8);
    }

    /**
     * The message as UTF-8 JSON: printed from its binary form ({@link WireJsonPrinter}), or by
     * JsonFormat where that printer declines, with the same result.
     */
    byte[] printUtf8(Message message) {
        try {
            return wirePrinter.print(message);
        } catch (WireJsonPrinter.Unsupported e) {
            return printWithJsonFormat(message).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The reference printing: JsonFormat, after ProtoJson's show-if-empty rule. */
    String printWithJsonFormat(Message message) {
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
     * Merges the JSON text into the builder, then applies the JSON-only float defaults. Plain
     * JSON is read by {@link WireJsonReader}; what it declines, the full way below.
     *
     * @throws InvalidProtocolBufferException when the text is not JSON, or a value does not fit
     *     its field (the message names the path of the value)
     */
    void merge(String json, Message.Builder builder) throws InvalidProtocolBufferException {
        byte[] wire = reader.read(json, builder.getDescriptorForType());
        if (wire != null) {
            builder.mergeFrom(wire);
            return;
        }
        mergeFully(json, builder);
    }

    /** The full reading, which {@link #merge} equals: Gson's tree checked by JsonShape, then JsonFormat. */
    void mergeFully(String json, Message.Builder builder) throws InvalidProtocolBufferException {
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
        boolean defaults = defaultFloats.needed(tree, builder.getDescriptorForType());
        // A JSON tree takes about 15 times its text in heap; let this one go before JsonFormat
        // builds its own, so the two are never held at once (TransportLimits.JSON_HEAP_FACTOR).
        tree = null;
        parser.merge(json, builder);
        if (defaults) {
            defaultFloats.fill(builder);
        }
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
