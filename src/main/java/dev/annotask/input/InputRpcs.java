package dev.annotask.input;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.StatusCodes;
import dev.annotask.api.Validation;
import dev.annotask.dataset.DatasetStore;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.DeleteInputRequest;
import dev.annotask.proto.api.DeleteInputsRequest;
import dev.annotask.proto.api.GetInputCountRequest;
import dev.annotask.proto.api.GetInputRequest;
import dev.annotask.proto.api.InputCount;
import dev.annotask.proto.api.InputIDConflictResolution;
import dev.annotask.proto.api.ListInputsRequest;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.PatchInputsRequest;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.SingleInputCountResponse;
import dev.annotask.proto.api.SingleInputResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Ids;
import dev.annotask.store.Json;
import org.jdbi.v3.core.Handle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PostInputs, ListInputs, GetInput, GetInputCount, PatchInputs, DeleteInput and DeleteInputs.
 *
 * <p>URLs are stored as given, never fetched, so an accepted input is INPUT_SUCCESS at once.
 * Uploaded bytes go to their own table, and are not echoed back in listings. Every request is
 * all or nothing. Thread-safe.
 */
public final class InputRpcs {
    static final int MAX_BATCH = 128;
    static final long MAX_BYTES = 20L * 1024 * 1024;

    private final InputStore inputs;
    private final DatasetStore datasets;
    private final Clock clock;
    private final InputsJoined joined;
    private final Events events;

    public InputRpcs(InputStore inputs, DatasetStore datasets, Clock clock, InputsJoined joined, Events events) {
        this.inputs = inputs;
        this.datasets = datasets;
        this.clock = clock;
        this.joined = joined;
        this.events = events;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostInputs", PostInputsRequest.class, this::postInputs);
        registry.reads("ListInputs", ListInputsRequest.class, this::listInputs);
        registry.reads("GetInput", GetInputRequest.class, this::getInput);
        registry.reads("GetInputCount", GetInputCountRequest.class, this::getInputCount);
        registry.writes("PatchInputs", PatchInputsRequest.class, this::patchInputs);
        registry.writes("DeleteInput", DeleteInputRequest.class, this::deleteInput);
        registry.writes("DeleteInputs", DeleteInputsRequest.class, this::deleteInputs);
    }

    MultiInputResponse postInputs(Handle handle, Caller caller, PostInputsRequest request) {
        Validation.requireBatch("inputs", request.getInputsCount(), MAX_BATCH);
        String appUid = caller.app().uid();
        long now = clock.millis();
        List<InputStore.NewInput> accepted = new ArrayList<>();
        // The stored data of each accepted input as a message, by its JSON, so that the
        // response is built without parsing back the JSON just written.
        Map<String, Data> dataByJson = new java.util.HashMap<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            InputStore.NewInput next = accept(appUid, "inputs[" + i + "]", request.getInputs(i), now);
            accepted.add(next);
            dataByJson.put(next.input().dataJson(), InputData.withoutBytes(request.getInputs(i).getData()));
        }
        Set<String> datasetIds = new HashSet<>();
        accepted.forEach(n -> datasetIds.addAll(n.datasetIds()));
        Set<String> knownDatasets = datasets.existing(handle, appUid, datasetIds);
        for (int i = 0; i < accepted.size(); i++) {
            for (String datasetId : accepted.get(i).datasetIds()) {
                if (!knownDatasets.contains(datasetId)) {
                    throw ApiException.invalid("inputs[" + i + "].dataset_ids: dataset '" + datasetId + "' not found");
                }
            }
        }
        InputIDConflictResolution onConflict = request.getInputIdConflictResolution();
        List<InputStore.NewInput> stored = inputs.insertAll(handle, appUid, accepted,
                (batch, taken) -> InputIds.resolve(batch, taken, onConflict));
        if (!stored.isEmpty()) {
            Set<String> joinedDatasets = new HashSet<>();
            stored.forEach(n -> joinedDatasets.addAll(n.datasetIds()));
            joined.inputsJoined(handle, appUid, joinedDatasets);
        }
        MultiInputResponse.Builder response = MultiInputResponse.newBuilder();
        Map<String, InputStore.NewInput> byId = new LinkedHashMap<>();
        stored.forEach(n -> byId.put(n.input().id(), n));
        for (InputStore.NewInput next : accepted) {
            InputStore.NewInput created = byId.get(next.input().id());
            if (created != null || onConflict != InputIDConflictResolution.SKIP) {
                continue;
            }
            // Skipped: answer with the input that was already there.
            inputs.find(handle, appUid, next.input().id()).ifPresent(existing -> response.addInputs(toWire(existing)));
        }
        List<dev.annotask.proto.api.Input> createdWires = new ArrayList<>(stored.size());
        for (InputStore.NewInput created : stored) {
            createdWires.add(toWire(created.input(), dataByJson.get(created.input().dataJson()))
                    .toBuilder().addAllDatasetIds(created.datasetIds()).build());
        }
        events.emit(handle, appUid, EventType.INPUT_CREATED, () -> createdWires);
        return response.addAllInputs(createdWires).build();
    }

    private static InputStore.NewInput accept(String appUid, String field, dev.annotask.proto.api.Input wire, long now) {
        String id = wire.getId().isEmpty() ? Ids.newId() : wire.getId();
        try {
            Validation.requireId(field + ".id", id);
        } catch (ApiException e) {
            throw new ApiException(StatusCode.INPUT_INVALID_ARGUMENT, e.details());
        }
        Data data = wire.getData();
        ByteString bytes = InputData.requireOneKind(field, data);
        if (bytes.size() > MAX_BYTES) {
            throw new ApiException(StatusCode.INPUT_OVER_LIMIT, field + ": " + bytes.size()
                    + " bytes; an input may hold at most " + MAX_BYTES + " bytes (20 MB)");
        }
        Validation.requireDistinct(field + ".dataset_ids", wire.getDatasetIdsList());
        Input input = new Input(appUid, id, Json.write(InputData.withoutBytes(data)), bytes.size(),
                StatusCode.INPUT_SUCCESS.getNumber(), now, now);
        return new InputStore.NewInput(input, bytes.isEmpty() ? null : InputData.array(bytes), wire.getDatasetIdsList());
    }

    MultiInputResponse listInputs(Handle handle, Caller caller, ListInputsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        List<Input> listed = inputs.list(handle, caller.app().uid(), request.getIdsList(), request.getStatus().getCodeValue(),
                page.offset(), page.limit());
        return MultiInputResponse.newBuilder().addAllInputs(listed.stream().map(InputRpcs::toWire).toList()).build();
    }

    SingleInputResponse getInput(Handle handle, Caller caller, GetInputRequest request) {
        return SingleInputResponse.newBuilder().setInput(toWire(find(handle, caller, request.getInputId()))).build();
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
        MultiInputResponse.Builder response = MultiInputResponse.newBuilder();
        patched.keySet().forEach(id -> response.addInputs(toWire(find(handle, caller, id))));
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

    /** The input as the API shows it (bytes not included). */
    public static dev.annotask.proto.api.Input toWire(Input input) {
        return toWire(input, Json.read(input.dataJson(), Data.newBuilder()).build());
    }

    private static dev.annotask.proto.api.Input toWire(Input input, Data data) {
        return dev.annotask.proto.api.Input.newBuilder()
                .setId(input.id())
                .setData(data)
                .setCreatedAt(Timestamps.fromMillis(input.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(input.modifiedAt()))
                .setStatus(StatusCodes.status(StatusCode.forNumber(input.status()), null))
                .build();
    }
}
