package dev.annotask.api;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.annotask.wire.WireCursor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * case: a worker strategy of 99 would quietly run as FULL.
 *
 * <p>Walks the fields that are set, in field-number order, recursively through messages,
 * repeated fields and maps; a {@code google.protobuf.Struct} is measured whole, not walked, and
 * other well-known types are skipped. It walks the request's binary form, which the generated
 * code writes without reflection, rather than the message through protobuf's reflection, which
 * for an upload of 128 inputs cost a twentieth of the server's CPU; a field's path is spelled
 * only for the answer. Stateless.
 */
public final class RequestChecks {
    /** Enums with more values than this are not listed in the error (StatusCode has hundreds). */
    private static final int MAX_LISTED_VALUES = 16;

    /** The limit of each string field, by descriptor: {@link RequestLimits#of} matches names. */
    private static final Map<FieldDescriptor, RequestLimits.Limit> LIMITS = new ConcurrentHashMap<>();

    private RequestChecks() {
    }

    /** @throws ApiException CONN_INVALID_REQUEST at the first field out of range or too long */
    public static void check(Message request) {
        byte[] wire = request.toByteArray();
        new WireReader(wire).message(request.getDescriptorForType(), 0, wire.length, null);
    }

    /** Where a value is, spelled only when it is refused: a field of a parent, an item, a map entry. */
    private record Path(Path parent, FieldDescriptor field, int index, String mapKey, boolean key) {
        static Path field(Path parent, FieldDescriptor field) {
            return new Path(parent, field, -1, null, false);
        }

        Path item(int index) {
            return new Path(parent, field, index, null, false);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            if (parent != null) {
                text.append(parent).append('.');
            }
            text.append(field.getName());
            if (index >= 0) {
                text.append('[').append(index).append(']');
            }
            if (key) {
                text.append(" key");
            } else if (mapKey != null) {
                text.append('[').append(mapKey).append(']');
            }
            return text.toString();
        }
    }

    /** The walk over one request's bytes. */
    private static final class WireReader {
        private final WireCursor in;

        WireReader(byte[] wire) {
            this.in = new WireCursor(wire);
        }

        void message(Descriptor type, int from, int to, Path at) {
            in.seek(from);
            while (in.position() < to) {
                long tag = in.varint();
                int wire = (int) tag & 7;
                FieldDescriptor field = type.findFieldByNumber((int) (tag >>> 3));
                if (field == null) {
                    in.skip(wire); // unknown to this schema: kept by protobuf, read by no handler
                } else if (field.isRepeated()) {
                    repeated(field, wire, to, Path.field(at, field));
                } else {
                    value(field, wire, Path.field(at, field));
                }
            }
        }

        /** All consecutive entries of the repeated field from the cursor, the first tag read. */
        private void repeated(FieldDescriptor field, int wire, int to, Path path) {
            int first = in.position();
            int items = items(field, wire, to, null);
            if (items > RequestLimits.LIST_ITEMS && !field.isMapField()) {
                throw ApiException.invalid(path + ": " + items + " items; at most "
                        + RequestLimits.LIST_ITEMS + " are allowed in one list");
            }
            in.seek(first);
            items(field, wire, to, path);
        }

        /**
         * Goes over the field's consecutive entries (packed ones item by item), checking each
         * when {@code path} is given, only counting them when it is null; how many there are.
         */
        private int items(FieldDescriptor field, int wire, int to, Path path) {
            int index = 0;
            int itemWire = wire;
            while (true) {
                if (itemWire == WireCursor.LENGTH_DELIMITED && isPackable(field)) {
                    int end = in.end();
                    while (in.position() < end) {
                        item(field, expectedWire(field), path, index++);
                    }
                } else if (field.isMapField() && path != null) {
                    mapEntry(field, path);
                    index++;
                } else {
                    item(field, itemWire, path, index++);
                }
                if (!in.atField(field.getNumber(), to)) {
                    return index;
                }
                itemWire = (int) in.varint() & 7;
            }
        }

        private void item(FieldDescriptor field, int wire, Path path, int index) {
            if (path == null) {
                in.skip(wire);
            } else {
                value(field, wire, path.item(index));
            }
        }

        /** One value of the field at the cursor, its tag read. */
        private void value(FieldDescriptor field, int wire, Path path) {
            switch (field.getJavaType()) {
                case ENUM -> {
                    int number = (int) in.varint();
                    if (field.getEnumType().findValueByNumber(number) == null) {
                        throw unknownEnum(field.getEnumType(), number, path);
                    }
                }
                case STRING -> {
                    int end = in.end();
                    string(field, in.position(), end, path);
                    in.seek(end);
                }
                case MESSAGE -> {
                    int end = in.end();
                    Descriptor type = field.getMessageType();
                    if (type.getFullName().equals("google.protobuf.Struct")) {
                        struct(in.position(), end, path);
                    } else if (!type.getFile().getPackage().equals("google.protobuf")) {
                        message(type, in.position(), end, path);
                    }
                    in.seek(end);
                }
                default -> in.skip(wire); // numbers, booleans and bytes have no range of their own here
            }
        }

        /** A map entry: its key (1) checked as a string, then its value (2) at {@code path[key]}. */
        private void mapEntry(FieldDescriptor field, Path path) {
            int end = in.end();
            FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
            FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
            String key = keyField.getJavaType() == FieldDescriptor.JavaType.STRING ? "" : "0";
            int valueAt = -1;
            int valueWire = 0;
            while (in.position() < end) {
                long tag = in.varint();
                int wire = (int) tag & 7;
                if (tag >>> 3 == 1 && keyField.getJavaType() == FieldDescriptor.JavaType.STRING) {
                    int keyEnd = in.end();
                    string(keyField, in.position(), keyEnd, new Path(path.parent(), path.field(), -1, null, true));
                    key = new String(in.bytes(), in.position(), keyEnd - in.position(), StandardCharsets.UTF_8);
                    in.seek(keyEnd);
                } else if (tag >>> 3 == 1) {
                    key = keyText(keyField);
                } else {
                    if (tag >>> 3 == 2) {
                        valueAt = in.position();
                        valueWire = wire;
                    }
                    in.skip(wire);
                }
            }
            if (valueAt >= 0) {
                in.seek(valueAt);
                value(valueField, valueWire, new Path(path.parent(), path.field(), -1, key, false));
            }
            in.seek(end);
        }

        /** A non-string map key at the cursor, as Java prints it. */
        private String keyText(FieldDescriptor keyField) {
            return switch (keyField.getType()) {
                case INT32, UINT32 -> Integer.toString((int) in.varint());
                case INT64, UINT64 -> Long.toString(in.varint());
                case SINT32 -> {
                    int raw = (int) in.varint();
                    yield Integer.toString((raw >>> 1) ^ -(raw & 1));
                }
                case SINT64 -> {
                    long raw = in.varint();
                    yield Long.toString((raw >>> 1) ^ -(raw & 1));
                }
                case BOOL -> Boolean.toString(in.varint() != 0);
                case FIXED32, SFIXED32 -> Integer.toString(in.fixed32());
                case FIXED64, SFIXED64 -> Long.toString(in.fixed64());
                default -> throw new IllegalStateException("a map key of type " + keyField.getType());
            };
        }

        /**
         * PostgreSQL stores no NUL character, in text or JSON, and would fail the request as an
         * internal error; no label, id or metadata needs one, so it is refused on both databases.
         * In UTF-8, and so in a string's wire bytes, U+0000 is the byte 0 and nothing else is.
         */
        private void string(FieldDescriptor field, int from, int to, Path path) {
            requireNoNul(from, to, path);
            RequestLimits.Limit limit = LIMITS.computeIfAbsent(field, RequestLimits::of);
            // Cheap first test: a string has no more UTF-16 characters than UTF-8 bytes.
            int bytes = to - from;
            if (bytes <= limit.max()) {
                return;
            }
            int size = limit.utf8Bytes() ? bytes : utf16Length(from, to);
            if (size > limit.max()) {
                throw ApiException.invalid(path + ": the " + limit.what() + " is " + size + " " + limit.unit()
                        + " long; at most " + limit.max() + " are allowed");
            }
        }

        /** UTF-16 code units of UTF-8 text: one per sequence, two for a 4-byte one (a surrogate pair). */
        private int utf16Length(int from, int to) {
            byte[] bytes = in.bytes();
            int units = 0;
            for (int i = from; i < to; i++) {
                int b = bytes[i] & 0xff;
                if ((b & 0xc0) != 0x80) {
                    units += b >= 0xf0 ? 2 : 1;
                }
            }
            return units;
        }

        /**
         * A Struct (metadata, weights): its size, then every key and string value at any depth
         * for NUL (the size limit bounds that work), all answered at the Struct's path.
         */
        private void struct(int from, int to, Path path) {
            if (to - from > RequestLimits.STRUCT_BYTES) {
                throw ApiException.invalid(path + ": " + (to - from) + " bytes of data; at most "
                        + RequestLimits.STRUCT_BYTES + " are allowed");
            }
            structText(from, to, path);
        }

        /** A Struct's entries (1), each a key (1) and a Value (2): the strings in them are free of NUL. */
        private void structText(int from, int to, Path path) {
            in.seek(from);
            while (in.position() < to) {
                long tag = in.varint();
                if (tag != (1 << 3 | WireCursor.LENGTH_DELIMITED)) {
                    in.skip((int) tag & 7);
                    continue;
                }
                int entryEnd = in.end();
                while (in.position() < entryEnd) {
                    long entryTag = in.varint();
                    if (entryTag == (1 << 3 | WireCursor.LENGTH_DELIMITED)) {
                        int end = in.end();
                        requireNoNul(in.position(), end, path);
                        in.seek(end);
                    } else if (entryTag == (2 << 3 | WireCursor.LENGTH_DELIMITED)) {
                        int end = in.end();
                        valueText(in.position(), end, path);
                        in.seek(end);
                    } else {
                        in.skip((int) entryTag & 7);
                    }
                }
            }
        }

        /** A Value: its string (3), struct (5) or list (6, of values 1). */
        private void valueText(int from, int to, Path path) {
            in.seek(from);
            while (in.position() < to) {
                long tag = in.varint();
                if ((tag & 7) != WireCursor.LENGTH_DELIMITED) {
                    in.skip((int) tag & 7);
                    continue;
                }
                int end = in.end();
                if (tag >>> 3 == 3) {
                    requireNoNul(in.position(), end, path);
                } else if (tag >>> 3 == 5) {
                    structText(in.position(), end, path);
                } else if (tag >>> 3 == 6) {
                    while (in.position() < end) {
                        long itemTag = in.varint();
                        if (itemTag == (1 << 3 | WireCursor.LENGTH_DELIMITED)) {
                            int itemEnd = in.end();
                            valueText(in.position(), itemEnd, path);
                            in.seek(itemEnd);
                        } else {
                            in.skip((int) itemTag & 7);
                        }
                    }
                }
                in.seek(end);
            }
        }

        private void requireNoNul(int from, int to, Path path) {
            byte[] bytes = in.bytes();
            for (int i = from; i < to; i++) {
                if (bytes[i] == 0) {
                    throw ApiException.invalid(path + ": contains the NUL character (U+0000), which cannot be stored");
                }
            }
        }
    }

    private static ApiException unknownEnum(EnumDescriptor type, int number, Path path) {
        String known = type.getValues().size() > MAX_LISTED_VALUES ? ""
                : " (one of " + type.getValues().stream().map(v -> v.getNumber() + " " + v.getName())
                        .collect(Collectors.joining(", ")) + ")";
        return ApiException.invalid(path + ": " + number + " is not a " + type.getName() + " value" + known);
    }

    private static boolean isPackable(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case STRING, BYTE_STRING, MESSAGE -> false;
            default -> true;
        };
    }

    private static int expectedWire(FieldDescriptor field) {
        return switch (field.getType()) {
            case FIXED64, SFIXED64, DOUBLE -> WireCursor.FIXED64;
            case FIXED32, SFIXED32, FLOAT -> WireCursor.FIXED32;
            default -> WireCursor.VARINT;
        };
    }
}
