package dev.annotask.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Carries the {@code authorization} metadata of a gRPC call to its handler, which sees only
 * the request message: the interceptor puts the value in the call's {@link Context}, and
 * {@link #current()} reads it there. The value is handed to the dispatcher as it came, so
 * gRPC and REST accept and refuse exactly the same credentials ({@code Key <token>}, spec
 * section 6). Stateless and thread-safe.
 */
final class AuthorizationMetadata implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> VALUE = Context.key("annotask-authorization");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(VALUE, authorization(headers)), call, headers, next);
    }

    /** The call's credential, or null when absent or ambiguous (the dispatcher answers 11102). */
    static String current() {
        return VALUE.get();
    }

    /** The call's single {@code authorization} value, or null when absent or given twice. */
    static String authorization(Metadata headers) {
        Iterable<String> values = headers.getAll(AUTHORIZATION);
        if (values == null) {
            return null;
        }
        var iterator = values.iterator();
        String first = iterator.next();
        // Two credentials on one call: refuse rather than guess which one the client meant.
        return iterator.hasNext() ? null : first;
    }
}
