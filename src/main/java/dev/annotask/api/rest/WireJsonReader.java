package dev.annotask.api.rest;

import static dev.annotask.api.rest.JsonCursor.DECLINED;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.annotask.proto.auth.ExtensionProto;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a request body of plain JSON straight into the message's binary form, which the
 * generated code then parses: one pass over the text, no JSON tree, no protobuf reflection.
 * The gateway's full reading (a Gson tree checked by {@link JsonShape}, then JsonFormat's own
 * tree and reflection, then the JSON-only float defaults) cost as much CPU as everything else
 * in an upload of 128 inputs.
 *
 * <p>It reads only what it can read exactly as the full reading does, and declines everything
 * else, for which the caller reads the body the full way, errors and all: so it changes no
 * answer. It declines JSON beyond RFC 8259 (which Gson's lenient reader takes), anything the
 * full reading would refuse or has a rule of its own for (a value of the wrong type, an enum
 * name the schema lacks, a string where a number is, a field or a oneof given twice, a null in a
 * list), numbers in forms other than plain decimals, lone surrogates, maps, and well-known types
 * other than Timestamp, Struct, Value and ListValue. Unknown fields are skipped, as JsonFormat
 * skips them. A {@code cl_default_float} the JSON leaves out is written with its default, as
 * {@link DefaultFloats} sets it. The tokens are {@link JsonCursor}'s, the scalar values
 * {@link JsonValues}', the output {@link WireWriter}'s. WireJsonReaderTest compares both readings
 * on random messages of every request type and on damaged JSON. Thread-safe.
 */
final class WireJsonReader {
    /** A message type's fields by proto and JSON name, and its floats with a JSON default. */
    private record Fields(Map<String, FieldDescriptor> byName, List<FieldDescriptor> defaulted) {
    }

    private final Map<Descriptor, Fields> fields = new ConcurrentHashMap<>();

    /** The message's binary form, or null when the full reading must read this body. */
    byte[] read(String json, Descriptor type) {
        try {
            Reading reading = new Reading(json);
            reading.in.whitespace();
            reading.message(type, 0);
            reading.in.whitespace();
            return reading.in.atEnd() ? reading.out.toByteArray() : null;
        } catch (JsonCursor.Declined | StringIndexOutOfBoundsException e) {
            return null;
        }
    }

    private Fields fields(Descriptor type) {
        Fields known = fields.get(type);
        if (known == null) {
            Map<String, FieldDescriptor> byName = new HashMap<>();
            List<FieldDescriptor> defaulted = new ArrayList<>();
            for (FieldDescriptor field : type.getFields()) {
                byName.put(field.getName(), field); // JsonFormat's order: later names win
                byName.put(field.getJsonName(), field);
                if (field.getJavaType() == FieldDescriptor.JavaType.FLOAT && field.hasPresence()
                        && field.getRealContainingOneof() == null
                        && field.getOptions().hasExtension(ExtensionProto.clDefaultFloat)) {
                    defaulted.add(field);
                }
            }
            for (Map.Entry<String, FieldDescriptor> name : byName.entrySet()) {
                if (FieldPaths.find(type, name.getKey()) != name.getValue()) {
                    byName = null; // JsonShape would place the name elsewhere: leave the type to the full reading
                    break;
                }
            }
            known = new Fields(byName, List.copyOf(defaulted));
            fields.put(type, known);
        }
        return known;
    }


    /** One body being read. */
    private final class Reading {
        private final JsonCursor in;
        private final WireWriter out = new WireWriter();

        Reading(String json) {
            this.in = new JsonCursor(json);
        }

        /** An object of the type at pos; its fields are written to out. */
        void message(Descriptor type, int depth) {
            if (depth > JsonCursor.MAX_DEPTH) {
                throw DECLINED;
            }
            Fields known = fields(type);
            if (known.byName() == null) {
                throw DECLINED;
            }
            in.expect('{');
            boolean[] seen = new boolean[type.getFields().size()];
            boolean[] oneofs = new boolean[type.getOneofs().size()];
            boolean[] given = new boolean[type.getFields().size()];
            in.whitespace();
            if (in.peek() == '}') {
                in.skip(1);
            } else {
                do {
                    in.whitespace();
                    String key = in.string();
                    in.whitespace();
                    in.expect(':');
                    in.whitespace();
                    FieldDescriptor field = known.byName().get(key);
                    if (field == null) {
                        in.skipValue(depth);
                    } else {
                        if (seen[field.getIndex()]) {
                            throw DECLINED; // a field given twice (by both its names, say)
                        }
                        seen[field.getIndex()] = true;
                        if (field.getRealContainingOneof() != null) {
                            int oneof = field.getRealContainingOneof().getIndex();
                            if (oneofs[oneof]) {
                                throw DECLINED;
                            }
                            oneofs[oneof] = true;
                        }
                        given[field.getIndex()] = field(field, depth);
                    }
                    in.whitespace();
                } while (in.more('}'));
            }
            for (FieldDescriptor field : known.defaulted()) {
                if (!given[field.getIndex()]) {
                    out.tag(field.getNumber(), 5);
                    out.fixed32(Float.floatToRawIntBits(field.getOptions().getExtension(ExtensionProto.clDefaultFloat)));
                }
            }
        }

        /** The value of a known field at pos; false when it was null (the field left unset). */
        private boolean field(FieldDescriptor field, int depth) {
            if (field.isMapField()) {
                throw DECLINED;
            }
            if (in.peekLiteral("null")) {
                if (isValueOrNullValue(field)) {
                    throw DECLINED; // null means something for these
                }
                in.skip(4);
                return false;
            }
            if (field.isRepeated()) {
                in.expect('[');
                in.whitespace();
                if (in.peek() == ']') {
                    in.skip(1);
                    return true;
                }
                do {
                    in.whitespace();
                    if (in.peekLiteral("null")) {
                        throw DECLINED; // JsonFormat refuses null items (and skips null enum ones)
                    }
                    value(field, depth);
                    in.whitespace();
                } while (in.more(']'));
                return true;
            }
            value(field, depth);
            return true;
        }

        private boolean isValueOrNullValue(FieldDescriptor field) {
            return (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && field.getMessageType().getFullName().equals("google.protobuf.Value"))
                    || (field.getJavaType() == FieldDescriptor.JavaType.ENUM
                    && field.getEnumType().getFullName().equals("google.protobuf.NullValue"));
        }

        /** One (non-null) value of the field at pos, written with its tag. */
        private void value(FieldDescriptor field, int depth) {
            int number = field.getNumber();
            switch (field.getType()) {
                case MESSAGE -> {
                    out.tag(number, 2);
                    int slot = out.reserveLength();
                    nested(field.getMessageType(), depth + 1);
                    out.patchLength(slot);
                }
                case STRING -> {
                    out.tag(number, 2);
                    if (in.peek() != '"') {
                        throw DECLINED; // JsonShape wants a string here; JsonFormat would take a number's text
                    }
                    out.utf8(in.string());
                }
                case BYTES -> {
                    out.tag(number, 2);
                    out.lengthDelimited(JsonValues.bytesValue(in));
                }
                case ENUM -> {
                    out.tag(number, 0);
                    out.varint(JsonValues.enumValue(in, field));
                }
                case BOOL -> {
                    out.tag(number, 0);
                    out.varint(JsonValues.boolValue(in) ? 1 : 0);
                }
                case INT32 -> {
                    out.tag(number, 0);
                    out.varint(JsonValues.integer(in, Integer.MIN_VALUE, Integer.MAX_VALUE));
                }
                case SINT32 -> {
                    out.tag(number, 0);
                    int value = (int) JsonValues.integer(in, Integer.MIN_VALUE, Integer.MAX_VALUE);
                    out.varint((value << 1) ^ (value >> 31) & 0xffffffffL);
                }
                case SFIXED32 -> {
                    out.tag(number, 5);
                    out.fixed32((int) JsonValues.integer(in, Integer.MIN_VALUE, Integer.MAX_VALUE));
                }
                case UINT32 -> {
                    out.tag(number, 0);
                    out.varint(JsonValues.integer(in, 0, 0xffffffffL));
                }
                case FIXED32 -> {
                    out.tag(number, 5);
                    out.fixed32((int) JsonValues.integer(in, 0, 0xffffffffL));
                }
                case INT64 -> {
                    out.tag(number, 0);
                    out.varint(JsonValues.integer(in, Long.MIN_VALUE, Long.MAX_VALUE));
                }
                case SINT64 -> {
                    out.tag(number, 0);
                    long value = JsonValues.integer(in, Long.MIN_VALUE, Long.MAX_VALUE);
                    out.varint((value << 1) ^ (value >> 63));
                }
                case SFIXED64 -> {
                    out.tag(number, 1);
                    out.fixed64(JsonValues.integer(in, Long.MIN_VALUE, Long.MAX_VALUE));
                }
                case UINT64 -> {
                    out.tag(number, 0);
                    out.varint(JsonValues.unsigned64(in));
                }
                case FIXED64 -> {
                    out.tag(number, 1);
                    out.fixed64(JsonValues.unsigned64(in));
                }
                case FLOAT -> {
                    out.tag(number, 5);
                    out.fixed32(Float.floatToRawIntBits(JsonValues.floatValue(in)));
                }
                case DOUBLE -> {
                    out.tag(number, 1);
                    out.fixed64(Double.doubleToRawLongBits(JsonValues.doubleValue(in)));
                }
                default -> throw DECLINED;
            }
        }

        /** A message value at pos: an object, or a well-known type's own JSON. */
        private void nested(Descriptor type, int depth) {
            if (depth > JsonCursor.MAX_DEPTH) {
                throw DECLINED;
            }
            if (!type.getFile().getPackage().equals("google.protobuf")) {
                message(type, depth);
                return;
            }
            switch (type.getName()) {
                case "Timestamp" -> {
                    if (in.peek() != '"') {
                        throw DECLINED;
                    }
                    try {
                        Timestamp timestamp = Timestamps.parse(in.string());
                        out.raw(timestamp.toByteArray()); // its length slot is the caller's
                    } catch (ParseException e) {
                        throw DECLINED;
                    }
                }
                case "Struct" -> struct(depth);
                case "Value" -> anyValue(depth);
                case "ListValue" -> list(depth);
                default -> throw DECLINED;
            }
        }

        /** A Struct: entries (1) of key (1) and Value (2), in the object's order; a key given twice declines. */
        private void struct(int depth) {
            in.expect('{');
            in.whitespace();
            if (in.peek() == '}') {
                in.skip(1);
                return;
            }
            Set<String> keys = new HashSet<>();
            do {
                in.whitespace();
                String key = in.string();
                if (!keys.add(key)) {
                    throw DECLINED; // Gson keeps one of the two; which, is its business
                }
                in.whitespace();
                in.expect(':');
                in.whitespace();
                out.tag(1, 2);
                int entry = out.reserveLength();
                out.tag(1, 2);
                out.utf8(key);
                out.tag(2, 2);
                int value = out.reserveLength();
                anyValue(depth + 1);
                out.patchLength(value);
                out.patchLength(entry);
                in.whitespace();
            } while (in.more('}'));
        }

        /** A ListValue: values (1), nulls included (they are null Values). */
        private void list(int depth) {
            in.expect('[');
            in.whitespace();
            if (in.peek() == ']') {
                in.skip(1);
                return;
            }
            do {
                in.whitespace();
                out.tag(1, 2);
                int value = out.reserveLength();
                anyValue(depth + 1);
                out.patchLength(value);
                in.whitespace();
            } while (in.more(']'));
        }

        /** A Value's fields, as JsonFormat sets them: null 1, number 2, string 3, bool 4, struct 5, list 6. */
        private void anyValue(int depth) {
            if (depth > JsonCursor.MAX_DEPTH) {
                throw DECLINED;
            }
            char c = in.peek();
            if (c == '{') {
                out.tag(5, 2);
                int slot = out.reserveLength();
                struct(depth);
                out.patchLength(slot);
            } else if (c == '[') {
                out.tag(6, 2);
                int slot = out.reserveLength();
                list(depth);
                out.patchLength(slot);
            } else if (c == '"') {
                out.tag(3, 2);
                out.utf8(in.string());
            } else if (in.peekLiteral("null")) {
                in.skip(4);
                out.tag(1, 0);
                out.varint(0);
            } else if (in.peekLiteral("true") || in.peekLiteral("false")) {
                out.tag(4, 0);
                out.varint(JsonValues.boolValue(in) ? 1 : 0);
            } else {
                out.tag(2, 1);
                out.fixed64(Double.doubleToRawLongBits(Double.parseDouble(in.numberToken()))); // Gson's getAsDouble
            }
        }
    }
}
