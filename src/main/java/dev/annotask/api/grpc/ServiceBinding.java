package dev.annotask.api.grpc;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Message;
import dev.annotask.api.Dispatcher;
import dev.annotask.api.MemoryBudget;
import dev.annotask.api.RpcMethod;
import dev.annotask.proto.api.status.StatusCode;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ServerCallHandler;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One protobuf service of our schema as a gRPC service: a method definition per RPC, with
 * protobuf marshallers of our own message classes and one generic unary handler that calls
 * the {@link Dispatcher}, as the REST gateway does.
 *
 * <p>Built from our descriptors, never through clarifai-grpc's {@code V2Grpc}: that class
 * takes its marshallers from a JVM-wide switch the official client's JSON channel flips
 * (docs/COMPATIBILITY.md, "Clarifai's official Java client"), and our wire must not depend on what else runs in the JVM.
 *
 * <p>Every RPC completes with gRPC {@code OK}; its outcome, failures included, is in the
 * response's {@code status}, as Clarifai answers. Only what never reaches a handler (an
 * unparsable message, an oversized one, an unknown method) is a gRPC error, as on Clarifai's
 * own transport.
 */
final class ServiceBinding {
    private ServiceBinding() {
    }

    /** The service's definition; {@code methods} must be exactly the service's RPCs. */
    static ServerServiceDefinition of(ServiceDescriptor service, Collection<RpcMethod> methods, Dispatcher dispatcher,
                                      MemoryBudget budget) {
        Map<RpcMethod, MethodDescriptor<ParsedRequest, Message>> descriptors = new LinkedHashMap<>();
        io.grpc.ServiceDescriptor.Builder grpcService = io.grpc.ServiceDescriptor.newBuilder(service.getFullName())
                .setSchemaDescriptor(new SchemaDescriptors.OfService(service));
        for (RpcMethod method : methods) {
            descriptors.put(method, descriptor(method, budget));
            grpcService.addMethod(descriptors.get(method));
        }
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(grpcService.build());
        descriptors.forEach((method, descriptor) -> definition.addMethod(descriptor,
                releasingMemory(ServerCalls.asyncUnaryCall((request, responses) -> {
                    if (request.failure() != null) {
                        responses.onError(request.failure().asRuntimeException());
                        return;
                    }
                    Dispatcher.Result result = request.busy()
                            ? dispatcher.reject(method, StatusCode.TRY_AGAIN,
                                    "the server is busy with other large requests; retry later")
                            : dispatcher.call(method, AuthorizationMetadata.current(), request.message());
                    responses.onNext(result.response());
                    responses.onCompleted();
                }))));
        return definition.build();
    }

    /** Gives back the memory a request's message held once its call is over, however it ended. */
    private static ServerCallHandler<ParsedRequest, Message> releasingMemory(
            ServerCallHandler<ParsedRequest, Message> handler) {
        return (call, headers) -> new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                handler.startCall(call, headers)) {
            private ParsedRequest received;

            @Override
            public void onMessage(ParsedRequest message) {
                received = message;
                super.onMessage(message);
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    release();
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    release();
                }
            }

            private void release() {
                if (received != null) {
                    received.release();
                }
            }
        };
    }

    private static MethodDescriptor<ParsedRequest, Message> descriptor(RpcMethod method, MemoryBudget budget) {
        if (method.descriptor().isClientStreaming() || method.descriptor().isServerStreaming()) {
            throw new IllegalStateException(method.fullName() + " streams; only unary RPCs are served");
        }
        return MethodDescriptor.<ParsedRequest, Message>newBuilder()
                .setType(MethodType.UNARY)
                .setFullMethodName(method.fullName())
                .setRequestMarshaller(ParsedRequest.marshaller(method.requestPrototype(), budget))
                .setResponseMarshaller(ProtoUtils.marshaller(method.responsePrototype()))
                .setSchemaDescriptor(new SchemaDescriptors.OfMethod(method.descriptor()))
                .build();
    }
}
