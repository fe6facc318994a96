package dev.annotask.official.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.annotask.proto.api.ServiceProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Our schema and the one compiled into the official client (10.3.3) agree on the wire: every
 * field both have carries the same number, type and cardinality, no number means two things,
 * and enum values match. Fields Clarifai added after 10.3.3 exist only on our side, which is
 * allowed, and so is one widening 12.x made: {@code FrameInfo.time} uint32 to uint64, both
 * varints on the wire (a 10.3.3 client reads times up to 2^32 ms intact). Reads descriptors
 * only; it opens no channel.
 */
class WireSchemaTest {

    @Test
    void everyFieldAndEnumValueBothSchemasHaveMatches() {
        Map<String, Descriptor> theirMessages = new HashMap<>();
        Map<String, EnumDescriptor> theirEnums = new HashMap<>();
        collect(com.clarifai.grpc.api.Service.getDescriptor(), new HashSet<>(), theirMessages, theirEnums);
        Map<String, Descriptor> ourMessages = new HashMap<>();
        Map<String, EnumDescriptor> ourEnums = new HashMap<>();
        collect(ServiceProto.getDescriptor(), new HashSet<>(), ourMessages, ourEnums);

        List<String> mismatches = new ArrayList<>();
        ourMessages.forEach((name, ours) -> {
            Descriptor theirs = theirMessages.get(name);
            if (theirs != null) {
                compareFields(ours, theirs, mismatches);
            }
        });
        ourEnums.forEach((name, ours) -> {
            EnumDescriptor theirs = theirEnums.get(name);
            if (theirs != null) {
                compareValues(ours, theirs, mismatches);
            }
        });
        assertThat(mismatches).isEmpty();
        assertThat(theirMessages).as("the task messages are compared at all")
                .containsKeys("clarifai.api.Task", "clarifai.api.PutTaskAssignmentsRequest");
    }

    @Test
    void everyRpcWeServeHasClarifaisNameAndMessageTypes() {
        ServiceDescriptor theirs = com.clarifai.grpc.api.Service.getDescriptor().findServiceByName("V2");
        for (MethodDescriptor ours : ServiceProto.getDescriptor().findServiceByName("V2").getMethods()) {
            MethodDescriptor same = theirs.findMethodByName(ours.getName());
            assertThat(same).as(ours.getName()).isNotNull();
            assertThat(same.getInputType().getFullName()).as(ours.getName())
                    .isEqualTo(ours.getInputType().getFullName());
            assertThat(same.getOutputType().getFullName()).as(ours.getName())
                    .isEqualTo(ours.getOutputType().getFullName());
        }
    }

    private static void compareFields(Descriptor ours, Descriptor theirs, List<String> mismatches) {
        for (FieldDescriptor field : ours.getFields()) {
            FieldDescriptor byName = theirs.findFieldByName(field.getName());
            FieldDescriptor byNumber = theirs.findFieldByNumber(field.getNumber());
            String where = ours.getFullName() + "." + field.getName() + " = " + field.getNumber();
            if (byName != null && byName.getNumber() != field.getNumber()) {
                mismatches.add(where + ": Clarifai numbers it " + byName.getNumber());
            } else if (byName == null && byNumber != null) {
                mismatches.add(where + ": Clarifai's field " + byNumber.getNumber() + " is " + byNumber.getName());
            } else if (byName != null && !sameType(field, byName)) {
                mismatches.add(where + ": " + typeOf(field) + " here, " + typeOf(byName) + " in Clarifai");
            }
        }
    }

    private static void compareValues(EnumDescriptor ours, EnumDescriptor theirs, List<String> mismatches) {
        for (EnumValueDescriptor value : ours.getValues()) {
            EnumValueDescriptor byName = theirs.findValueByName(value.getName());
            if (byName != null && byName.getNumber() != value.getNumber()) {
                mismatches.add(ours.getFullName() + "." + value.getName() + " = " + value.getNumber()
                        + ": Clarifai numbers it " + byName.getNumber());
            }
        }
    }

    private static boolean sameType(FieldDescriptor ours, FieldDescriptor theirs) {
        return typeOf(ours).equals(typeOf(theirs)) || ours.getFullName().equals("clarifai.api.FrameInfo.time")
                && ours.getType() == FieldDescriptor.Type.UINT64 && theirs.getType() == FieldDescriptor.Type.UINT32;
    }

    private static String typeOf(FieldDescriptor field) {
        String type = switch (field.getJavaType()) {
            case MESSAGE -> field.getMessageType().getFullName();
            case ENUM -> field.getEnumType().getFullName();
            default -> field.getType().name();
        };
        return (field.isRepeated() ? "repeated " : "") + type;
    }

    /** Every message and enum, nested ones included, of the file and the files it imports. */
    private static void collect(FileDescriptor file, Set<String> seen, Map<String, Descriptor> messages,
                                Map<String, EnumDescriptor> enums) {
        if (!seen.add(file.getName())) {
            return;
        }
        file.getMessageTypes().forEach(type -> collect(type, messages, enums));
        file.getEnumTypes().forEach(type -> enums.put(type.getFullName(), type));
        file.getDependencies().forEach(dependency -> collect(dependency, seen, messages, enums));
    }

    private static void collect(Descriptor type, Map<String, Descriptor> messages, Map<String, EnumDescriptor> enums) {
        messages.put(type.getFullName(), type);
        type.getNestedTypes().forEach(nested -> collect(nested, messages, enums));
        type.getEnumTypes().forEach(nested -> enums.put(nested.getFullName(), nested));
    }
}
