package dev.annotask.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.ListAnnotationsRequest;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiConceptResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.PostConceptsRequest;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.PostTasksRequest;
import dev.annotask.proto.api.PutTaskAssignmentsRequest;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.Text;
import dev.annotask.proto.api.status.Status;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.GrpcClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks every request passes before its handler ({@link RequestChecks}): enum numbers the
 * schema does not define, and strings and Structs past {@link RequestLimits}, answer 11102
 * naming the field, over REST and gRPC alike, and write nothing; values at the limit pass. One
 * server per database vendor, a fresh app (concept {@code cat}) per test.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class RequestChecksApiTest {
    private static final String OWNER = "owner";
    private static final int INVALID_REQUEST = 11102;

    private static GrpcClient grpc;

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeParameterizedClassInvocation
    static void connect(SqlDialect dialect) {
        grpc = new GrpcClient(LabelingWorld.sharedOnSystemClock(dialect).grpcPort());
    }

    @AfterParameterizedClassInvocation
    static void disconnect() {
        grpc.close();
    }

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("checks");
        app.postConcepts("cat");
        app.postTextInputs("in1");
    }

    private static String task(String extraFields) {
        return "{\"type\":\"CONCEPTS_CLASSIFICATION\",\"name\":\"t\",\"concept_ids\":[\"cat\"],"
                + "\"input_source\":{\"type\":\"ALL_INPUTS\"},\"review\":{\"strategy\":\"NONE\"},"
                + "\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"" + OWNER + "\"]}" + extraFields + "}";
    }

    private ApiClient.Reply<MultiTaskResponse> postTask(String taskJson) {
        return app.call("POST", "/v2/tasks", "{\"tasks\":[" + taskJson + "]}", MultiTaskResponse.getDefaultInstance());
    }

    private static void assertInvalid(ApiClient.Reply<?> reply, String fieldPath) {
        assertThat(reply.code()).as(reply.body()).isEqualTo(INVALID_REQUEST);
        assertThat(reply.httpStatus()).isEqualTo(400);
        assertThat(reply.status().getDetails()).as(reply.body()).startsWith(fieldPath + ":");
    }

    private static void assertInvalid(Status status, String fieldPath) {
        assertThat(status.getCodeValue()).as(status.toString()).isEqualTo(INVALID_REQUEST);
        assertThat(status.getDetails()).as(status.toString()).startsWith(fieldPath + ":");
    }

    private static Task grpcTask() {
        return Task.newBuilder().setType(Task.TaskType.CONCEPTS_CLASSIFICATION).setName("t").addConceptIds("cat")
                .setInputSource(dev.annotask.proto.api.TaskInputSource.newBuilder()
                        .setType(dev.annotask.proto.api.TaskInputSource.TaskInputSourceType.ALL_INPUTS))
                .setReview(dev.annotask.proto.api.TaskReview.newBuilder()
                        .setStrategy(dev.annotask.proto.api.TaskReview.TaskReviewStrategy.NONE))
                .setWorker(TaskWorker.newBuilder().setStrategy(TaskWorker.TaskWorkerStrategy.FULL).addUserIds(OWNER))
                .build();
    }

    @Test
    void anEnumNumberTheSchemaDoesNotDefineIsRefusedOverRestNamingTheField() {
        String strategy99 = task("").replace("\"strategy\":\"FULL\"", "\"strategy\":99");
        assertInvalid(postTask(strategy99), "tasks[0].worker.strategy");
        assertThat(postTask(strategy99).status().getDetails()).contains("99 is not a TaskWorkerStrategy value")
                .contains("3 FULL");
        assertInvalid(postTask(task(",\"priority\":-1")), "tasks[0].priority");
        assertInvalid(app.call("PUT", app.longPath() + "/tasks/none/assignments", "{\"action\":7}",
                MultiTaskAssignmentResponse.getDefaultInstance()), "action");
        assertInvalid(app.call("POST", "/v2/inputs", "{\"inputs\":[" + DataFixtures.textInput("x")
                + "],\"input_id_conflict_resolution\":3}", MultiInputResponse.getDefaultInstance()),
                "input_id_conflict_resolution");

        assertThat(app.taskIds("")).as("nothing written").isEmpty();
        assertThat(app.inputIds("")).containsExactly("in1");
        // 1 is reserved in TaskWorkerStrategy (numbering starts at 2); FULL's own number is fine.
        assertInvalid(postTask(task("").replace("\"strategy\":\"FULL\"", "\"strategy\":1")), "tasks[0].worker.strategy");
        assertThat(postTask(task("").replace("\"strategy\":\"FULL\"", "\"strategy\":3")).code()).isEqualTo(10000);
    }

    @Test
    void anEnumNumberTheSchemaDoesNotDefineIsRefusedOverGrpcNamingTheField() {
        String key = app.appKey();
        Task strategy99 = grpcTask().toBuilder().setWorker(grpcTask().getWorker().toBuilder().setStrategyValue(99)).build();
        MultiTaskResponse tasks = grpc.call("PostTasks", PostTasksRequest.newBuilder().addTasks(grpcTask())
                .addTasks(strategy99).build(), MultiTaskResponse.getDefaultInstance(), key);
        assertInvalid(tasks.getStatus(), "tasks[1].worker.strategy");

        MultiAnnotationResponse annotations = grpc.call("ListAnnotations", ListAnnotationsRequest.newBuilder()
                        .addStatuses(Status.newBuilder().setCodeValue(10000))
                        .addStatuses(Status.newBuilder().setCodeValue(123456)).build(),
                MultiAnnotationResponse.getDefaultInstance(), key);
        assertInvalid(annotations.getStatus(), "statuses[1].code");

        MultiTaskAssignmentResponse assignments = grpc.call("PutTaskAssignments", PutTaskAssignmentsRequest.newBuilder()
                .setTaskId("none").setActionValue(3).build(), MultiTaskAssignmentResponse.getDefaultInstance(), key);
        assertInvalid(assignments.getStatus(), "action");

        assertThat(app.taskIds("")).as("nothing written").isEmpty();
    }

    @Test
    void anEnumNumberInTheQueryStringIsRefusedToo() {
        assertThat(app.call("GET", "/v2/tasks?input_source_type=99", null, MultiTaskResponse.getDefaultInstance())
                .code()).isEqualTo(INVALID_REQUEST);
    }

    @Test
    void proseUpToItsLimitIsStoredAndOneCharacterMoreIsRefused() {
        String atLimit = "d".repeat(RequestLimits.PROSE_CHARS);
        assertInvalid(postTask(task(",\"description\":\"" + atLimit + "e\"")), "tasks[0].description");
        assertThat(app.taskIds("")).as("nothing written").isEmpty();

        var stored = postTask(task(",\"description\":\"" + atLimit + "\""));
        assertThat(stored.code()).as(stored.body()).isEqualTo(10000);
        assertThat(stored.message().getTasks(0).getDescription()).hasSize(RequestLimits.PROSE_CHARS);
    }

    @Test
    void namesAndIdsHaveTheirLimitsOnBothTransports() {
        String longName = "n".repeat(RequestLimits.NAME_CHARS + 1);
        assertInvalid(app.call("POST", "/v2/concepts", "{\"concepts\":[{\"id\":\"c2\",\"name\":\"" + longName + "\"}]}",
                MultiConceptResponse.getDefaultInstance()), "concepts[0].name");
        MultiConceptResponse viaGrpc = grpc.call("PostConcepts", PostConceptsRequest.newBuilder()
                .addConcepts(Concept.newBuilder().setId("c2").setName(longName)).build(),
                MultiConceptResponse.getDefaultInstance(), app.appKey());
        assertInvalid(viaGrpc.getStatus(), "concepts[0].name");
        assertThat(app.call("POST", "/v2/concepts", "{\"concepts\":[{\"id\":\"c3\",\"name\":\""
                + longName.substring(1) + "\"}]}", MultiConceptResponse.getDefaultInstance()).code()).isEqualTo(10000);

        // An id past the limit is refused before any lookup; one at the limit is merely not found.
        String longId = "i".repeat(RequestLimits.ID_CHARS + 1);
        assertInvalid(app.call("GET", "/v2/tasks/" + longId, null, SingleTaskResponse.getDefaultInstance()), "task_id");
        assertThat(app.call("GET", "/v2/tasks/" + longId.substring(1), null, SingleTaskResponse.getDefaultInstance())
                .code()).isEqualTo(54102);
    }

    @Test
    void metadataAndRawTextAreMeasuredInBytes() {
        Struct.Builder big = Struct.newBuilder();
        for (int i = 0; big.build().getSerializedSize() <= RequestLimits.STRUCT_BYTES; i++) {
            big.putFields("k" + i, Value.newBuilder().setStringValue("v".repeat(1000)).build());
        }
        MultiInputResponse metadata = grpc.call("PostInputs", PostInputsRequest.newBuilder()
                .addInputs(Input.newBuilder().setId("m").setData(Data.newBuilder().setMetadata(big)
                        .setText(Text.newBuilder().setRaw("hi")))).build(),
                MultiInputResponse.getDefaultInstance(), app.appKey());
        assertInvalid(metadata.getStatus(), "inputs[0].data.metadata");

        // 'é' is two bytes in UTF-8: fewer characters than the limit, more bytes.
        String tooMuchText = "é".repeat(RequestLimits.RAW_TEXT_BYTES / 2 + 1);
        var raw = app.call("POST", "/v2/inputs", "{\"inputs\":[{\"id\":\"t\",\"data\":{\"text\":{\"raw\":\""
                + tooMuchText + "\"}}}]}", MultiInputResponse.getDefaultInstance());
        assertInvalid(raw, "inputs[0].data.text.raw");
        var fits = app.call("POST", "/v2/inputs", "{\"inputs\":[{\"id\":\"t\",\"data\":{\"text\":{\"raw\":\""
                + tooMuchText.substring(1) + "\"}}}]}", MultiInputResponse.getDefaultInstance());
        assertThat(fits.code()).isEqualTo(10000);
        assertThat(app.inputIds("")).containsExactly("in1", "t");
    }
}
