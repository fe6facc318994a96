package dev.annotask.api.grpc;

import com.google.protobuf.Message;
import dev.annotask.api.ApiException;
import dev.annotask.api.Dispatcher;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.AccessControl;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.Collection;

/**
 * Checks a call's key before its message is read: a call of an RPC that needs a key, made
 * without a known, unexpired one, is answered at once with the status the dispatcher would
 * give (in the RPC's response type, gRPC OK, as Clarifai answers) and its message is never
 * requested, so grpc-java buffers no more of it than one flow-control window.
 *
 * <p>The full authorization, which needs the app the message names, still happens in the
 * {@link Dispatcher}. If the key cannot be checked (the database fails), the call goes on and
 * the dispatcher answers for it. Reflection and unknown methods pass through. Thread-safe.
 */
final class KeyFirst implements ServerInterceptor {
    private final Map<String, RpcMethod> methods;
    private final AccessControl accessControl;
    private final Dispatcher dispatcher;

    KeyFirst(Collection<RpcMethod> methods, AccessControl accessControl, Dispatcher dispatcher) {
        this.methods = methods.stream().collect(Collectors.toMap(RpcMethod::fullName, Function.identity()));
        this.accessControl = accessControl;
        this.dispatcher = dispatcher;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        RpcMethod method = methods.get(call.getMethodDescriptor().getFullMethodName());
        if (method != null) {
            try {
                accessControl.requireKnownKey(AuthorizationMetadata.authorization(headers), method.access());
            } catch (ApiException e) {
                answer(call, dispatcher.reject(method, e.code(), e.details()).response());
                return new ServerCall.Listener<>() {
                };
            } catch (RuntimeException e) {
                // Not checkable now; the dispatcher will say why.
            }
        }
        return next.startCall(call, headers);
    }

    @SuppressWarnings("unchecked")
    private static <R> void answer(ServerCall<?, R> call, Message response) {
        call.sendHeaders(new Metadata());
        call.sendMessage((R) response);
        call.close(Status.OK, new Metadata());
    }
}
