package dev.annotask.input;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.PreparedHandler;
import dev.annotask.api.StatusCodes;
import dev.annotask.api.Validation;
import dev.annotask.dataset.DatasetStore;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.InputIDConflictResolution;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.PostInputsRequest;
import dev.annotask.proto.api.status.Status;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Ids;
import dev.annotask.store.Json;
import dev.annotask.store.SqlBatch;
import dev.annotask.store.UnitOfWork;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * PostInputs, in two steps (docs/ARCHITECTURE.md, "Uploads"). Before the write unit, with no
 * database: the inputs checked, their data printed as the JSON stored, their statements laid
 * out ({@link InputRows}) and the answer built, as if no id were taken and every named dataset
 * existed. In the unit: those statements, one round trip on PostgreSQL. Only when a constraint
 * stops them does the unit look at the database to see why, and settle it as the request asks.
 * Thread-safe.
 */
final class PostInputs implements PreparedHandler<PostInputsRequest, MultiInputResponse> {
    private final InputStore inputs;
    private final Clock clock;
    private final InputsJoined joined;

    PostInputs(InputStore inputs, Clock clock, InputsJoined joined) {
        this.inputs = inputs;
        this.clock = clock;
        this.joined = joined;
    }

    @Override
    public UnitOfWork.Work<MultiInputResponse> prepare(Caller caller, PostInputsRequest request) {
        Validation.requireBatch("inputs", request.getInputsCount(), InputRpcs.MAX_BATCH);
        String appUid = caller.app().uid();
        long now = clock.millis();
        Upload upload = new Upload(appUid, new ArrayList<>(), new HashMap<>(), request.getInputIdConflictResolution(),
                Timestamps.fromMillis(now), StatusCodes.status(StatusCode.INPUT_SUCCESS, null));
        for (int i = 0; i < request.getInputsCount(); i++) {
            dev.annotask.proto.api.Input wire = request.getInputs(i);
            Data stored = InputData.withoutBytes(wire.getData());
            InputStore.NewInput next = accept(appUid, "inputs[" + i + "]", wire, stored, now);
            upload.accepted().add(next);
            // The response is built from the messages, not by parsing back the JSON just printed.
            upload.dataByJson().put(next.input().dataJson(), stored);
        }
        List<InputStore.NewInput> rows;
        try {
            rows = InputIds.resolve(upload.accepted(), Set.of(), upload.onConflict());
        } catch (ApiException twice) {
            // One id twice in the request: refused, but only after the datasets are checked.
            return handle -> settle(handle, upload);
        }
        SqlBatch statements = InputRows.statements(appUid, rows, joined.inputsJoined(appUid, datasetsOf(rows)));
        MultiInputResponse answer = upload.answer(rows, List.of());
        return handle -> inputs.upload(handle, statements) ? answer : settle(handle, upload);
    }

    /**
     * The slow way, when the statements laid out before were stopped: datasets that do not exist
     * are refused first, then the ids are settled against those the app has (under its lock)
     * and the statements of what is left run.
     */
    private MultiInputResponse settle(Handle handle, Upload upload) {
        List<InputStore.NewInput> accepted = upload.accepted();
        Set<String> named = datasetsOf(accepted);
        Set<String> known = named.isEmpty() ? Set.of() : DatasetStore.existing(handle, upload.appUid(), named);
        for (int i = 0; i < accepted.size(); i++) {
            for (String datasetId : accepted.get(i).datasetIds()) {
                if (!known.contains(datasetId)) {
                    throw ApiException.invalid("inputs[" + i + "].dataset_ids: dataset '" + datasetId + "' not found");
                }
            }
        }
        Set<String> taken = inputs.lockAndFindTaken(handle, upload.appUid(),
                accepted.stream().map(n -> n.input().id()).toList());
        List<InputStore.NewInput> rows = InputIds.resolve(accepted, taken, upload.onConflict());
        if (!rows.isEmpty()) {
            InputRows.statements(upload.appUid(), rows, joined.inputsJoined(upload.appUid(), datasetsOf(rows)))
                    .run(handle);
        }
        List<Input> skipped = new ArrayList<>();
        if (upload.onConflict() == InputIDConflictResolution.SKIP) {
            Set<String> stored = new HashSet<>();
            rows.forEach(n -> stored.add(n.input().id()));
            for (InputStore.NewInput next : accepted) {
                if (!stored.contains(next.input().id())) {
                    inputs.find(handle, upload.appUid(), next.input().id()).ifPresent(skipped::add);
                }
            }
        }
        return upload.answer(rows, skipped);
    }

    private static Set<String> datasetsOf(List<InputStore.NewInput> rows) {
        Set<String> ids = new LinkedHashSet<>();
        rows.forEach(n -> ids.addAll(n.datasetIds()));
        return ids;
    }

    private static InputStore.NewInput accept(String appUid, String field, dev.annotask.proto.api.Input wire, Data stored,
                                              long now) {
        String id = wire.getId().isEmpty() ? Ids.newId() : wire.getId();
        try {
            Validation.requireId(field + ".id", id);
        } catch (ApiException e) {
            throw new ApiException(StatusCode.INPUT_INVALID_ARGUMENT, e.details());
        }
        ByteString bytes = InputData.requireOneKind(field, wire.getData());
        if (bytes.size() > InputRpcs.MAX_BYTES) {
            throw new ApiException(StatusCode.INPUT_OVER_LIMIT, field + ": " + bytes.size()
                    + " bytes; an input may hold at most " + InputRpcs.MAX_BYTES + " bytes (20 MB)");
        }
        Validation.requireDistinct(field + ".dataset_ids", wire.getDatasetIdsList());
        Input input = new Input(appUid, id, Json.write(stored), bytes.size(),
                StatusCode.INPUT_SUCCESS.getNumber(), now, now);
        return new InputStore.NewInput(input, bytes.isEmpty() ? null : InputData.array(bytes), wire.getDatasetIdsList());
    }

    /**
     * An upload as prepared: the inputs accepted, in request order, the stored data of each by
     * its JSON, and the parts every answered input shares (one timestamp, one status).
     */
    private record Upload(String appUid, List<InputStore.NewInput> accepted, Map<String, Data> dataByJson,
                          InputIDConflictResolution onConflict, Timestamp now, Status success) {
        /** The answer: inputs skipped as they were found, then those stored, in request order. */
        MultiInputResponse answer(List<InputStore.NewInput> stored, List<Input> skipped) {
            MultiInputResponse.Builder response = MultiInputResponse.newBuilder();
            skipped.forEach(existing -> response.addInputs(InputRpcs.toWire(existing)));
            for (InputStore.NewInput created : stored) {
                response.addInputs(dev.annotask.proto.api.Input.newBuilder()
                        .setId(created.input().id())
                        .setData(dataByJson.get(created.input().dataJson()))
                        .setCreatedAt(now)
                        .setModifiedAt(now)
                        .setStatus(success)
                        .addAllDatasetIds(created.datasetIds()));
            }
            return response.build();
        }
    }
}
