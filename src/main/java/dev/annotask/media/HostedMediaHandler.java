package dev.annotask.media;

import dev.annotask.api.ApiException;
import dev.annotask.api.Dispatcher;
import dev.annotask.api.MemoryBudget;
import dev.annotask.api.RequestChecks;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.rest.RestGateway;
import dev.annotask.api.AccessControl;
import dev.annotask.identity.Caller;
import dev.annotask.input.HostedUrls;
import dev.annotask.input.Input;
import dev.annotask.input.InputStore;
import dev.annotask.proto.api.GetInputRequest;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.UnitOfWork;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Optional;

/**
 * {@code GET /v2/hosted/orig/users/{user}/apps/{app}/inputs/{input}}: an input's stored bytes,
 * at the URL its {@code hosted} field names ({@link HostedUrls}), for whoever may call GetInput
 * on it: the same {@code Authorization: Key} header, the same access rule (an app key reaches
 * its own app only, a personal access token the apps its user owns or collaborates on, scope
 * {@code Inputs:Get}) and the same refusals, as Clarifai-style status bodies with their HTTP
 * codes: no key 11102/400, a key that may not reach the app 11008/401, a missing scope
 * 11007/403, no such input or one without stored bytes 30102/404. Any other size than
 * {@code orig} is 11101/404. The bytes are typed by their first bytes and never cached by
 * anyone but the caller. Thread-safe.
 */
public final class HostedMediaHandler implements Handler {
    private final AccessControl access;
    private final RpcMethod getInput;
    private final Dispatcher dispatcher;
    private final RestGateway gateway;
    private final InputStore inputs;
    private final UnitOfWork units;
    private final StoredBytes bytes;

    /** @param getInput the RPC whose access rule and response type the answers follow */
    public HostedMediaHandler(AccessControl access, RpcMethod getInput, Dispatcher dispatcher, RestGateway gateway,
                              InputStore inputs, UnitOfWork units, MemoryBudget budget) {
        this.access = access;
        this.getInput = getInput;
        this.dispatcher = dispatcher;
        this.gateway = gateway;
        this.inputs = inputs;
        this.units = units;
        this.bytes = new StoredBytes(inputs, units, budget);
    }

    @Override
    public void handle(Context ctx) {
        String inputId = ctx.pathParam("input");
        try {
            if (!HostedUrls.ORIGINAL.equals(ctx.pathParam("size"))) {
                throw new ApiException(StatusCode.CONN_DOES_NOT_EXIST, "no size '" + ctx.pathParam("size")
                        + "' is hosted; Annotask keeps only '" + HostedUrls.ORIGINAL + "'");
            }
            GetInputRequest request = GetInputRequest.newBuilder()
                    .setUserAppId(UserAppIDSet.newBuilder().setUserId(ctx.pathParam("user")).setAppId(ctx.pathParam("app")))
                    .setInputId(inputId).build();
            RequestChecks.check(request); // sizes and characters, as for the RPC itself
            Caller caller = access.authorize(ctx.header("Authorization"), getInput.access(),
                    request.getUserAppId().getUserId(), request.getUserAppId().getAppId());
            String appUid = caller.app().uid();
            Optional<Input> input = units.read(handle -> inputs.find(handle, appUid, inputId));
            if (input.isEmpty()) {
                throw notStored(inputId, "input not found: ");
            }
            if (input.get().byteSize() == 0) {
                throw notStored(inputId, "no bytes are stored for input ");
            }
            switch (bytes.write(ctx, appUid, inputId, input.get().byteSize(), "private, no-store")) {
                case GONE -> throw notStored(inputId, "input not found: ");
                case BUSY -> throw new ApiException(StatusCode.TRY_AGAIN, "no memory free to send the bytes; retry later");
                case WRITTEN -> { }
            }
        } catch (RuntimeException e) {
            gateway.answer(ctx, dispatcher.failed(getInput, e));
        }
    }

    private static ApiException notStored(String inputId, String what) {
        return new ApiException(StatusCode.INPUT_DOES_NOT_EXIST, what + inputId);
    }
}
