package dev.annotask.api;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Message;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every RPC of the served schema and, for those implemented, the handler behind it.
 *
 * <p>Features register their handlers at wiring time; after that the registry is only read
 * (by both transports), so registration must finish before the servers start. An RPC in the
 * schema without a handler answers NOT_IMPLEMENTED, and docs/COMPATIBILITY.md lists it so.
 */
public final class RpcRegistry {
    private final Map<String, RpcMethod> methods = new LinkedHashMap<>();
    private final Map<String, Binding> bindings = new LinkedHashMap<>();

    public RpcRegistry(Collection<ServiceDescriptor> services) {
        for (ServiceDescriptor service : services) {
            for (MethodDescriptor method : service.getMethods()) {
                methods.put(method.getName(), new RpcMethod(method));
            }
        }
    }

    /** Binds the handler of an RPC that only reads: it runs in a read transaction. */
    public <Q extends Message, R extends Message> void reads(String rpcName, Class<Q> requestType,
                                                             RpcHandler<Q, R> handler) {
        bind(rpcName, requestType, new Binding(erased(handler), false, null, null));
    }

    /** Binds the handler of an RPC that writes: it runs in a write transaction. */
    public <Q extends Message, R extends Message> void writes(String rpcName, Class<Q> requestType,
                                                              RpcHandler<Q, R> handler) {
        bind(rpcName, requestType, new Binding(erased(handler), true, null, null));
    }

    /**
     * Binds the handler of an RPC that usually writes but can often answer from a read: the
     * read runs first, in a read transaction, and when it answers (not null) the write never
     * queues for the writer. The write handler must give the same answer in that case.
     */
    public <Q extends Message, R extends Message> void writesUnlessRead(String rpcName, Class<Q> requestType,
                                                                        RpcHandler<Q, R> readFirst,
                                                                        RpcHandler<Q, R> handler) {
        bind(rpcName, requestType, new Binding(erased(handler), true, erased(readFirst), null));
    }

    /**
     * Binds an RPC that writes after work needing no database: {@code prepare} runs before the
     * write transaction, once, and returns the work to run in it ({@link PreparedHandler}).
     */
    @SuppressWarnings("unchecked")
    public <Q extends Message, R extends Message> void writesPrepared(String rpcName, Class<Q> requestType,
                                                                      PreparedHandler<Q, R> prepare) {
        PreparedHandler<Message, Message> erased = (PreparedHandler<Message, Message>) (PreparedHandler<?, ?>) prepare;
        bind(rpcName, requestType, new Binding(null, true, null, erased));
    }

    private void bind(String rpcName, Class<? extends Message> requestType, Binding binding) {
        RpcMethod method = methods.get(rpcName);
        if (method == null) {
            throw new IllegalArgumentException("no RPC named " + rpcName + " in the schema");
        }
        if (!requestType.isInstance(method.requestPrototype())) {
            throw new IllegalArgumentException(rpcName + " takes " + method.descriptor().getInputType().getName());
        }
        if (bindings.putIfAbsent(rpcName, binding) != null) {
            throw new IllegalArgumentException(rpcName + " already has a handler");
        }
    }

    /**
     * How an RPC is served: its handler, whether it writes, and an optional read that may
     * answer instead of the write; or, instead of the handler, its preparation
     * ({@link #writesPrepared}).
     */
    public record Binding(RpcHandler<Message, Message> handler, boolean writes,
                          RpcHandler<Message, Message> readFirst, PreparedHandler<Message, Message> prepare) {
    }

    /** The registry checked the request type against the schema, so the handler takes any request of the RPC. */
    @SuppressWarnings("unchecked")
    private static RpcHandler<Message, Message> erased(RpcHandler<? extends Message, ? extends Message> handler) {
        return (RpcHandler<Message, Message>) handler;
    }

    public Collection<RpcMethod> methods() {
        return Collections.unmodifiableCollection(methods.values());
    }

    public Optional<Binding> bindingOf(RpcMethod method) {
        return Optional.ofNullable(bindings.get(method.name()));
    }

    public boolean isServed(String rpcName) {
        return bindings.containsKey(rpcName);
    }
}
