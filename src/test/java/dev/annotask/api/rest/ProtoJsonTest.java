package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.annotask.proto.admin.AdminProto;
import dev.annotask.proto.admin.MultiUserResponse;
import dev.annotask.proto.api.BoundingBox;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.FrameInfo;
import dev.annotask.proto.api.MultiStatusCodeResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.PostAnnotationsRequest;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.PostTasksRequest;
import dev.annotask.proto.api.ServiceProto;
import dev.annotask.proto.api.SingleTaskCountResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskStatusCountPerUser;
import dev.annotask.proto.api.TaskWorker.TaskWorkerStrategy;
import dev.annotask.proto.api.status.Status;
import dev.annotask.proto.api.status.StatusCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON form of wire messages: Clarifai's printing rules and lenient reading. */
class ProtoJsonTest {
    private static final ProtoJson JSON =
            new ProtoJson(List.of(ServiceProto.getDescriptor(), AdminProto.getDescriptor()));

    @SuppressWarnings("unchecked")
    private static <T extends Message> T parse(String json, T prototype) {
        Message.Builder builder = prototype.newBuilderForType();
        try {
            JSON.merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(json, e);
        }
        return (T) builder.build();
    }

    @Test
    void printsProtoFieldNamesAndEnumNumbers() {
        MultiTaskResponse response = MultiTaskResponse.newBuilder()
                .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS).setReqId("r1"))
                .addTasks(Task.newBuilder().setId("t1").setAppId("pets").setType(Task.TaskType.BOUNDING_BOX_DETECTION))
                .build();

        assertThat(JSON.print(response)).isEqualTo("{\"status\":{\"code\":10000,\"req_id\":\"r1\"},"
                + "\"tasks\":[{\"id\":\"t1\",\"type\":2,\"app_id\":\"pets\"}]}");
    }

    @Test
    void emptyPayloadListsArePrinted() {
        assertThat(JSON.print(MultiTaskResponse.getDefaultInstance())).isEqualTo("{\"tasks\":[]}");
        assertThat(JSON.print(MultiStatusCodeResponse.getDefaultInstance())).isEqualTo("{\"statuses\":[]}");
        assertThat(JSON.print(MultiUserResponse.getDefaultInstance())).as("admin schema")
                .isEqualTo("{\"users\":[]}");
    }

    @Test
    void fieldsWithoutTheOptionStayOmittedWhenEmpty() {
        assertThat(JSON.print(Task.getDefaultInstance())).isEqualTo("{}");
        assertThat(JSON.print(Status.getDefaultInstance())).isEqualTo("{}");
    }

    @Test
    void conceptPrintsItsValueEvenWhenZero() {
        assertThat(JSON.print(Concept.newBuilder().setId("c1").setValue(0f).build()))
                .isEqualTo("{\"id\":\"c1\",\"value\":0.0}");
    }

    @Test
    void conceptWithoutAValuePrintsValue() {
        assertThat(JSON.print(Concept.newBuilder().setId("c1").build())).contains("\"value\"");
    }

    @Test
    void emptyCoordinatesAndCountersArePrinted() {
        assertThat(JSON.print(BoundingBox.getDefaultInstance()))
                .isEqualTo("{\"top_row\":0.0,\"left_col\":0.0,\"bottom_row\":0.0,\"right_col\":0.0}");
        assertThat(JSON.print(TaskStatusCountPerUser.getDefaultInstance())).isEqualTo("{\"pending\":0,"
                + "\"awaiting_review\":0,\"success\":0,\"review_denied\":0,\"awaiting_consensus_review\":0}");
        assertThat(JSON.print(FrameInfo.getDefaultInstance()))
                .isEqualTo("{\"index\":0,\"time\":\"0\",\"number\":0}");
    }

    @Test
    void alwaysPrintedFieldsArePrintedInsideNestedMessages() {
        SingleTaskCountResponse response = SingleTaskCountResponse.newBuilder().setTaskId("t1")
                .addCounts(TaskStatusCountPerUser.newBuilder().setSuccess(5)).build();

        assertThat(JSON.print(response)).isEqualTo("{\"task_id\":\"t1\",\"counts\":[{\"pending\":0,"
                + "\"awaiting_review\":0,\"success\":5,\"review_denied\":0,\"awaiting_consensus_review\":0}]}");
    }

    @Test
    void readsSnakeCaseAndLowerCamelCaseAlike() {
        PostTasksRequest snake = parse("{\"user_app_id\":{\"user_id\":\"u1\",\"app_id\":\"a1\"},"
                + "\"tasks\":[{\"id\":\"t1\",\"worker\":{\"strategy\":\"FULL\"},\"sample_ms\":5}]}",
                PostTasksRequest.getDefaultInstance());
        PostTasksRequest camel = parse("{\"userAppId\":{\"userId\":\"u1\",\"appId\":\"a1\"},"
                + "\"tasks\":[{\"id\":\"t1\",\"worker\":{\"strategy\":\"FULL\"},\"sampleMs\":5}]}",
                PostTasksRequest.getDefaultInstance());

        assertThat(snake.getUserAppId().getAppId()).isEqualTo("a1");
        assertThat(snake.getTasks(0).getSampleMs()).isEqualTo(5);
        assertThat(camel).isEqualTo(snake);
    }

    @Test
    void readsEnumsByNameAndByNumber() {
        PostTasksRequest byName = parse("{\"tasks\":[{\"worker\":{\"strategy\":\"FULL\"},"
                + "\"status\":{\"code\":\"TASK_DONE\"}}]}", PostTasksRequest.getDefaultInstance());
        PostTasksRequest byNumber = parse("{\"tasks\":[{\"worker\":{\"strategy\":3},\"status\":{\"code\":54002}}]}",
                PostTasksRequest.getDefaultInstance());

        assertThat(byName.getTasks(0).getWorker().getStrategy()).isEqualTo(TaskWorkerStrategy.FULL);
        assertThat(byName.getTasks(0).getStatus().getCode()).isEqualTo(StatusCode.TASK_DONE);
        assertThat(byNumber).isEqualTo(byName);
    }

    @Test
    void ignoresUnknownFieldsAtAnyDepth() {
        PostTasksRequest request = parse("{\"flavor\":{\"a\":[1,2]},\"tasks\":[{\"id\":\"t1\",\"colour\":\"red\"}]}",
                PostTasksRequest.getDefaultInstance());

        assertThat(request.getTasksList()).extracting(Task::getId).containsExactly("t1");
    }

    @Test
    void rejectsTextThatIsNotJson() {
        assertThatThrownBy(() -> JSON.merge("{not json", PostTasksRequest.newBuilder()))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void taskConceptWithoutValueMeansOneButExplicitZeroStaysZero() {
        PostTasksRequest request = parse("{\"tasks\":[{\"concepts\":[{\"concept\":{\"id\":\"c1\"}},"
                + "{\"concept\":{\"id\":\"c2\",\"value\":0.0}},{\"concept\":{\"id\":\"c3\",\"value\":0.5}}]}]}",
                PostTasksRequest.getDefaultInstance());

        assertThat(request.getTasks(0).getConceptsList()).extracting(c -> c.getConcept().getValue())
                .containsExactly(1.0f, 0.0f, 0.5f);
        assertThat(request.getTasks(0).getConcepts(1).getConcept().hasValue()).isTrue();
    }

    @Test
    void annotationConceptsDefaultToOneInDataAndInRegions() {
        PostAnnotationsRequest request = parse("{\"annotations\":[{\"input_id\":\"i1\","
                + "\"annotation_info\":{\"task_id\":\"t1\",\"list\":[1,{\"x\":null}]},"
                + "\"data\":{\"concepts\":[{\"id\":\"c1\"},{\"id\":\"c2\",\"value\":0}],"
                + "\"regions\":[{\"data\":{\"concepts\":[{\"id\":\"c3\"}]}}]}},"
                + "{\"input_id\":\"i2\",\"data\":{\"concepts\":[{\"id\":\"c4\",\"value\":0.0}]}}]}",
                PostAnnotationsRequest.getDefaultInstance());

        assertThat(request.getAnnotations(0).getData().getConceptsList()).extracting(Concept::getValue)
                .containsExactly(1.0f, 0.0f);
        assertThat(request.getAnnotations(0).getData().getRegions(0).getData().getConcepts(0).getValue())
                .isEqualTo(1.0f);
        assertThat(request.getAnnotations(1).getData().getConcepts(0).getValue()).isEqualTo(0.0f);
        assertThat(request.getAnnotations(0).getAnnotationInfo().getFieldsOrThrow("task_id").getStringValue())
                .isEqualTo("t1");
    }

    @Test
    void aConceptValueOfNullMeansOneAsIfLeftOut() {
        PostInputsRequest request = parse("{\"inputs\":[{\"id\":\"a\"},{\"id\":\"b\",\"data\":{\"concepts\":"
                + "[{\"id\":\"c1\",\"value\":0.25},{\"id\":\"c2\",\"value\":null}]}}]}",
                PostInputsRequest.getDefaultInstance());

        assertThat(request.getInputs(1).getData().getConceptsList()).extracting(Concept::getValue)
                .containsExactly(0.25f, 1.0f);
        assertThat(request.getInputs(0).hasData()).isFalse();
    }

    @Test
    void defaultsCreateNoMessagesTheJsonLeftOut() {
        PostAnnotationsRequest request = parse("{\"annotations\":[{\"input_id\":\"i1\"}]}",
                PostAnnotationsRequest.getDefaultInstance());

        assertThat(request.getAnnotations(0).hasData()).isFalse();
        assertThat(request.hasUserAppId()).isFalse();
    }

    @Test
    void printedJsonReadsBackToTheSameMessage() {
        MultiTaskResponse response = MultiTaskResponse.newBuilder()
                .setStatus(Status.newBuilder().setCode(StatusCode.MIXED_STATUS).setDescription("Mixed Success"))
                .addTasks(Task.newBuilder().setId("t1").addConcepts(dev.annotask.proto.api.TaskConcept.newBuilder()
                        .setConcept(Concept.newBuilder().setId("c1").setValue(0f))))
                .build();

        assertThat(parse(JSON.print(response), MultiTaskResponse.getDefaultInstance())).isEqualTo(response);
    }
}
