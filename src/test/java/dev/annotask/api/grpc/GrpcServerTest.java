package dev.annotask.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.UnsafeByteOperations;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Image;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.ListStatusCodesRequest;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.MultiStatusCodeResponse;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.RunningServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the gRPC server promises beyond the RPCs themselves: reflection for grpcurl, inbound
 * messages up to the request size limit (several at once), a call without a known key answered
 * before its message is read, and gRPC errors only for what never reaches a handler.
 * Independent of the database, so it runs on SQLite only.
 */
class GrpcServerTest {
    private static final int MIB = 1024 * 1024;

    private static RunningServer server;
    private static GrpcClient grpc;

    @BeforeAll
    static void start() {
        server = RunningServer.start(SqlDialect.SQLITE);
        grpc = new GrpcClient(server.grpcPort());
    }

    @AfterAll
    static void stop() {
        grpc.close();
        server.close();
    }

    @Test
    void reflectionListsOurServicesAndDescribesThem() throws Exception {
        List<String> services = reflect(ServerReflectionRequest.newBuilder().setListServices("").build())
                .getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
        assertThat(services).contains("clarifai.api.V2", "annotask.admin.Admin", "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection");
        ServerReflectionResponse file = reflect(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("clarifai.api.V2.PostTasks").build());
        assertThat(file.getFileDescriptorResponse().getFileDescriptorProtoCount()).as("grpcurl describe").isPositive();
    }

    @Test
    void requestsJustUnderTheLimitAreAcceptedSeveralAtOnce() throws Exception {
        ListStatusCodesRequest large = paddedTo(GrpcServer.MAX_INBOUND_MESSAGE_BYTES - MIB);
        List<CompletableFuture<MultiStatusCodeResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> grpc.call("ListStatusCodes", large,
                    MultiStatusCodeResponse.getDefaultInstance(), null)));
        }
        for (CompletableFuture<MultiStatusCodeResponse> call : calls) {
            assertThat(call.get(60, TimeUnit.SECONDS).getStatus().getCodeValue()).isEqualTo(10000);
        }
    }

    @Test
    void aRequestOverTheLimitIsRefusedByTheTransport() {
        assertThatThrownBy(() -> grpc.call("ListStatusCodes", paddedTo(GrpcServer.MAX_INBOUND_MESSAGE_BYTES + 1024),
                MultiStatusCodeResponse.getDefaultInstance(), null))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    @Test
    void aLargeMessageWithoutAKnownKeyIsAnsweredInTheRpcsResponseTypeBeforeItIsRead() {
        PostInputsRequest upload = PostInputsRequest.newBuilder()
                .setUserAppId(UserAppIDSet.newBuilder().setUserId("admin").setAppId("pets"))
                .addInputs(Input.newBuilder().setData(Data.newBuilder().setImage(Image.newBuilder()
                        .setBase64(UnsafeByteOperations.unsafeWrap(new byte[20 * MIB])))))
                .build();

        MultiInputResponse anonymous = grpc.call("PostInputs", upload, MultiInputResponse.getDefaultInstance(), null);
        MultiInputResponse unknown = grpc.call("PostInputs", upload, MultiInputResponse.getDefaultInstance(), "nope");

        assertThat(anonymous.getStatus().getCodeValue()).isEqualTo(11102);
        assertThat(unknown.getStatus().getCodeValue()).isEqualTo(11008);
        assertThat(unknown.getStatus().getReqId()).matches("[0-9a-f]{32}");
        // A known key gets past the check to the dispatcher, on the same connection: the admin
        // has no app "pets".
        assertThat(grpc.call("PostInputs", upload.toBuilder().clearInputs().build(),
                MultiInputResponse.getDefaultInstance(), RunningServer.ADMIN_TOKEN).getStatus().getCodeValue())
                .isEqualTo(11101);
    }

    @Test
    void bytesThatAreNoMessageAndUnknownMethodsAreGrpcErrors() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThatThrownBy(() -> grpc.callRaw("clarifai.api.V2/GetStatusCode", garbage))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
        assertThatThrownBy(() -> grpc.callRaw("clarifai.api.V2/PostModels", new byte[0]))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }

    /** An empty request carrying an unknown field of that many bytes, which the server parses and ignores. */
    private static ListStatusCodesRequest paddedTo(int bytes) {
        ByteString padding = UnsafeByteOperations.unsafeWrap(new byte[bytes]);
        return ListStatusCodesRequest.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(1000, UnknownFieldSet.Field.newBuilder().addLengthDelimited(padding).build()).build()).build();
    }

    private static ServerReflectionResponse reflect(ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(grpc.channel())
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new IllegalStateException("no answer"));
                    }
                });
        requests.onNext(request);
        requests.onCompleted();
        return answer.get(30, TimeUnit.SECONDS);
    }
}
