package dev.annotask.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.admin.MultiUserResponse;
import dev.annotask.proto.admin.PostUsersRequest;
import dev.annotask.proto.api.Annotation;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.GetTaskCountRequest;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.LabelSubmitConfig;
import dev.annotask.proto.api.ListTasksRequest;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.PatchAnnotationsStatusRequest;
import dev.annotask.proto.api.PatchAnnotationsStatusResponse;
import dev.annotask.proto.api.PostAnnotationsRequest;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.PostTasksRequest;
import dev.annotask.proto.api.PutTaskAssignmentsRequest;
import dev.annotask.proto.api.PutTaskAssignmentsRequestAction;
import dev.annotask.proto.api.SingleTaskCountResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.TaskConcept;
import dev.annotask.proto.api.TaskInputSource;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.Text;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.RunningServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gRPC transport against a real server on both databases, with a plain grpc-java client
 * of our own schema: credentials from the {@code authorization} metadata, every outcome in the
 * response's {@code status} with gRPC OK, and a labeling round trip the way a labeler's tool
 * would run it.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class GrpcTransportTest {
    private static LabelingWorld world;
    private static GrpcClient grpc;

    @Parameter
    SqlDialect dialect;

    @BeforeParameterizedClassInvocation
    static void connect(SqlDialect dialect) {
        world = LabelingWorld.shared(dialect);
        grpc = new GrpcClient(world.grpcPort());
    }

    @AfterParameterizedClassInvocation
    static void disconnect() {
        grpc.close();
    }


    @Test
    void credentialFailuresAreStatusesOfTheResponseType() {
        ListTasksRequest request = ListTasksRequest.newBuilder()
                .setUserAppId(UserAppIDSet.newBuilder().setUserId(LabelingWorld.OWNER).setAppId("any")).build();
        MultiTaskResponse none = grpc.call("ListTasks", request, MultiTaskResponse.getDefaultInstance(), null);
        assertThat(none.getStatus().getCodeValue()).as("no credential").isEqualTo(11102);
        assertThat(none.getStatus().getReqId()).matches("[0-9a-f]{32}");
        assertThat(grpc.call("ListTasks", request, MultiTaskResponse.getDefaultInstance(), "not-a-key")
                .getStatus().getCodeValue()).as("unknown key").isEqualTo(11008);
        assertThat(grpc.callWithAuthorization("clarifai.api.V2/ListTasks", request,
                MultiTaskResponse.getDefaultInstance(), "key " + world.token("w1"))
                .getStatus().getCodeValue()).as("lower-case scheme, refused as over REST").isEqualTo(11102);
        assertThat(grpc.callWithAuthorization("clarifai.api.V2/ListTasks", request,
                MultiTaskResponse.getDefaultInstance(), "Key " + world.token("w1"), "Key " + world.token("w2"))
                .getStatus().getCodeValue()).as("two credentials").isEqualTo(11102);
    }

    @Test
    void anRpcNotServedYetAnswersNotImplementedInItsStatus() {
        LabelingApp app = world.newApp("grpcunserved");
        PatchAnnotationsStatusResponse response = grpc.call("PatchAnnotationsStatus",
                PatchAnnotationsStatusRequest.getDefaultInstance(), PatchAnnotationsStatusResponse.getDefaultInstance(),
                app.data().appKey());
        assertThat(response.getStatus().getCodeValue()).isEqualTo(10040);
    }

    @Test
    void theAdminServiceIsServedToo() {
        MultiUserResponse response = grpc.callWithAuthorization("annotask.admin.Admin/PostUsers",
                PostUsersRequest.newBuilder().addUsers(User.newBuilder().setId("grpc-" + dialect.name().toLowerCase()))
                        .build(), MultiUserResponse.getDefaultInstance(), "Key " + RunningServer.ADMIN_TOKEN);
        assertThat(response.getStatus().getCodeValue()).as(response.toString()).isEqualTo(10000);
        assertThat(response.getUsersList()).extracting(User::getId).containsExactly("grpc-" + dialect.name().toLowerCase());
    }

    @Test
    void aLabelerTakesAnnotatesAndTurnsInWorkOverGrpc() {
        LabelingApp app = world.newApp("grpclabel");
        String appKey = app.data().appKey();
        MultiInputResponse inputs = grpc.call("PostInputs", PostInputsRequest.newBuilder()
                .addInputs(textInput("g0")).addInputs(textInput("g1")).build(),
                MultiInputResponse.getDefaultInstance(), appKey);
        assertThat(inputs.getStatus().getCodeValue()).as(inputs.toString()).isEqualTo(10000);
        MultiTaskResponse tasks = grpc.call("PostTasks", PostTasksRequest.newBuilder().addTasks(Task.newBuilder()
                        .setType(Task.TaskType.CONCEPTS_CLASSIFICATION).setName("over gRPC")
                        .setWorker(TaskWorker.newBuilder().setStrategy(TaskWorker.TaskWorkerStrategy.FULL)
                                .addUserIds("w1"))
                        .addConcepts(TaskConcept.newBuilder().setConcept(Concept.newBuilder().setId("cat")))
                        .setInputSource(TaskInputSource.newBuilder().setType(TaskInputSource.TaskInputSourceType.ALL_INPUTS))
                        .setReview(TaskReview.newBuilder().setStrategy(TaskReview.TaskReviewStrategy.NONE)))
                .build(), MultiTaskResponse.getDefaultInstance(), appKey);
        assertThat(tasks.getStatus().getCodeValue()).as(tasks.toString()).isEqualTo(10000);
        String taskId = tasks.getTasks(0).getId();

        String w1 = world.token("w1");
        UserAppIDSet appIds = UserAppIDSet.newBuilder().setUserId(LabelingWorld.OWNER).setAppId(app.data().appId()).build();
        MultiTaskAssignmentResponse started = grpc.call("PutTaskAssignments", PutTaskAssignmentsRequest.newBuilder()
                .setUserAppId(appIds).setTaskId(taskId).setAction(PutTaskAssignmentsRequestAction.LABEL_START).build(),
                MultiTaskAssignmentResponse.getDefaultInstance(), w1);
        assertThat(started.getStatus().getCodeValue()).as(started.toString()).isEqualTo(10000);
        List<TaskAssignment> batch = started.getTaskAssignmentsList();
        assertThat(batch).extracting(a -> a.getInput().getId()).containsExactlyInAnyOrder("g0", "g1");

        PostAnnotationsRequest.Builder annotations = PostAnnotationsRequest.newBuilder().setUserAppId(appIds);
        batch.forEach(a -> annotations.addAnnotations(Annotation.newBuilder().setInputId(a.getInput().getId())
                .setTaskId(taskId).setData(Data.newBuilder().addConcepts(Concept.newBuilder().setId("cat").setValue(1)))));
        MultiAnnotationResponse annotated = grpc.call("PostAnnotations", annotations.build(),
                MultiAnnotationResponse.getDefaultInstance(), w1);
        assertThat(annotated.getStatus().getCodeValue()).as(annotated.toString()).isEqualTo(10000);

        MultiTaskAssignmentResponse submitted = grpc.call("PutTaskAssignments", PutTaskAssignmentsRequest.newBuilder()
                .setUserAppId(appIds).setTaskId(taskId).setAction(PutTaskAssignmentsRequestAction.LABEL_SUBMIT)
                .setLabelSubmitConfig(LabelSubmitConfig.newBuilder().addAllTaskAssignments(batch)).build(),
                MultiTaskAssignmentResponse.getDefaultInstance(), w1);
        assertThat(submitted.getStatus().getCodeValue()).as(submitted.toString()).isEqualTo(10000);
        assertThat(submitted.getTaskAssignmentsList()).allSatisfy(a ->
                assertThat(a.getStatus().getCodeValue()).as("review NONE: final").isEqualTo(54200));

        SingleTaskCountResponse counts = grpc.call("GetTaskInputCount", GetTaskCountRequest.newBuilder()
                .setTaskId(taskId).build(), SingleTaskCountResponse.getDefaultInstance(), appKey);
        assertThat(counts.getStatus().getCodeValue()).isEqualTo(10000);
        assertThat(counts.getCountsList()).singleElement().satisfies(count -> {
            assertThat(count.getUserId()).isEqualTo("w1");
            assertThat(count.getSuccess()).isEqualTo(2);
        });
    }

    private static Input textInput(String id) {
        return Input.newBuilder().setId(id).setData(Data.newBuilder().setText(Text.newBuilder().setRaw("text of " + id)))
                .build();
    }
}
