package dev.annotask.wire;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.annotask.proto.auth.ExtensionProto;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints a message as JsonFormat prints it, byte for byte, but from the message's binary form:
 * the generated code serializes it (fast, no reflection), and this walks the bytes with the
 * message's descriptor, writing UTF-8 JSON as it goes. JsonFormat instead reads every field
 * through protobuf's reflection and formats each Timestamp with a date formatter and
 * {@code String.format}; for the answer to an upload of 128 inputs that was a third of the
 * server's CPU.
 *
 * <p>Two forms: {@link #forRest} is the REST gateway's (docs/COMPATIBILITY.md, "Wire
 * behaviour": enums as numbers, Clarifai's always-printed fields), {@link #forStorage} that of
 * messages stored as JSON text (enums by name, nothing printed that is not set). Both with
 * proto field names, no whitespace, fields in number order; values as {@link JsonScalars},
 * strings as {@link JsonOut}, Timestamps as {@link JsonTimestamps} print them. In the REST form
 * the fields of {@code alwaysPrinted} are present when empty, and an unset optional scalar
 * marked {@code cl_show_if_empty} is printed with its zero value except inside map values and
 * well-known types (the gateway's own rule, which never reached those).
 *
 * <p>What it does not know how to print exactly it refuses with {@link Unsupported}, and the
 * caller prints that message with JsonFormat instead: {@code Any}, {@code Duration},
 * {@code FieldMask}, groups, a Timestamp out of range, and bytes not laid out as generated code
 * writes them (fields out of number order, a repeated field split, a singular one repeated).
 * WireJsonPrinterTest compares both printers on random messages of every type of the schema.
 * Thread-safe.
 */
public final class WireJsonPrinter {
    /** The message holds something this printer leaves to JsonFormat. */
    public static final class Unsupported extends RuntimeException {
        Unsupported(String what) {
            super(what, null, false, false);
        }
    }

    private static final int MAX_DEPTH = 100;

    /** How a message type prints: its fields in number order, or a well-known type's own form. */
    private record Plan(Descriptor type, Special special, int[] numbers, FieldPlan[] fields) {
        FieldPlan field(int number) {
            int at = Arrays.binarySearch(numbers, number);
            return at < 0 ? null : fields[at];
        }
    }

    private enum Special { NONE, TIMESTAMP, STRUCT, VALUE, LIST_VALUE, WRAPPER }

    /**
     * One field: its key as printed ({@code "name":}), whether it prints when absent (the
     * always-printed set; or, when filling, the show-if-empty optionals), and for maps the
     * entry's key and value fields.
     */
    private record FieldPlan(FieldDescriptor field, byte[] key, boolean always, boolean fill,
                             FieldDescriptor mapKey, FieldDescriptor mapValue) {
    }

    private final Set<FieldDescriptor> alwaysPrinted;
    private final boolean enumsAsNumbers;
    private final boolean showIfEmpty;
    private final ConcurrentHashMap<Descriptor, Plan> plans = new ConcurrentHashMap<>();

    private WireJsonPrinter(Set<FieldDescriptor> alwaysPrinted, boolean enumsAsNumbers, boolean showIfEmpty) {
        this.alwaysPrinted = Set.copyOf(alwaysPrinted);
        this.enumsAsNumbers = enumsAsNumbers;
        this.showIfEmpty = showIfEmpty;
    }

    /**
     * The REST gateway's form: JsonFormat's {@code printingEnumsAsInts()} and
     * {@code includingDefaultValueFields(alwaysPrinted)}, plus the show-if-empty optionals.
     */
    public static WireJsonPrinter forRest(Set<FieldDescriptor> alwaysPrinted) {
        return new WireJsonPrinter(alwaysPrinted, true, true);
    }

    /** Stored JSON: JsonFormat's {@code preservingProtoFieldNames().omittingInsignificantWhitespace()} alone. */
    public static WireJsonPrinter forStorage() {
        return new WireJsonPrinter(Set.of(), false, false);
    }

    /** The message as UTF-8 JSON. @throws Unsupported when JsonFormat must print it */
    public byte[] print(Message message) {
        byte[] wire = message.toByteArray();
        JsonOut out = new JsonOut(Math.max(64, wire.length + wire.length / 2));
        try {
            new Walk(new WireCursor(wire), out).message(plan(message.getDescriptorForType()), 0, wire.length,
                    showIfEmpty, 0);
        } catch (WireCursor.Malformed e) {
            throw new Unsupported(e.getMessage());
        }
        return out.toByteArray();
    }

    private Plan plan(Descriptor type) {
        Plan plan = plans.get(type);
        if (plan == null) {
            plan = newPlan(type);
            Plan raced = plans.putIfAbsent(type, plan);
            plan = raced != null ? raced : plan;
        }
        return plan;
    }

    private Plan newPlan(Descriptor type) {
        Special special = special(type);
        FieldDescriptor[] sorted = type.getFields().toArray(FieldDescriptor[]::new);
        Arrays.sort(sorted, Comparator.comparingInt(FieldDescriptor::getNumber));
        int[] numbers = new int[sorted.length];
        FieldPlan[] fields = new FieldPlan[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            FieldDescriptor field = sorted[i];
            numbers[i] = field.getNumber();
            if (field.getType() == FieldDescriptor.Type.GROUP) {
                throw new Unsupported("group"); // proto2 only
            }
            boolean fill = field.getJavaType() != FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()
                    && field.hasPresence() && field.getRealContainingOneof() == null
                    && field.getOptions().getExtension(ExtensionProto.clShowIfEmpty);
            FieldDescriptor mapKey = field.isMapField() ? field.getMessageType().findFieldByNumber(1) : null;
            FieldDescriptor mapValue = field.isMapField() ? field.getMessageType().findFieldByNumber(2) : null;
            fields[i] = new FieldPlan(field, JsonOut.asciiBytes("\"" + field.getName() + "\":"), alwaysPrinted.contains(field),
                    fill, mapKey, mapValue);
        }
        return new Plan(type, special, numbers, fields);
    }

    private static Special special(Descriptor type) {
        if (!isWellKnown(type)) {
            return Special.NONE;
        }
        return switch (type.getName()) {
            case "Timestamp" -> Special.TIMESTAMP;
            case "Struct" -> Special.STRUCT;
            case "Value" -> Special.VALUE;
            case "ListValue" -> Special.LIST_VALUE;
            case "DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value",
                 "BoolValue", "StringValue", "BytesValue" -> Special.WRAPPER;
            case "Any", "Duration", "FieldMask" -> throw new Unsupported(type.getFullName());
            default -> Special.NONE; // Empty and the like print as plain messages
        };
    }

    private static boolean isWellKnown(Descriptor type) {
        return type.getFile().getPackage().equals("google.protobuf");
    }

    /** One printing: the wire bytes being read and the JSON being written. */
    private final class Walk {
        private final WireCursor in;
        private final JsonOut out;
        /** The last Timestamp printed: a list's items often share theirs (an upload's inputs do). */
        private long lastSeconds;
        private int lastNanos;
        private int lastFrom = -1;
        private int lastLength;

        Walk(WireCursor in, JsonOut out) {
            this.in = in;
            this.out = out;
        }

        /**
         * Prints the message whose bytes are {@code [from, to)}, leaving the cursor at {@code to}.
         * {@code fill}: the show-if-empty rule applies here (not inside map values or well-known types).
         */
        void message(Plan plan, int from, int to, boolean fill, int depth) {
            if (depth > MAX_DEPTH) {
                throw new Unsupported("nesting");
            }
            in.seek(from);
            switch (plan.special()) {
                case TIMESTAMP -> timestamp(to);
                case STRUCT, LIST_VALUE -> only(plan, to, depth, plan.special() == Special.STRUCT ? "{}" : "[]");
                case VALUE -> value(plan, to, depth);
                case WRAPPER -> {
                    if (nextKnownNumber(plan, to) == 0) {
                        JsonScalars.printZero(out, plan.fields()[0].field(), false, enumsAsNumbers);
                    } else {
                        single(plan.fields()[0].field(), (int) in.varint() & 7, false, depth);
                    }
                }
                case NONE -> fields(plan, to, fill && !isWellKnown(plan.type()), depth);
            }
            if (nextKnownNumber(plan, to) != 0) {
                throw new Unsupported("a field after the last one printed in " + plan.type().getFullName());
            }
            in.seek(to);
        }

        private void fields(Plan plan, int to, boolean fill, int depth) {
            out.put('{');
            boolean first = true;
            for (FieldPlan field : plan.fields()) {
                int number = field.field().getNumber();
                int next = nextKnownNumber(plan, to);
                if (next != 0 && next < number) {
                    throw new Unsupported("fields out of order in " + plan.type().getFullName());
                }
                if (next == number) {
                    first = comma(first);
                    out.put(field.key());
                    present(field, to, fill, depth);
                } else if (field.always() || (fill && field.fill())) {
                    first = comma(first);
                    out.put(field.key());
                    absent(field.field());
                }
            }
            out.put('}');
        }

        /** Skips fields this type does not know; the number of the next known one, 0 at the end. */
        private int nextKnownNumber(Plan plan, int to) {
            while (true) {
                int number = in.peekNumber(to);
                if (number == 0 || Arrays.binarySearch(plan.numbers(), number) >= 0) {
                    return number;
                }
                in.skip((int) in.varint() & 7);
            }
        }

        /** Prints the field at the cursor (all its consecutive entries), leaving the cursor after them. */
        private void present(FieldPlan plan, int to, boolean fill, int depth) {
            FieldDescriptor field = plan.field();
            int number = field.getNumber();
            if (field.isMapField()) {
                out.put('{');
                boolean first = true;
                while (in.atField(number, to)) {
                    requireWire((int) in.varint() & 7, WireCursor.LENGTH_DELIMITED);
                    int end = in.end();
                    first = comma(first);
                    mapEntry(plan, end, depth);
                }
                out.put('}');
            } else if (field.isRepeated()) {
                out.put('[');
                boolean first = true;
                while (in.atField(number, to)) {
                    int wire = (int) in.varint() & 7;
                    if (wire == WireCursor.LENGTH_DELIMITED && JsonScalars.isPackable(field)) {
                        int end = in.end();
                        while (in.position() < end) {
                            first = comma(first);
                            JsonScalars.print(in, out, field, JsonScalars.expectedWire(field), false, enumsAsNumbers);
                        }
                        if (in.position() != end) {
                            throw new Unsupported("packed field overrun");
                        }
                    } else {
                        first = comma(first);
                        single(field, wire, fill, depth);
                    }
                }
                out.put(']');
            } else {
                single(field, (int) in.varint() & 7, fill, depth);
                if (in.atField(number, to)) {
                    throw new Unsupported("singular field repeated");
                }
            }
        }

        /** One value of the field, its tag read; {@code wire} is the wire type the tag gave. */
        private void single(FieldDescriptor field, int wire, boolean fill, int depth) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                requireWire(wire, WireCursor.LENGTH_DELIMITED);
                int end = in.end();
                message(plan(field.getMessageType()), in.position(), end, fill, depth + 1);
            } else {
                JsonScalars.print(in, out, field, wire, false, enumsAsNumbers);
            }
        }

        /** A map entry ending at {@code to}: key (1) then value (2), either absent (its zero value). */
        private void mapEntry(FieldPlan plan, int to, int depth) {
            int keyFrom = -1;
            int keyWire = 0;
            int valueFrom = -1;
            int valueWire = 0;
            while (in.position() < to) {
                long tag = in.varint();
                int wire = (int) tag & 7;
                if (tag >>> 3 == 1) {
                    keyFrom = in.position();
                    keyWire = wire;
                } else if (tag >>> 3 == 2) {
                    valueFrom = in.position();
                    valueWire = wire;
                }
                in.skip(wire);
            }
            if (keyFrom < 0) {
                JsonScalars.printZero(out, plan.mapKey(), true, enumsAsNumbers);
            } else {
                in.seek(keyFrom);
                JsonScalars.print(in, out, plan.mapKey(), keyWire, true, enumsAsNumbers);
            }
            out.put(':');
            if (valueFrom >= 0) {
                in.seek(valueFrom);
                single(plan.mapValue(), valueWire, false, depth);
            } else if (plan.mapValue().getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                message(plan(plan.mapValue().getMessageType()), to, to, false, depth + 1);
            } else {
                JsonScalars.printZero(out, plan.mapValue(), false, enumsAsNumbers);
            }
            in.seek(to);
        }

        /** A field absent from the bytes that prints anyway. */
        private void absent(FieldDescriptor field) {
            if (field.isMapField()) {
                out.put('{').put('}');
            } else if (field.isRepeated()) {
                out.put('[').put(']');
            } else {
                JsonScalars.printZero(out, field, false, enumsAsNumbers);
            }
        }

        /** Seconds (1) and nanos (2), printed; a repeat of the last Timestamp is copied. */
        private void timestamp(int to) {
            long seconds = 0;
            int nanos = 0;
            while (in.position() < to) {
                long tag = in.varint();
                if (tag == (1 << 3 | WireCursor.VARINT)) {
                    seconds = in.varint();
                } else if (tag == (2 << 3 | WireCursor.VARINT)) {
                    nanos = (int) in.varint();
                } else {
                    in.skip((int) tag & 7);
                }
            }
            if (lastFrom >= 0 && seconds == lastSeconds && nanos == lastNanos) {
                out.copyOf(lastFrom, lastLength);
            } else {
                int start = out.length();
                JsonTimestamps.print(seconds, nanos, out);
                lastSeconds = seconds;
                lastNanos = nanos;
                lastFrom = start;
                lastLength = out.length() - start;
            }
        }

        /** Struct (its map) and ListValue (its list): their one field's value alone, or {@code empty}. */
        private void only(Plan plan, int to, int depth, String empty) {
            FieldPlan field = plan.fields()[0];
            if (nextKnownNumber(plan, to) == field.field().getNumber()) {
                present(field, to, false, depth);
            } else {
                out.ascii(empty);
            }
        }

        /** A Value: the one kind it holds, or {@code null} when it holds none. */
        private void value(Plan plan, int to, int depth) {
            int number = nextKnownNumber(plan, to);
            if (number == 0) {
                out.ascii("null");
                return;
            }
            single(plan.field(number).field(), (int) in.varint() & 7, false, depth);
        }

        private boolean comma(boolean first) {
            if (!first) {
                out.put(',');
            }
            return false;
        }

        private void requireWire(int wire, int expected) {
            if (wire != expected) {
                throw new Unsupported("wire type " + wire + ", expected " + expected);
            }
        }
    }
}
