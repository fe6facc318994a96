package dev.annotask.official.grpc;

import com.clarifai.channel.ClarifaiChannel;
import com.clarifai.grpc.api.ListTasksRequest;
import com.clarifai.grpc.api.MultiTaskAssignmentResponse;
import com.clarifai.grpc.api.MultiDatasetVersionExportResponse;
import com.clarifai.grpc.api.MultiTaskResponse;
import com.clarifai.grpc.api.PutDatasetVersionExportsRequest;
import com.clarifai.grpc.api.PutTaskAssignmentsRequest;
import dev.annotask.official.OfficialClientFlow;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The official client over plaintext gRPC, as the README shows it: a channel to Annotask's
 * gRPC port with Clarifai's 128 MiB message limit, {@code ClarifaiCallCredentials} for the key.
 * Every call of the flow is made by the client itself.
 */
@EnabledIfSystemProperty(named = "annotask.official-client", matches = "grpc",
        disabledReason = "runs in the official-client-grpc fork only: the client's marshaller choice is JVM-wide")
class OfficialClientGrpcTest extends OfficialClientFlow {
    private static ManagedChannel channel;

    @BeforeAll
    static void openChannel() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
                .maxInboundMessageSize(ClarifaiChannel.MAX_MESSAGE_LENGTH).build();
    }

    @AfterAll
    static void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    @Override
    protected Channel channel() {
        return channel;
    }

    @Override
    protected MultiTaskAssignmentResponse putTaskAssignments(String key, PutTaskAssignmentsRequest request) {
        return stub(key).putTaskAssignments(request);
    }

    @Override
    protected MultiDatasetVersionExportResponse putDatasetVersionExports(String key,
                                                                         PutDatasetVersionExportsRequest request) {
        return stub(key).putDatasetVersionExports(request);
    }

    @Override
    protected MultiTaskResponse listTasksOfWorker(String key, ListTasksRequest request) {
        return stub(key).listTasks(request);
    }
}
