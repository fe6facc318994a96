package dev.annotask.imports;

import com.google.protobuf.Message;
import dev.annotask.api.RequestChecks;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.RpcRegistry;
import dev.annotask.identity.Caller;
import dev.annotask.store.StoreFailures;
import dev.annotask.store.UnitOfWork;
import org.jdbi.v3.core.Handle;

/**
 * The RPCs an import writes through, called as the server's own handlers (the same checks,
 * bulk statements, events and task reactions as PostInputs, PostAnnotations, PostConcepts,
 * PostDatasets and PostDatasetInputs requests), each batch in one write unit together with the
 * import's progress. Thread-safe once built.
 */
final class ApiCalls {
    private static final int ATTEMPTS = 3;

    private final RpcRegistry registry;
    private final UnitOfWork units;

    ApiCalls(RpcRegistry registry, UnitOfWork units) {
        this.registry = registry;
        this.units = units;
    }

    /** Work to run in a unit: a handler's, prepared outside the unit when the RPC is prepared. */
    @FunctionalInterface
    interface Step {
        Message run(Handle handle);
    }

    /** The RPC's work for this request and caller, checked as the dispatcher checks requests; prepared now when it is prepared. */
    Step prepare(String rpc, Caller caller, Message request) {
        RequestChecks.check(request);
        RpcRegistry.Binding binding = registry.bindingOf(method(rpc)).orElseThrow();
        if (binding.prepare() != null) {
            UnitOfWork.Work<Message> work = binding.prepare().prepare(caller, request);
            return work::withHandle;
        }
        return handle -> binding.handler().handle(handle, caller, request);
    }

    /** Runs steps in one write unit, all or nothing, again when it lost a lock race. */
    <R> R write(UnitOfWork.Work<R> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return units.write(work);
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !StoreFailures.isTransient(e)) {
                    throw e;
                }
            }
        }
    }

    <R> R read(UnitOfWork.Work<R> work) {
        return units.read(work);
    }

    private RpcMethod method(String name) {
        return registry.methods().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }
}
