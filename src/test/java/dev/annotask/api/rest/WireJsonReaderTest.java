package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.proto.admin.AdminProto;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.ServiceProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-pass reader gives what the full reading (JsonShape, JsonFormat, the float defaults)
 * gives, or declines: on JSON printed from random messages of every type of the schema in
 * JsonFormat's forms and the gateway's, all of which it must read, and on that JSON damaged at random
 * (wrong types, unknown enum names, numbers as strings, nulls, fields twice, lenient syntax),
 * where whatever it reads must be what the full reading reads.
 */
class WireJsonReaderTest {
    private static final List<FileDescriptor> FILES = List.of(ServiceProto.getDescriptor(), AdminProto.getDescriptor());
    private static final ProtoJson JSON = new ProtoJson(FILES);
    private static final WireJsonReader READER = new WireJsonReader();
    private static final List<JsonFormat.Printer> PRINTERS = List.of(JsonFormat.printer(),
            JsonFormat.printer().preservingProtoFieldNames().printingEnumsAsInts().omittingInsignificantWhitespace());

    @Test
    void readsJsonFormatsOwnJsonAsTheFullReadingDoes() throws InvalidProtocolBufferException {
        Random random = new Random(11);
        int read = 0;
        int total = 0;
        for (Descriptor type : RandomMessages.types(FILES)) {
            if (type.getFile().getPackage().equals("google.protobuf") || holdsMapsOrWrappers(type, new java.util.HashSet<>())) {
                continue;
            }
            for (int i = 0; i < 2; i++) {
                Message message = RandomMessages.of(type, random);
                for (String json : List.of(PRINTERS.get(i % 2).print(message), JSON.print(message))) {
                    total++;
                    read += compare(type, json) ? 1 : 0;
                }
            }
        }
        assertThat(read).as("read in one pass").isEqualTo(total);
    }

    /**
     * Whether a type holds, at any depth, a map or a wrapper type (DatasetVersion's metrics): the
     * one-pass reader declines those by design, and the full reading reads them. No request sends
     * them but as output fields echoed back.
     */
    private static boolean holdsMapsOrWrappers(Descriptor type, java.util.Set<Descriptor> seen) {
        if (!seen.add(type)) {
            return false;
        }
        for (com.google.protobuf.Descriptors.FieldDescriptor field : type.getFields()) {
            if (field.isMapField()) {
                return true;
            }
            if (field.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                Descriptor nested = field.getMessageType();
                if (nested.getFullName().endsWith("Value") && nested.getFile().getName().endsWith("wrappers.proto")
                        || holdsMapsOrWrappers(nested, seen)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void whatItReadsFromDamagedJsonIsWhatTheFullReadingReads() throws InvalidProtocolBufferException {
        Random random = new Random(12);
        int read = 0;
        int total = 0;
        for (Descriptor type : RandomMessages.types(FILES)) {
            if (type.getFile().getPackage().equals("google.protobuf") || !type.getName().endsWith("Request")) {
                continue;
            }
            for (int i = 0; i < 15; i++) {
                String json = damaged(PRINTERS.get(i % 2).print(RandomMessages.of(type, random)), random);
                total++;
                read += compare(type, json) ? 1 : 0;
            }
        }
        assertThat(read).as("some damage leaves the JSON readable").isGreaterThan(total / 10);
        assertThat(read).as("most damage is declined").isLessThan(total * 9 / 10);
    }

    @Test
    void aConceptLeftWithoutValueMeansOneInOnePassToo() throws InvalidProtocolBufferException {
        String json = "{\"inputs\":[{\"id\":\"a\",\"data\":{\"concepts\":[{\"id\":\"c1\"},{\"id\":\"c2\",\"value\":null},"
                + "{\"id\":\"c3\",\"value\":0}]}}]}";
        assertThat(READER.read(json, PostInputsRequest.getDescriptor())).isNotNull();
        PostInputsRequest.Builder request = PostInputsRequest.newBuilder();
        JSON.merge(json, request);
        assertThat(request.getInputs(0).getData().getConceptsList()).extracting(Concept::getValue)
                .containsExactly(1.0f, 1.0f, 0.0f);
    }

    @Test
    void declinesWhatTheFullReadingRefusesOrReadsItsOwnWay() {
        Descriptor type = PostInputsRequest.getDescriptor();
        for (String json : List.of("{\"inputs\":[{\"id\":5}]}", "{\"input_id_conflict_resolution\":\"NOPE\"}",
                "{\"input_id_conflict_resolution\":\"1\"}", "{\"inputs\":[null]}", "{'inputs':[]}",
                "{\"inputs\":[],\"inputs\":[]}", "{\"inputs\":[{\"id\":\"a\"}]} x", "{\"inputs\":[{\"id\":\"\\ud800\"}]}",
                "{\"inputs\":[{\"created_at\":5}]}", "{\"inputs\":[{\"data\":{\"concepts\":[{\"value\":1.0e39}]}}]}",
                "{\"user_app_id\":{\"app_id\":\"a\"},\"userAppId\":{\"app_id\":\"b\"}}", "{\"inputs\":{}}", "[]",
                "{\"inputs\":[{\"id\":\"a\"}],}", "{\"inputs\":[{\"id\":\"a\",}]}", "{\"inputs\":[01]}")) {
            assertThat(READER.read(json, type)).as(json).isNull();
        }
    }

    /**
     * Reads the JSON both ways: when the one-pass reader reads it, the full reading must too,
     * to the same message; when it declines, nothing is asserted (the full reading answers).
     * Returns whether it was read in one pass.
     */
    private static boolean compare(Descriptor type, String json) throws InvalidProtocolBufferException {
        byte[] wire = READER.read(json, type);
        Message.Builder full = RandomMessages.generated(type, com.google.protobuf.DynamicMessage.getDefaultInstance(type))
                .newBuilderForType();
        if (wire == null) {
            return false;
        }
        Message fast = full.clone().mergeFrom(wire).build();
        try {
            JSON.mergeFully(json, full);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("read in one pass, refused by the full reading: " + json, e);
        }
        assertThat(fast).as(json).isEqualTo(full.build());
        Message.Builder merged = full.build().newBuilderForType();
        JSON.merge(json, merged);
        assertThat(merged.build()).isEqualTo(fast);
        return true;
    }

    /** The JSON with one random change of a kind a client might make, or an attacker. */
    private static String damaged(String json, Random random) {
        int kind = random.nextInt(12);
        switch (kind) {
            case 0 -> {
                return json.replaceFirst("\\{", "{\"zz_unknown\":{\"a\":[1,2,{\"b\":null}],\"c\":\"\\\\u00e9\"},");
            }
            case 1 -> {
                return json.replaceFirst("\\{(\"[^\"]+\":[^,{}\\[\\]]+),", "{$1,$1,"); // a member twice
            }
            case 2 -> {
                return json.replaceFirst("\\{", "{ /* comment */ ");
            }
            case 3 -> {
                return json.replace("\"", "'");
            }
            case 4 -> {
                return json.isEmpty() ? json : json.substring(0, random.nextInt(json.length()));
            }
            default -> {
                JsonElement tree = JsonParser.parseString(json);
                List<JsonObject> objects = new ArrayList<>();
                collectObjects(tree, objects);
                JsonObject target = objects.get(random.nextInt(objects.size()));
                List<String> keys = new ArrayList<>(target.keySet());
                String key = keys.isEmpty() ? "id" : keys.get(random.nextInt(keys.size()));
                JsonElement value = switch (kind) {
                    case 5 -> new JsonPrimitive(12);
                    case 6 -> new JsonPrimitive("NOT_A_VALUE");
                    case 7 -> JsonNull.INSTANCE;
                    case 8 -> new JsonPrimitive(true);
                    case 9 -> new JsonArray();
                    case 10 -> new JsonObject();
                    default -> target.has(key) && target.get(key).isJsonPrimitive()
                            ? new JsonPrimitive(target.get(key).getAsString()) : new JsonPrimitive("1.0");
                };
                target.add(key, value);
                return tree.toString();
            }
        }
    }

    private static void collectObjects(JsonElement element, List<JsonObject> objects) {
        if (element.isJsonObject()) {
            objects.add(element.getAsJsonObject());
            for (Map.Entry<String, JsonElement> member : element.getAsJsonObject().entrySet()) {
                collectObjects(member.getValue(), objects);
            }
        } else if (element.isJsonArray()) {
            element.getAsJsonArray().forEach(item -> collectObjects(item, objects));
        }
    }
}
