package dev.annotask.api;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
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
        private final byte[] in;
        private int pos;

        WireReader(byte[] in) {
            this.in = in;
        }

        void message(Descriptor type, int from, int to, Path at) {
            pos = from;
            while (pos < to) {
                long tag = varint();
                int number = (int) (tag >>> 3);
                int wire = (int) tag & 7;
                FieldDescriptor field = type.findFieldByNumber(number);
                if (field == null) {
                    skip(wire); // unknown to this schema: kept by protobuf, read by no handler
                    continue;
                }
                Path path = Path.field(at, field);
                if (field.isRepeated()) {
                    repeated(field, wire, to, path);
                } else {
                    value(field, wire, path);
                }
            }
        }

        /** All consecutive entries of the repeated field from pos, the first tag read. */
        private void repeated(FieldDescriptor field, int wire, int to, Path path) {
            int first = pos;
            int items = countItems(field, wire, to);
            if (items > RequestLimits.LIST_ITEMS && !field.isMapField()) {
                throw ApiException.invalid(path + ": " + items + " items; at most "
                        + RequestLimits.LIST_ITEMS + " are allowed in one list");
            }
            pos = first;
            int index = 0;
            int itemWire = wire;
            while (true) {
                if (itemWire == 2 && isPackable(field)) {
                    int end = end();
                    while (pos < end) {
                        value(field, expectedWire(field), path.item(index++));
                    }
                } else if (field.isMapField()) {
                    mapEntry(field, path);
                } else {
                    value(field, itemWire, path.item(index++));
                }
                if (!atField(field.getNumber(), to)) {
                    return;
                }
                itemWire = (int) varint() & 7;
            }
        }

        /** How many items the field's consecutive entries from pos hold (packed ones counted one by one). */
        private int countItems(FieldDescriptor field, int wire, int to) {
            int items = 0;
            int itemWire = wire;
            while (true) {
                if (itemWire == 2 && isPackable(field)) {
                    int end = end();
                    int expected = expectedWire(field);
                    while (pos < end) {
                        skip(expected);
                        items++;
                    }
                } else {
                    skip(itemWire);
                    items++;
                }
                if (!atField(field.getNumber(), to)) {
                    return items;
                }
                itemWire = (int) varint() & 7;
            }
        }

        private boolean atField(int number, int to) {
            if (pos >= to) {
                return false;
            }
            int start = pos;
            long tag = varint();
            pos = start;
            return (int) (tag >>> 3) == number;
        }

        /** One value of the field at pos, its tag read. */
        private void value(FieldDescriptor field, int wire, Path path) {
            switch (field.getJavaType()) {
                case ENUM -> {
                    int number = (int) varint();
                    if (field.getEnumType().findValueByNumber(number) == null) {
                        throw unknownEnum(field.getEnumType(), number, path);
                    }
                }
                case STRING -> {
                    int end = end();
                    string(field, pos, end, path);
                    pos = end;
                }
                case MESSAGE -> {
                    int end = end();
                    Descriptor type = field.getMessageType();
                    if (type.getFullName().equals("google.protobuf.Struct")) {
                        struct(pos, end, path);
                    } else if (!type.getFile().getPackage().equals("google.protobuf")) {
                        message(type, pos, end, path);
                    }
                    pos = end;
                }
                default -> skip(wire); // numbers, booleans and bytes have no range of their own here
            }
        }

        private void mapEntry(FieldDescriptor field, Path path) {
            int end = end();
            FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
            FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
            String key = keyField.getJavaType() == FieldDescriptor.JavaType.STRING ? "" : "0";
            int valueAt = -1;
            int valueWire = 0;
            while (pos < end) {
                long tag = varint();
                int number = (int) (tag >>> 3);
                int wire = (int) tag & 7;
                if (number == 1 && keyField.getJavaType() == FieldDescriptor.JavaType.STRING) {
                    int keyEnd = end();
                    string(keyField, pos, keyEnd, new Path(path.parent(), path.field(), -1, null, true));
                    key = new String(in, pos, keyEnd - pos, StandardCharsets.UTF_8);
                    pos = keyEnd;
                } else if (number == 1) {
                    int start = pos;
                    skip(wire);
                    key = keyText(keyField, start);
                } else if (number == 2) {
                    valueAt = pos;
                    valueWire = wire;
                    skip(wire);
                } else {
                    skip(wire);
                }
            }
            if (valueAt >= 0) {
                pos = valueAt;
                value(valueField, valueWire, new Path(path.parent(), path.field(), -1, key, false));
            }
            pos = end;
        }

        /** A non-string map key as Java prints it. */
        private String keyText(FieldDescriptor keyField, int start) {
            int saved = pos;
            pos = start;
            String text = switch (keyField.getType()) {
                case INT32 -> Integer.toString((int) varint());
                case INT64 -> Long.toString(varint());
                case UINT32 -> Integer.toString((int) varint());
                case UINT64 -> Long.toString(varint());
                case SINT32 -> {
                    int raw = (int) varint();
                    yield Integer.toString((raw >>> 1) ^ -(raw & 1));
                }
                case SINT64 -> {
                    long raw = varint();
                    yield Long.toString((raw >>> 1) ^ -(raw & 1));
                }
                case BOOL -> Boolean.toString(varint() != 0);
                case FIXED32, SFIXED32 -> Integer.toString(fixed32());
                case FIXED64, SFIXED64 -> Long.toString(fixed64());
                default -> "?";
            };
            pos = saved;
            return text;
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
            int units = 0;
            for (int i = from; i < to; i++) {
                int b = in[i] & 0xff;
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

        /** A Struct's keys (1: entries, each 1: key, 2: Value) and values are free of NUL. */
        private void structText(int from, int to, Path path) {
            pos = from;
            while (pos < to) {
                long tag = varint();
                if (tag >>> 3 != 1 || (tag & 7) != 2) {
                    skip((int) tag & 7);
                    continue;
                }
                int entryEnd = end();
                while (pos < entryEnd) {
                    long entryTag = varint();
                    if ((entryTag & 7) != 2) {
                        skip((int) entryTag & 7);
                    } else if (entryTag >>> 3 == 1) {
                        int end = end();
                        requireNoNul(pos, end, path);
                        pos = end;
                    } else if (entryTag >>> 3 == 2) {
                        int end = end();
                        valueText(pos, end, path);
                        pos = end;
                    } else {
                        skip(2);
                    }
                }
            }
        }

        /** A Value: its string (3), struct (5) or list (6; 1: values). */
        private void valueText(int from, int to, Path path) {
            pos = from;
            while (pos < to) {
                long tag = varint();
                int number = (int) (tag >>> 3);
                if ((tag & 7) != 2) {
                    skip((int) tag & 7);
                    continue;
                }
                int end = end();
                if (number == 3) {
                    requireNoNul(pos, end, path);
                } else if (number == 5) {
                    structText(pos, end, path);
                } else if (number == 6) {
                    while (pos < end) {
                        long itemTag = varint();
                        if (itemTag >>> 3 == 1 && (itemTag & 7) == 2) {
                            int itemEnd = end();
                            valueText(pos, itemEnd, path);
                            pos = itemEnd;
                        } else {
                            skip((int) itemTag & 7);
                        }
                    }
                }
                pos = end;
            }
        }

        private void requireNoNul(int from, int to, Path path) {
            for (int i = from; i < to; i++) {
                if (in[i] == 0) {
                    throw ApiException.invalid(path + ": contains the NUL character (U+0000), which cannot be stored");
                }
            }
        }

        private int end() {
            long length = varint();
            if (length < 0 || pos + length > in.length) {
                throw new IllegalStateException("a request's own serialization is malformed");
            }
            return pos + (int) length;
        }

        private long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = in[pos++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalStateException("a request's own serialization is malformed");
        }

        private int fixed32() {
            int value = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
            pos += 4;
            return value;
        }

        private long fixed64() {
            long low = fixed32() & 0xffffffffL;
            return low | (fixed32() & 0xffffffffL) << 32;
        }

        private void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> pos = end();
                case 5 -> pos += 4;
                default -> throw new IllegalStateException("wire type " + wire + " in a request");
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
            case FIXED64, SFIXED64, DOUBLE -> 1;
            case FIXED32, SFIXED32, FLOAT -> 5;
            default -> 0;
        };
    }
}
