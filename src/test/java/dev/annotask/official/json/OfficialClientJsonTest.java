package dev.annotask.official.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.clarifai.channel.ClarifaiChannel;
import com.clarifai.channel.ClarifaiException;
import com.clarifai.channel.JsonChannel;
import com.clarifai.channel.http.ClarifaiHttpClient;
import com.clarifai.grpc.api.ListTasksRequest;
import com.clarifai.grpc.api.MultiTaskAssignmentResponse;
import com.clarifai.grpc.api.MultiDatasetVersionExportResponse;
import com.clarifai.grpc.api.MultiTaskResponse;
import com.clarifai.grpc.api.PutDatasetVersionExportsRequest;
import com.clarifai.grpc.api.PutTaskAssignmentsRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.official.OfficialClientFlow;
import io.grpc.Channel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The official client over its JSON channel ({@code ClarifaiHttpClient.Default(baseUrl)}),
 * as the README shows it. Two calls are beyond this mode of the client, whatever the server:
 * it cannot send PUT (so no PutTaskAssignments), and it refuses a repeated field in a GET's
 * query (ListTasks by {@code worker_user_ids}). The test shows each refusal; the PUTs then go
 * the way such a user has to send them, as plain HTTP with the same JSON.
 */
@EnabledIfSystemProperty(named = "annotask.official-client", matches = "json",
        disabledReason = "runs in the official-client-json fork only: the client's marshaller choice is JVM-wide")
class OfficialClientJsonTest extends OfficialClientFlow {
    private static JsonChannel channel;

    @BeforeAll
    static void openChannel() {
        channel = ClarifaiChannel.INSTANCE.getJsonChannel(
                new ClarifaiHttpClient.Default("http://127.0.0.1:" + server.server().httpPort()));
    }

    @Override
    protected Channel channel() {
        return channel;
    }

    @Override
    protected MultiTaskAssignmentResponse putTaskAssignments(String key, PutTaskAssignmentsRequest request) {
        assertThat(catchThrowable(() -> stub(key).putTaskAssignments(request))).as("the JSON channel cannot send PUT")
                .isInstanceOf(ClarifaiException.class).hasMessage("Unhandled method PUT");
        try {
            String path = "/v2/users/" + request.getUserAppId().getUserId() + "/apps/" + request.getUserAppId().getAppId()
                    + "/tasks/" + request.getTaskId() + "/assignments";
            return server.client().send("PUT", path, key, JsonFormat.printer().preservingProtoFieldNames().print(request),
                    MultiTaskAssignmentResponse.getDefaultInstance()).message();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected MultiDatasetVersionExportResponse putDatasetVersionExports(String key,
                                                                         PutDatasetVersionExportsRequest request) {
        assertThat(catchThrowable(() -> stub(key).putDatasetVersionExports(request)))
                .as("the JSON channel cannot send PUT").isInstanceOf(ClarifaiException.class)
                .hasMessage("Unhandled method PUT");
        try {
            String path = "/v2/users/" + request.getUserAppId().getUserId() + "/apps/" + request.getUserAppId().getAppId()
                    + "/datasets/" + request.getDatasetId() + "/versions/" + request.getDatasetVersionId() + "/exports";
            String body = server.client().send("PUT", path, key, JsonFormat.printer().preservingProtoFieldNames()
                    .print(request), dev.annotask.proto.api.MultiDatasetVersionExportResponse.getDefaultInstance()).body();
            MultiDatasetVersionExportResponse.Builder response = MultiDatasetVersionExportResponse.newBuilder();
            JsonFormat.parser().ignoringUnknownFields().merge(body, response);
            return response.build();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected MultiTaskResponse listTasksOfWorker(String key, ListTasksRequest request) {
        assertThat(catchThrowable(() -> stub(key).listTasks(request)))
                .as("the JSON channel cannot put a repeated field in a query")
                .isInstanceOf(ClarifaiException.class).hasMessageStartingWith("Cannot convert type for get params");
        return null;
    }
}
