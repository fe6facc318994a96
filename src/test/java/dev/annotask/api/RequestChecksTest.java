package dev.annotask.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.Value;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.ListInputsRequest;
import dev.annotask.proto.api.PatchAnnotationsStatusRequest;
import dev.annotask.proto.api.PostConceptsRequest;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.PostTasksRequest;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.Text;
import dev.annotask.proto.api.status.StatusCode;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * Each rule of RequestChecks on the request's binary form, with the path the answer names:
 * enums (packed lists too), string sizes in their units, NUL anywhere (inside Structs too, where
 * numbers' zero bytes are no NUL), list sizes, and map entries.
 */
class RequestChecksTest {
    @Test
    void aValidUploadPasses() {
        PostInputsRequest.Builder upload = PostInputsRequest.newBuilder();
        for (int i = 0; i < 128; i++) {
            upload.addInputs(Input.newBuilder().setId("in-" + i).setData(Data.newBuilder()
                    .setText(Text.newBuilder().setRaw("a cat, line " + i + " 😀"))
                    .addConcepts(Concept.newBuilder().setId("cat").setValue(1f))
                    .setMetadata(Struct.newBuilder().putFields("n", number(1.0)).putFields("s", text("x")))));
        }
        assertThatCode(() -> RequestChecks.check(upload.build())).doesNotThrowAnyException();
    }

    @Test
    void anUnknownEnumNumberIsNamedByItsPath() {
        PostTasksRequest request = PostTasksRequest.newBuilder()
                .addTasks(Task.newBuilder().setId("t0"))
                .addTasks(Task.newBuilder().setId("t1").setWorker(TaskWorker.newBuilder().setStrategyValue(99)))
                .build();

        assertRefused(request, "tasks[1].worker.strategy: 99 is not a TaskWorkerStrategy value (one of 0 "
                + "WORKER_STRATEGY_NOT_SET, 2 PARTITIONED, 3 FULL, 4 DYNAMIC)");
    }

    @Test
    void anUnknownNumberInAPackedListOfEnumsIsNamedByItsIndex() {
        PatchAnnotationsStatusRequest request = PatchAnnotationsStatusRequest.newBuilder()
                .addStatusCodes(StatusCode.SUCCESS).addStatusCodesValue(99_999).build();

        assertRefused(request, "status_codes[1]: 99999 is not a StatusCode value");
    }

    @Test
    void stringsAreMeasuredInTheirUnits() {
        String fits = "😀".repeat(RequestLimits.NAME_CHARS / 2); // two UTF-16 units, four UTF-8 bytes each
        assertThatCode(() -> RequestChecks.check(concept(fits))).doesNotThrowAnyException();
        assertRefused(concept(fits + "😀"), "concepts[0].name: the name is 1026 characters long; at most 1024 are allowed");

        String rawAtLimit = "é".repeat(RequestLimits.RAW_TEXT_BYTES / 2);
        assertThatCode(() -> RequestChecks.check(rawText(rawAtLimit))).doesNotThrowAnyException();
        assertRefused(rawText(rawAtLimit + "a"), "inputs[0].data.text.raw: the text is 1048577 bytes long; at most "
                + "1048576 are allowed");
    }

    @Test
    void aNulCharacterIsRefusedInAnyStringAtAnyDepth() {
        assertRefused(rawText("a\u0000b"), "inputs[0].data.text.raw: contains the NUL character");
        Struct deep = Struct.newBuilder().putFields("list", Value.newBuilder().setListValue(ListValue.newBuilder()
                .addValues(number(0.0)).addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
                        .putFields("k", text("x\u0000"))))).build()).build();
        assertRefused(withMetadata(deep), "inputs[0].data.metadata: contains the NUL character");
        Struct keyed = Struct.newBuilder().putFields("k\u0000", number(1)).build();
        assertRefused(withMetadata(keyed), "inputs[0].data.metadata: contains the NUL character");
    }

    @Test
    void numbersInAStructAreNoNul() {
        Struct numbers = Struct.newBuilder().putFields("zero", number(0.0)).putFields("one", number(1.0))
                .putFields("list", Value.newBuilder().setListValue(ListValue.newBuilder().addValues(number(256.0))).build())
                .putFields("flag", Value.newBuilder().setBoolValue(false).build()).build();
        assertThatCode(() -> RequestChecks.check(withMetadata(numbers))).doesNotThrowAnyException();
    }

    @Test
    void aStructIsMeasuredWhole() {
        Struct big = Struct.newBuilder().putFields("k", text("v".repeat(RequestLimits.STRUCT_BYTES))).build();
        assertRefused(withMetadata(big), "inputs[0].data.metadata: " + big.getSerializedSize()
                + " bytes of data; at most 65536 are allowed");
    }

    @Test
    void aListLongerThanTheLimitIsRefusedBeforeItsItemsAreLookedAt() {
        ListInputsRequest.Builder many = ListInputsRequest.newBuilder();
        many.addAllIds(Collections.nCopies(RequestLimits.LIST_ITEMS, "id"));
        assertThatCode(() -> RequestChecks.check(many.build())).doesNotThrowAnyException();
        many.addIds("bad\u0000");
        assertRefused(many.build(), "ids: 10001 items; at most 10000 are allowed in one list");
    }

    @Test
    void fieldsTheSchemaDoesNotKnowAreIgnored() {
        PostConceptsRequest request = PostConceptsRequest.newBuilder().addConcepts(Concept.newBuilder().setId("c")
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(9999, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFromUtf8("\u0000")).build()).build())).build();
        assertThatCode(() -> RequestChecks.check(request)).doesNotThrowAnyException();
    }

    @Test
    void mapEntriesAreNamedByTheirKey() throws DescriptorValidationException {
        Descriptor type = typeWithMaps();
        Descriptor labels = type.findFieldByName("labels").getMessageType();
        Descriptor things = type.findFieldByName("things").getMessageType();
        Descriptor thing = type.findFieldByName("thing").getMessageType();

        Message badKey = DynamicMessage.newBuilder(type).addRepeatedField(type.findFieldByName("labels"),
                entry(labels, "k\u0000", labels.findFieldByName("value").getEnumType().findValueByNumber(1))).build();
        assertRefused(badKey, "labels key: contains the NUL character");

        Message badValue = DynamicMessage.newBuilder(type).addRepeatedField(type.findFieldByName("labels"),
                entry(labels, "k1", labels.findFieldByName("value").getEnumType().findValueByNumberCreatingIfUnknown(7)))
                .build();
        assertRefused(badValue, "labels[k1]: 7 is not a Colour value (one of 0 NONE, 1 RED)");

        Message nested = DynamicMessage.newBuilder(type).addRepeatedField(type.findFieldByName("things"),
                entry(things, 42L, DynamicMessage.newBuilder(thing).setField(thing.findFieldByName("name"), "x\u0000")
                        .build())).build();
        assertRefused(nested, "things[42].name: contains the NUL character");
    }

    private static Message entry(Descriptor entryType, Object key, Object value) {
        return DynamicMessage.newBuilder(entryType).setField(entryType.findFieldByName("key"), key)
                .setField(entryType.findFieldByName("value"), value).build();
    }

    /** {@code message Holder { map<string, Colour> labels = 1; map<int64, Thing> things = 2; Thing thing = 3; }}. */
    private static Descriptor typeWithMaps() throws DescriptorValidationException {
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("maps.proto").setPackage("test")
                .setSyntax("proto3")
                .addEnumType(com.google.protobuf.DescriptorProtos.EnumDescriptorProto.newBuilder().setName("Colour")
                        .addValue(com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto.newBuilder()
                                .setName("NONE").setNumber(0))
                        .addValue(com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto.newBuilder()
                                .setName("RED").setNumber(1)))
                .addMessageType(DescriptorProto.newBuilder().setName("Thing")
                        .addField(field("name", 1, FieldDescriptorProto.Type.TYPE_STRING, null, false)))
                .addMessageType(DescriptorProto.newBuilder().setName("Holder")
                        .addNestedType(mapEntry("LabelsEntry", FieldDescriptorProto.Type.TYPE_STRING,
                                field("value", 2, FieldDescriptorProto.Type.TYPE_ENUM, ".test.Colour", false)))
                        .addNestedType(mapEntry("ThingsEntry", FieldDescriptorProto.Type.TYPE_INT64,
                                field("value", 2, FieldDescriptorProto.Type.TYPE_MESSAGE, ".test.Thing", false)))
                        .addField(field("labels", 1, FieldDescriptorProto.Type.TYPE_MESSAGE, ".test.Holder.LabelsEntry", true))
                        .addField(field("things", 2, FieldDescriptorProto.Type.TYPE_MESSAGE, ".test.Holder.ThingsEntry", true))
                        .addField(field("thing", 3, FieldDescriptorProto.Type.TYPE_MESSAGE, ".test.Thing", false)))
                .build();
        return FileDescriptor.buildFrom(file, new FileDescriptor[0]).findMessageTypeByName("Holder");
    }

    private static DescriptorProto mapEntry(String name, FieldDescriptorProto.Type keyType, FieldDescriptorProto value) {
        return DescriptorProto.newBuilder().setName(name).setOptions(MessageOptions.newBuilder().setMapEntry(true))
                .addField(field("key", 1, keyType, null, false)).addField(value).build();
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, String typeName,
                                              boolean repeated) {
        FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(repeated ? FieldDescriptorProto.Label.LABEL_REPEATED : FieldDescriptorProto.Label.LABEL_OPTIONAL);
        if (typeName != null) {
            field.setTypeName(typeName);
        }
        return field.build();
    }

    private static void assertRefused(Message request, String details) {
        assertThatThrownBy(() -> RequestChecks.check(request)).isInstanceOfSatisfying(ApiException.class, e -> {
            org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(StatusCode.CONN_INVALID_REQUEST);
            org.assertj.core.api.Assertions.assertThat(e.details()).startsWith(details);
        });
    }

    private static PostConceptsRequest concept(String name) {
        return PostConceptsRequest.newBuilder().addConcepts(Concept.newBuilder().setId("c").setName(name)).build();
    }

    private static PostInputsRequest rawText(String raw) {
        return PostInputsRequest.newBuilder().addInputs(Input.newBuilder().setId("i")
                .setData(Data.newBuilder().setText(Text.newBuilder().setRaw(raw)))).build();
    }

    private static PostInputsRequest withMetadata(Struct metadata) {
        return PostInputsRequest.newBuilder().addInputs(Input.newBuilder().setId("i")
                .setData(Data.newBuilder().setMetadata(metadata))).build();
    }

    private static Value number(double value) {
        return Value.newBuilder().setNumberValue(value).build();
    }

    private static Value text(String value) {
        return Value.newBuilder().setStringValue(value).build();
    }
}
