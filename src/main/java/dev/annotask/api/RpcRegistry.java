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
    private final Map<String, RpcHandler<Message, Message>> handlers = new LinkedHashMap<>();

    public RpcRegistry(Collection<ServiceDescriptor> services) {
        for (ServiceDescriptor service : services) {
            for (MethodDescriptor method : service.getMethods()) {
                methods.put(method.getName(), new RpcMethod(method));
            }
        }
    }

    /** Binds the handler of the named RPC; the request and response types must be the RPC's own. */
    @SuppressWarnings("unchecked")
    public <Q extends Message, R extends Message> void handle(String rpcName, Class<Q> requestType,
                                                              RpcHandler<Q, R> handler) {
        RpcMethod method = methods.get(rpcName);
        if (method == null) {
            throw new IllegalArgumentException("no RPC named " + rpcName + " in the schema");
        }
        if (!requestType.isInstance(method.requestPrototype())) {
            throw new IllegalArgumentException(rpcName + " takes " + method.descriptor().getInputType().getName());
        }
        if (handlers.putIfAbsent(rpcName, (RpcHandler<Message, Message>) handler) != null) {
            throw new IllegalArgumentException(rpcName + " already has a handler");
        }
    }

    public Collection<RpcMethod> methods() {
        return Collections.unmodifiableCollection(methods.values());
    }

    public Optional<RpcHandler<Message, Message>> handlerOf(RpcMethod method) {
        return Optional.ofNullable(handlers.get(method.name()));
    }

    public boolean isServed(String rpcName) {
        return handlers.containsKey(rpcName);
    }
}
