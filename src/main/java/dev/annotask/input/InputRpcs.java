package dev.annotask.input;

import com.google.protobuf.Struct;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.event.Events;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.DeleteInputRequest;
import dev.annotask.proto.api.DeleteInputsRequest;
import dev.annotask.proto.api.GetInputCountRequest;
import dev.annotask.proto.api.GetInputRequest;
import dev.annotask.proto.api.InputCount;
import dev.annotask.proto.api.ListInputsRequest;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.PatchInputsRequest;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.SingleInputCountResponse;
import dev.annotask.proto.api.SingleInputResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Json;
import org.jdbi.v3.core.Handle;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PostInputs, ListInputs, GetInput, GetInputCount, PatchInputs, DeleteInput and DeleteInputs.
 *
 * <p>Uploaded bytes go to their own table, with what their header says of the image read once,
 * here; answers show where the server hosts them ({@link InputWire}), never the bytes. URLs
 * are stored as given: an input given by URL is INPUT_SUCCESS at once, or, when the server
 * fetches URLs ({@link UrlFetching}), INPUT_DOWNLOAD_PENDING until the fetcher has stored its
 * content or failed. Every request is all or nothing. Thread-safe.
 */
public final class InputRpcs {
    static final int MAX_BATCH = 128;
    /** The most bytes an input may hold, uploaded or fetched. */
    public static final long MAX_BYTES = 20L * 1024 * 1024;

    private final InputStore inputs;
    private final Clock clock;
    private final InputsJoined joined;
    private final InputWire wire;
    private final UrlFetching fetching;
    private final Events events;

    public InputRpcs(InputStore inputs, Clock clock, InputsJoined joined, InputWire wire, UrlFetching fetching,
                     Events events) {
        this.events = events;
        this.inputs = inputs;
        this.clock = clock;
        this.joined = joined;
        this.wire = wire;
        this.fetching = fetching;
    }

    public void register(RpcRegistry registry) {
        registry.writesPrepared("PostInputs", PostInputsRequest.class, new PostInputs(inputs, clock, joined, wire, fetching, events));
        registry.reads("ListInputs", ListInputsRequest.class, this::listInputs);
        registry.reads("GetInput", GetInputRequest.class, this::getInput);
        registry.reads("GetInputCount", GetInputCountRequest.class, this::getInputCount);
        registry.writes("PatchInputs", PatchInputsRequest.class, this::patchInputs);
        registry.writes("DeleteInput", DeleteInputRequest.class, this::deleteInput);
        registry.writes("DeleteInputs", DeleteInputsRequest.class, this::deleteInputs);
    }

    MultiInputResponse listInputs(Handle handle, Caller caller, ListInputsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        List<Input> listed = inputs.list(handle, caller.app().uid(), request.getIdsList(), request.getStatus().getCodeValue(),
                page.offset(), page.limit());
        return MultiInputResponse.newBuilder()
                .addAllInputs(listed.stream().map(input -> wire.toWire(caller.app(), input)).toList()).build();
    }

    SingleInputResponse getInput(Handle handle, Caller caller, GetInputRequest request) {
        return SingleInputResponse.newBuilder().setInput(wire.toWire(caller.app(), find(handle, caller, request.getInputId())))
                .build();
    }

    SingleInputCountResponse getInputCount(Handle handle, Caller caller, GetInputCountRequest request) {
        long count = inputs.count(handle, caller.app().uid());
        return SingleInputCountResponse.newBuilder()
                .setCounts(InputCount.newBuilder().setProcessed((int) Math.min(count, Integer.MAX_VALUE)))
                .build();
    }

    MultiInputResponse patchInputs(Handle handle, Caller caller, PatchInputsRequest request) {
        String action = Validation.requirePatchAction(request.getAction());
        Validation.requireBatch("inputs", request.getInputsCount(), MAX_BATCH);
        Validation.requireDistinct("inputs[].id", request.getInputsList().stream().map(i -> i.getId()).toList());
        String appUid = caller.app().uid();
        Map<String, String> patched = new LinkedHashMap<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            dev.annotask.proto.api.Input wire = request.getInputs(i);
            Input current = find(handle, caller, wire.getId());
            Data data = Json.read(current.dataJson(), Data.newBuilder()).build();
            Struct metadata = MetadataPatch.apply(action, data.getMetadata(), wire.getData().getMetadata());
            patched.put(current.id(), Json.write(data.toBuilder().setMetadata(metadata).build()));
        }
        List<String> missing = inputs.updateData(handle, appUid, patched, clock.millis());
        if (!missing.isEmpty()) {
            throw missingInputs(missing);
        }
        joined.changed(handle, appUid, patched.keySet());
        MultiInputResponse.Builder response = MultiInputResponse.newBuilder();
        patched.keySet().forEach(id -> response.addInputs(wire.toWire(caller.app(), find(handle, caller, id))));
        return response.build();
    }

    BaseResponse deleteInput(Handle handle, Caller caller, DeleteInputRequest request) {
        return delete(handle, caller, List.of(request.getInputId()));
    }

    BaseResponse deleteInputs(Handle handle, Caller caller, DeleteInputsRequest request) {
        Validation.requireBatch("ids", request.getIdsCount(), 1000);
        return delete(handle, caller, request.getIdsList());
    }

    private BaseResponse delete(Handle handle, Caller caller, List<String> ids) {
        List<String> missing = inputs.deleteAll(handle, caller.app().uid(), ids);
        if (!missing.isEmpty()) {
            throw missingInputs(missing);
        }
        return BaseResponse.getDefaultInstance();
    }

    private Input find(Handle handle, Caller caller, String id) {
        return inputs.find(handle, caller.app().uid(), id).orElseThrow(() -> missingInputs(List.of(id)));
    }

    private static ApiException missingInputs(List<String> ids) {
        return new ApiException(StatusCode.INPUT_DOES_NOT_EXIST, "input not found: " + String.join(", ", ids));
    }
}
