package dev.annotask.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.annotask.api.AccessControl;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.proto.api.status.Status;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Ids;
import dev.annotask.store.StoreFailures;
import dev.annotask.store.UnitOfWork;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry to every RPC, whatever the transport: checks the request's enums and sizes
 * ({@link RequestChecks}), authorizes the caller, runs the handler in the request's one
 * transaction ({@link UnitOfWork}: a read or a write, as the RPC was registered; a
 * {@link PreparedHandler}'s preparation first, outside it), and always answers with a
 * response of the RPC's own type whose {@code status} carries the outcome and a fresh 32-hex
 * {@code req_id}.
 *
 * <p>Nothing escapes as an exception: expected failures become their status code; a database
 * conflict becomes DATABASE_DUPLICATE_KEY or TRY_AGAIN, a statement past the statement timeout
 * DATABASE_STATEMENT_TIMEOUT, no database connection DATABASE_FAIL_TO_GET_CONNECTIONS (both
 * 503: the client may retry, perhaps on another node); anything else is logged with its
 * request id and answered INTERNAL_UNCATEGORIZED without a stack trace. Requests and
 * credentials are never logged. Thread-safe.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private static final int MAX_ATTEMPTS = 3;

    private final RpcRegistry registry;
    private final AccessControl accessControl;
    private final MeterRegistry meters;
    private final UnitOfWork units;

    public Dispatcher(RpcRegistry registry, AccessControl accessControl, UnitOfWork units, MeterRegistry meters) {
        this.registry = registry;
        this.units = units;
        this.accessControl = accessControl;
        this.meters = meters;
    }

    /** The outcome of one call: the response and the HTTP code it travels with over REST. */
    public record Result(Message response, StatusCode code, int httpStatus) {
    }

    public Result call(RpcMethod method, String authorization, Message request) {
        long started = System.nanoTime();
        String reqId = Ids.newId();
        Message response;
        try {
            response = invoke(method, authorization, request);
        } catch (ApiException e) {
            response = failure(method, StatusCodes.status(e.code(), e.details()));
        } catch (RuntimeException e) {
            response = failure(method, classify(method, reqId, e));
        }
        return recorded(method, withRequestId(response, reqId), started);
    }

    /**
     * A response of the method's type carrying only this failure, for requests the transport
     * could not turn into a message (bad JSON, a wrong verb); counted like any call.
     */
    public Result reject(RpcMethod method, StatusCode code, String details) {
        long started = System.nanoTime();
        return recorded(method, withRequestId(failure(method, StatusCodes.status(code, details)), Ids.newId()), started);
    }

    /**
     * The answer to a failure met on the way to an RPC's data outside {@link #call}, by a
     * route that reads it itself (the hosted bytes of an input, which are no message): an
     * {@link ApiException} as its status, anything else classified as {@code call} classifies
     * it; counted like any call.
     */
    public Result failed(RpcMethod method, RuntimeException e) {
        long started = System.nanoTime();
        String reqId = Ids.newId();
        Status status = e instanceof ApiException api ? StatusCodes.status(api.code(), api.details())
                : classify(method, reqId, e);
        return recorded(method, withRequestId(failure(method, status), reqId), started);
    }

    private Result recorded(RpcMethod method, Result result, long startedNanos) {
        Timer.builder("annotask_rpc_requests")
                .description("RPC calls by method and status code")
                .tag("rpc", method.name())
                .tag("code", String.valueOf(result.code().getNumber()))
                .register(meters)
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        return result;
    }

    private Message invoke(RpcMethod method, String authorization, Message request) {
        // First, as the REST gateway refuses a malformed body before anyone is asked who calls:
        // the same answer on both transports, and no oversize id goes near the database.
        RequestChecks.check(request);
        UserAppIDSet ids = userAppIds(request);
        Caller caller = accessControl.authorize(authorization, method.access(), ids.getUserId(), ids.getAppId());
        RpcRegistry.Binding binding = registry.bindingOf(method).orElseThrow(() ->
                new ApiException(StatusCode.NOT_IMPLEMENTED, method.name() + " is not served by Annotask yet"));
        // Done once, outside the transaction: the unit it returns is what a retry runs again.
        UnitOfWork.Work<Message> prepared = binding.prepare() == null ? null : binding.prepare().prepare(caller, request);
        for (int attempt = 1; ; attempt++) {
            try {
                return prepared != null ? units.write(prepared) : run(binding, caller, request);
            } catch (RuntimeException e) {
                // A request is one transaction, all or nothing, so a request that lost a lock
                // race (SQLite busy, PostgreSQL serialization or deadlock) can run again.
                if (attempt >= MAX_ATTEMPTS || !StoreFailures.isTransient(e)) {
                    throw e;
                }
            }
        }
    }

    /** The request's one unit of work: the only place a transaction opens while serving. */
    private Message run(RpcRegistry.Binding binding, Caller caller, Message request) {
        if (!binding.writes()) {
            return units.read(handle -> binding.handler().handle(handle, caller, request));
        }
        if (binding.readFirst() != null) {
            Message answered = units.read(handle -> binding.readFirst().handle(handle, caller, request));
            if (answered != null) {
                return answered;
            }
        }
        return units.write(handle -> binding.handler().handle(handle, caller, request));
    }

    private static UserAppIDSet userAppIds(Message request) {
        FieldDescriptor field = request.getDescriptorForType().findFieldByName("user_app_id");
        if (field == null || !request.hasField(field)) {
            return UserAppIDSet.getDefaultInstance();
        }
        return (UserAppIDSet) request.getField(field);
    }

    private Status classify(RpcMethod method, String reqId, RuntimeException e) {
        if (StoreFailures.isUniqueViolation(e)) {
            return StatusCodes.status(StatusCode.DATABASE_DUPLICATE_KEY, "an object with the same id was created concurrently");
        }
        if (StoreFailures.isTransient(e)) {
            return StatusCodes.status(StatusCode.TRY_AGAIN, "the database is busy; retry the request");
        }
        if (StoreFailures.isTimeout(e)) {
            LOG.warn("{} passed the database statement timeout (req_id {})", method.name(), reqId);
            return StatusCodes.status(StatusCode.DATABASE_STATEMENT_TIMEOUT,
                    "the database did not answer within the statement timeout; nothing was written, retry the request");
        }
        if (StoreFailures.isUnavailable(e)) {
            LOG.warn("{} found no database connection (req_id {}): {}", method.name(), reqId, e.getMessage());
            return StatusCodes.status(StatusCode.DATABASE_FAIL_TO_GET_CONNECTIONS,
                    "no database connection could be had; retry the request");
        }
        LOG.error("{} failed (req_id {})", method.name(), reqId, e);
        return StatusCodes.status(StatusCode.INTERNAL_UNCATEGORIZED, "internal error; req_id " + reqId);
    }

    private static Message failure(RpcMethod method, Status status) {
        Message.Builder builder = method.responsePrototype().newBuilderForType();
        builder.setField(statusField(builder), status);
        return builder.build();
    }

    private static Result withRequestId(Message response, String reqId) {
        Message.Builder builder = response.toBuilder();
        FieldDescriptor statusField = statusField(builder);
        Status status = response.hasField(statusField) ? (Status) response.getField(statusField) : StatusCodes.success();
        builder.setField(statusField, status.toBuilder().setReqId(reqId).build());
        return new Result(builder.build(), status.getCode(), StatusCodes.httpCode(status.getCode()));
    }

    private static FieldDescriptor statusField(Message.Builder builder) {
        FieldDescriptor field = builder.getDescriptorForType().findFieldByName("status");
        if (field == null) {
            throw new IllegalStateException(builder.getDescriptorForType().getFullName() + " has no status");
        }
        return field;
    }
}
