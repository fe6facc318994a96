package dev.annotask.api.grpc;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.annotask.api.Dispatcher;
import dev.annotask.api.MemoryBudget;
import dev.annotask.api.TransportLimits;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.AccessControl;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gRPC transport: plaintext HTTP/2 on its own port, serving every RPC of our schema
 * through the same {@link Dispatcher} the REST gateway calls, plus server reflection (v1 and
 * v1alpha) so {@code grpcurl} can list and call it. TLS is left to a proxy in front, as for HTTP.
 *
 * <p>Inbound messages may be as large as a REST body, {@link TransportLimits#MAX_REQUEST_BYTES}
 * (Clarifai's channels accept 128 MiB, more than the documented heap holds several times); a
 * call's key is checked before its message is read ({@link KeyFirst}), and a large message is
 * parsed only within a share of the {@link MemoryBudget} (docs/DEPLOYMENT.md, "Limits
 * and hostile clients"). Handlers block on the database, so calls run on a bounded pool of our own instead
 * of gRPC's unbounded default one; calls beyond it queue. Start and stop from one thread;
 * serving is thread-safe.
 */
public final class GrpcServer {
    public static final int MAX_INBOUND_MESSAGE_BYTES = TransportLimits.MAX_REQUEST_BYTES;
    /** Streams one connection may have open at once (HTTP/2's customary minimum). */
    private static final int MAX_CALLS_PER_CONNECTION = 100;
    private static final int HANDLER_THREADS = 64;

    private final Server server;
    private final ExecutorService handlers;

    private GrpcServer(Server server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    /**
     * Binds and starts the server.
     *
     * @param port the port to listen on; 0 picks a free one
     */
    public static GrpcServer start(String host, int port, List<ServiceDescriptor> services, RpcRegistry registry,
                                   Dispatcher dispatcher, AccessControl accessControl, MemoryBudget budget) {
        ExecutorService handlers = handlerPool();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .executor(handlers)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
                .intercept(new AuthorizationMetadata())
                .intercept(new KeyFirst(registry.methods(), accessControl, dispatcher))
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(legacyReflection());
        methodsByService(services, registry).forEach((service, methods) ->
                builder.addService(ServiceBinding.of(service, methods, dispatcher, budget)));
        try {
            return new GrpcServer(builder.build().start(), handlers);
        } catch (IOException e) {
            handlers.shutdownNow();
            throw new UncheckedIOException("cannot listen for gRPC on " + host + ":" + port, e);
        }
    }

    /** Older grpcurl releases and other tools ask the v1alpha reflection service only. */
    @SuppressWarnings("deprecation")
    private static BindableService legacyReflection() {
        return ProtoReflectionService.newInstance();
    }

    private static Map<ServiceDescriptor, List<RpcMethod>> methodsByService(List<ServiceDescriptor> services,
                                                                         RpcRegistry registry) {
        Map<ServiceDescriptor, List<RpcMethod>> byService = new LinkedHashMap<>();
        for (ServiceDescriptor service : services) {
            byService.put(service, registry.methods().stream()
                    .filter(method -> method.descriptor().getService() == service).toList());
        }
        return byService;
    }

    private static ExecutorService handlerPool() {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> new Thread(task, "annotask-grpc-" + threads.incrementAndGet()));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The port listened on. */
    public int port() {
        return server.getPort();
    }

    /** Stops taking new calls; calls in flight go on until {@link #close}. Idempotent. */
    public void stopAccepting() {
        server.shutdown();
    }

    /**
     * Stops taking calls, waits up to {@code graceMillis} for those in flight, then cancels
     * what is left.
     */
    public void close(long graceMillis) {
        server.shutdown();
        try {
            if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            handlers.shutdownNow();
        }
    }
}
