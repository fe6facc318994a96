package dev.annotask.testing;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * A plain grpc-java client of our own schema for transport tests: method descriptors made
 * from our generated message classes, the credential in the {@code authorization} metadata
 * as Clarifai's clients send it. Plaintext, 128 MiB inbound like Clarifai's channels.
 */
public final class GrpcClient implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;

    public GrpcClient(int port) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(128 * 1024 * 1024).build();
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** Calls {@code clarifai.api.V2/<rpc>} with {@code authorization: Key <token>} (no metadata for a null token). */
    public <R extends Message> R call(String rpc, Message request, R responseType, String token) {
        return callWithAuthorization("clarifai.api.V2/" + rpc, request, responseType,
                token == null ? null : "Key " + token);
    }

    /** Calls a method by its full name with these {@code authorization} values, sent as given. */
    @SuppressWarnings("unchecked")
    public <R extends Message> R callWithAuthorization(String fullMethodName, Message request, R responseType,
                                                       String... authorizations) {
        MethodDescriptor<Message, R> method = MethodDescriptor.<Message, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethodName)
                .setRequestMarshaller(ProtoUtils.marshaller(request.getDefaultInstanceForType()))
                .setResponseMarshaller(ProtoUtils.marshaller((R) responseType.getDefaultInstanceForType()))
                .build();
        return unary(method, request, 60, authorizations);
    }

    /**
     * Calls a method by its full name with these bytes as they are, to put on the wire what no
     * client library would send; the answer's bytes unparsed. A 30-second deadline.
     */
    public byte[] callRaw(String fullMethodName, byte[] request, String... authorizations) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(fullMethodName)
                .setRequestMarshaller(RAW_BYTES).setResponseMarshaller(RAW_BYTES).build();
        return unary(method, request, 30, authorizations);
    }

    private <Q, R> R unary(MethodDescriptor<Q, R> method, Q request, int deadlineSeconds, String... authorizations) {
        Metadata headers = new Metadata();
        for (String authorization : authorizations) {
            if (authorization != null) {
                headers.put(AUTHORIZATION, authorization);
            }
        }
        return ClientCalls.blockingUnaryCall(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                method, CallOptions.DEFAULT.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS), request);
    }

    /** Bytes as they are, both ways. */
    private static final MethodDescriptor.Marshaller<byte[]> RAW_BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
