package dev.annotask.api.rest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random messages of the schema's types, as generated classes: every field set or not, strings
 * with every character JSON escapes, numbers at their limits, unknown enum numbers, Structs,
 * Timestamps. For tests that compare two ways of doing one thing.
 */
final class RandomMessages {
    static final String[] STRINGS = {"", "a", "cat on a mat", "<script>alert('x')</script>", "a=b&c",
        "quote \" backslash \\ slash /", "tab\tnew\nline\rcr\bback\fform", "\u0000\u0001\u001f\u007f", "é ü ß ñ",
        "汉字", "emoji 😀", "line\u2028para\u2029end", "\u2027\u202a", "u+0080 \u0080 u+00ff \u00ff", "{\"json\":1}"};

    private RandomMessages() {
    }

    /** Every message type of the files and their dependencies, map entries and well-known types aside (Struct, Value, ListValue, Timestamp and Empty kept). */
    static List<Descriptor> types(List<FileDescriptor> files) {
        Map<String, Descriptor> seen = new LinkedHashMap<>();
        for (FileDescriptor file : files) {
            collectFile(file, seen);
        }
        return new ArrayList<>(seen.values());
    }

    /** A random message of the type, as its generated class. */
    static Message of(Descriptor type, Random random) {
        return generated(type, randomMessage(type, random, 0));
    }

    private static void collectFile(FileDescriptor file, Map<String, Descriptor> seen) {
        for (Descriptor type : file.getMessageTypes()) {
            collectType(type, seen);
        }
        for (FileDescriptor dependency : file.getDependencies()) {
            collectFile(dependency, seen);
        }
    }

    private static void collectType(Descriptor type, Map<String, Descriptor> seen) {
        if (type.getOptions().getMapEntry() || seen.containsKey(type.getFullName())) {
            return;
        }
        String pkg = type.getFile().getPackage();
        boolean wellKnownOutsideSchema = pkg.equals("google.protobuf")
                && !List.of("Struct", "Value", "ListValue", "Timestamp", "Empty").contains(type.getName());
        if (!wellKnownOutsideSchema) {
            seen.put(type.getFullName(), type);
        }
        type.getNestedTypes().forEach(nested -> collectType(nested, seen));
    }

    static Message generated(Descriptor type, Message dynamic) {
        try {
            Message prototype = defaultInstance(type);
            return prototype.getParserForType().parseFrom(dynamic.toByteArray());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static Message defaultInstance(Descriptor type) {
        FileDescriptor file = type.getFile();
        String javaPackage = file.getOptions().hasJavaPackage() ? file.getOptions().getJavaPackage() : file.getPackage();
        String nested = type.getFullName().substring(file.getPackage().length() + 1);
        try {
            return (Message) Class.forName(javaPackage + "." + nested.replace('.', '$'))
                    .getMethod("getDefaultInstance").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type.getFullName(), e);
        }
    }

    private static Message randomMessage(Descriptor type, Random random, int depth) {
        switch (type.getFullName()) {
            case "google.protobuf.Timestamp" -> {
                return timestamp(random);
            }
            case "google.protobuf.Struct" -> {
                return struct(random, depth);
            }
            case "google.protobuf.Value" -> {
                return value(random, depth);
            }
            case "google.protobuf.ListValue" -> {
                return list(random, depth);
            }
            default -> {
            }
        }
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        for (FieldDescriptor field : type.getFields()) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            boolean message = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
            if (message && depth >= 4) {
                continue;
            }
            if (field.isMapField()) {
                Descriptor entry = field.getMessageType();
                for (int i = random.nextInt(3); i > 0; i--) {
                    DynamicMessage.Builder item = DynamicMessage.newBuilder(entry);
                    item.setField(entry.findFieldByNumber(1), scalar(entry.findFieldByNumber(1), random));
                    FieldDescriptor valueField = entry.findFieldByNumber(2);
                    if (random.nextInt(5) > 0) {
                        item.setField(valueField, valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                                ? randomMessage(valueField.getMessageType(), random, depth + 1) : scalar(valueField, random));
                    }
                    builder.addRepeatedField(field, item.build());
                }
            } else if (field.isRepeated()) {
                for (int i = random.nextInt(4); i > 0; i--) {
                    builder.addRepeatedField(field, message ? randomMessage(field.getMessageType(), random, depth + 1)
                            : scalar(field, random));
                }
            } else {
                builder.setField(field, message ? randomMessage(field.getMessageType(), random, depth + 1)
                        : scalar(field, random));
            }
        }
        return builder.build();
    }

    private static Object scalar(FieldDescriptor field, Random random) {
        return switch (field.getJavaType()) {
            case INT -> pick(random, 0, 1, -1, 42, Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextInt());
            case LONG -> pick(random, 0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, random.nextLong());
            case FLOAT -> pick(random, 0f, -0f, 1f, 0.5f, 0.1f, 1e-45f, 3.4e38f, 1234567.9f, Float.NaN,
                    Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, random.nextFloat());
            case DOUBLE -> pick(random, 0d, -0d, 1d, 0.1d, 1e300, 4.9e-324, Double.NaN, Double.NEGATIVE_INFINITY,
                    random.nextDouble() * 1e6);
            case BOOLEAN -> random.nextBoolean();
            case STRING -> STRINGS[random.nextInt(STRINGS.length)];
            case BYTE_STRING -> {
                byte[] bytes = new byte[random.nextInt(8)];
                random.nextBytes(bytes);
                yield ByteString.copyFrom(bytes);
            }
            case ENUM -> random.nextInt(6) == 0
                    ? field.getEnumType().findValueByNumberCreatingIfUnknown(90_000 + random.nextInt(10))
                    : field.getEnumType().getValues().get(random.nextInt(field.getEnumType().getValues().size()));
            case MESSAGE -> throw new IllegalArgumentException(field.getFullName());
        };
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static Timestamp timestamp(Random random) {
        long seconds = pick(random, 0L, 1_764_500_000L, -62135596800L, 253402300799L, -1L,
                (long) (random.nextDouble() * 4_000_000_000L) - 1_000_000_000L);
        int nanos = pick(random, 0, 1, 999_999_999, 5_000_000, 123_000, random.nextInt(1_000_000_000));
        return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    }

    private static Struct struct(Random random, int depth) {
        Struct.Builder struct = Struct.newBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
            struct.putFields(STRINGS[random.nextInt(STRINGS.length)] + i, value(random, depth + 1));
        }
        return struct.build();
    }

    private static ListValue list(Random random, int depth) {
        ListValue.Builder list = ListValue.newBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
            list.addValues(value(random, depth + 1));
        }
        return list.build();
    }

    private static Value value(Random random, int depth) {
        int kind = random.nextInt(depth >= 4 ? 5 : 7);
        return switch (kind) {
            case 0 -> Value.getDefaultInstance();
            case 1 -> Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
            case 2 -> Value.newBuilder().setNumberValue((double) scalarDouble(random)).build();
            case 3 -> Value.newBuilder().setStringValue(STRINGS[random.nextInt(STRINGS.length)]).build();
            case 4 -> Value.newBuilder().setBoolValue(random.nextBoolean()).build();
            case 5 -> Value.newBuilder().setStructValue(struct(random, depth)).build();
            default -> Value.newBuilder().setListValue(list(random, depth)).build();
        };
    }

    private static double scalarDouble(Random random) {
        return pick(random, 0d, 1d, -2.5d, 1e21, 123456789d, random.nextDouble());
    }
}
