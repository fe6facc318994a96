package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.annotask.wire.WireJsonPrinter;
import dev.annotask.proto.admin.AdminProto;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.ServiceProto;
import dev.annotask.proto.api.Text;
import dev.annotask.proto.api.status.Status;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The wire printer prints exactly what JsonFormat prints, in the REST gateway's form (with
 * ProtoJson's rules) and in the stored form: compared on random messages of every message type
 * of the schema, strings with every character JsonFormat escapes, numbers at their limits,
 * unknown enum numbers, Structs and Timestamps.
 */
class WireJsonPrinterTest {
    private static final List<FileDescriptor> FILES = List.of(ServiceProto.getDescriptor(), AdminProto.getDescriptor());
    private static final ProtoJson JSON = new ProtoJson(FILES);
    private static final WireJsonPrinter PRINTER = WireJsonPrinter.forRest(alwaysPrinted());
    private static final WireJsonPrinter STORAGE = WireJsonPrinter.forStorage();
    private static final int MESSAGES_PER_TYPE = 5;

    @Test
    void printsWhatJsonFormatPrintsForEveryTypeOfTheSchema() {
        List<Descriptor> types = RandomMessages.types(FILES);
        Random random = new Random(20261130);
        int compared = 0;
        for (Descriptor type : types) {
            for (int i = 0; i < MESSAGES_PER_TYPE; i++) {
                Message message = RandomMessages.of(type, random);
                String expected = JSON.printWithJsonFormat(message);
                String actual = new String(PRINTER.print(message), StandardCharsets.UTF_8);
                assertThat(actual).as(type.getFullName() + " " + message).isEqualTo(expected);
                assertThat(JSON.print(message)).isEqualTo(expected);
                String stored = new String(STORAGE.print(message), StandardCharsets.UTF_8);
                assertThat(stored).as("stored " + type.getFullName()).isEqualTo(Json.writeWithJsonFormat(message));
                assertThat(Json.write(message)).isEqualTo(stored);
                compared++;
            }
        }
        assertThat(types.size()).as("message types").isGreaterThan(100);
        assertThat(compared).isEqualTo(types.size() * MESSAGES_PER_TYPE);
    }

    @Test
    void printsAnUploadResponseAsJsonFormatDoes() {
        MultiInputResponse.Builder response = MultiInputResponse.newBuilder()
                .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS).setDescription("Ok").setReqId("r"));
        for (int i = 0; i < 3; i++) {
            response.addInputs(Input.newBuilder().setId("in-" + i)
                    .setData(Data.newBuilder().setText(Text.newBuilder().setRaw("line " + i + " <b>"))
                            .addConcepts(Concept.newBuilder().setId("c")) // no value: ProtoJson prints 0.0
                            .setMetadata(Struct.newBuilder().putFields("k", Value.newBuilder().setNumberValue(i).build())))
                    .setCreatedAt(Timestamp.newBuilder().setSeconds(1_764_500_000L + i).setNanos(i * 1_000_000))
                    .setModifiedAt(Timestamp.newBuilder().setSeconds(1_764_500_000L + i / 2).setNanos(i / 2 * 1_000_000))
                    .setStatus(Status.newBuilder().setCode(StatusCode.INPUT_SUCCESS)));
        }
        String printed = JSON.print(response.build());

        assertThat(printed).isEqualTo(JSON.printWithJsonFormat(response.build()));
        assertThat(printed).contains("\"created_at\":\"2025-11-30T10:53:21.001Z\"", "\"value\":0.0",
                "\"modified_at\":\"2025-11-30T10:53:21.001Z\"",
                "\\u003cb\\u003e", "\"metadata\":{\"k\":1.0}");
    }

    private static java.util.Set<FieldDescriptor> alwaysPrinted() {
        // The set ProtoJson computes (fields marked cl_show_if_empty without presence).
        java.util.Set<FieldDescriptor> always = new java.util.HashSet<>();
        for (FileDescriptor file : FILES) {
            List<Descriptor> types = new ArrayList<>(file.getMessageTypes());
            file.getDependencies().forEach(d -> types.addAll(d.getMessageTypes()));
            collectAlways(types, always, new java.util.HashSet<>());
        }
        return always;
    }

    private static void collectAlways(List<Descriptor> types, java.util.Set<FieldDescriptor> always,
                                      java.util.Set<Descriptor> seen) {
        for (Descriptor type : types) {
            if (!seen.add(type)) {
                continue;
            }
            for (FieldDescriptor field : type.getFields()) {
                if (field.getOptions().getExtension(dev.annotask.proto.auth.ExtensionProto.clShowIfEmpty)
                        && !field.hasPresence()) {
                    always.add(field);
                }
            }
            collectAlways(type.getNestedTypes(), always, seen);
        }
    }

}
