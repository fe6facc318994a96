package dev.annotask.input;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.PreparedHandler;
import dev.annotask.api.StatusCodes;
import dev.annotask.api.Validation;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.identity.App;
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
 * database: the inputs checked, their images' headers read (docs/ARCHITECTURE.md, "Hosted
 * bytes and fetched URLs"), their data printed as the JSON stored, their statements laid out
 * ({@link InputRows}) and the answer built, as if no id were taken and every named dataset
 * existed. In the unit: those statements, one round trip on PostgreSQL. Only when a constraint
 * stops them does the unit look at the database to see why, and settle it as the request asks.
 * URL inputs are INPUT_DOWNLOAD_PENDING when the server fetches URLs, and the fetcher is woken.
 * Thread-safe.
 */
final class PostInputs implements PreparedHandler<PostInputsRequest, MultiInputResponse> {
    private final InputStore inputs;
    private final Clock clock;
    private final InputsJoined joined;
    private final InputWire wire;
    private final UrlFetching fetching;
    private final Events events;

    PostInputs(InputStore inputs, Clock clock, InputsJoined joined, InputWire wire, UrlFetching fetching,
               Events events) {
        this.inputs = inputs;
        this.events = events;
        this.clock = clock;
        this.joined = joined;
        this.wire = wire;
        this.fetching = fetching;
    }

    @Override
    public UnitOfWork.Work<MultiInputResponse> prepare(Caller caller, PostInputsRequest request) {
        Validation.requireBatch("inputs", request.getInputsCount(), InputRpcs.MAX_BATCH);
        String appUid = caller.app().uid();
        long now = clock.millis();
        Upload upload = new Upload(caller.app(), wire, new ArrayList<>(), new HashMap<>(),
                request.getInputIdConflictResolution(), Timestamps.fromMillis(now),
                StatusCodes.status(StatusCode.INPUT_SUCCESS, null), StatusCodes.status(StatusCode.INPUT_DOWNLOAD_PENDING, null));
        boolean fetchUrls = fetching.enabled();
        for (int i = 0; i < request.getInputsCount(); i++) {
            dev.annotask.proto.api.Input posted = request.getInputs(i);
            Data stored = InputData.withoutBytes(posted.getData());
            InputStore.NewInput next = accept(appUid, "inputs[" + i + "]", posted, stored, now, fetchUrls);
            upload.accepted().add(next);
            // The response is built from the messages, not by parsing back the JSON just printed.
            upload.dataByJson().put(next.input().dataJson(), stored);
        }
        UnitOfWork.Work<MultiInputResponse> work;
        try {
            List<InputStore.NewInput> rows = InputIds.resolve(upload.accepted(), Set.of(), upload.onConflict());
            Set<String> datasets = datasetsOf(rows);
            SqlBatch statements = InputRows.statements(appUid, rows, joined.inputsJoined(appUid, datasets));
            MultiInputResponse answer = upload.answer(rows, List.of());
            work = handle -> {
                // Told of the tasks it reopens: the reaction runs apart, after the statements.
                boolean tells = joined.tells(handle, appUid);
                if (!inputs.upload(handle, tells ? InputRows.statements(appUid, rows, null) : statements)) {
                    return settle(handle, upload);
                }
                if (tells) {
                    joined.reactAndTell(handle, appUid, datasets);
                }
                joined.changed(handle, appUid, idsOf(rows));
                return created(handle, appUid, answer, answer.getInputsCount());
            };
        } catch (ApiException twice) {
            // One id twice in the request: refused, but only after the datasets are checked.
            work = handle -> settle(handle, upload);
        }
        if (upload.accepted().stream().noneMatch(n -> n.input().status() == StatusCode.INPUT_DOWNLOAD_PENDING_VALUE)) {
            return work;
        }
        UnitOfWork.Work<MultiInputResponse> stored = work;
        return handle -> {
            MultiInputResponse answer = stored.withHandle(handle);
            fetching.wake();
            return answer;
        };
    }

    /**
     * The slow way, when the statements laid out before were stopped: datasets that do not exist
     * are refused first, then the ids are settled against those the app has (under its lock)
     * and the statements of what is left run.
     */
    private MultiInputResponse settle(Handle handle, Upload upload) {
        List<InputStore.NewInput> accepted = upload.accepted();
        Set<String> named = datasetsOf(accepted);
        Set<String> known = named.isEmpty() ? Set.of() : DatasetMembers.existingDatasets(handle, upload.appUid(), named);
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
            boolean tells = joined.tells(handle, upload.appUid());
            InputRows.statements(upload.appUid(), rows, tells ? null : joined.inputsJoined(upload.appUid(),
                    datasetsOf(rows))).run(handle);
            if (tells) {
                joined.reactAndTell(handle, upload.appUid(), datasetsOf(rows));
            }
            joined.changed(handle, upload.appUid(), idsOf(rows));
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
        return created(handle, upload.appUid(), upload.answer(rows, skipped), rows.size());
    }

    /** The answer, after an input.created event for each of its last {@code count} inputs (those stored). */
    private MultiInputResponse created(Handle handle, String appUid, MultiInputResponse answer, int count) {
        events.emit(handle, appUid, EventType.INPUT_CREATED, () -> answer.getInputsList()
                .subList(answer.getInputsCount() - count, answer.getInputsCount()));
        return answer;
    }

    private static List<String> idsOf(List<InputStore.NewInput> rows) {
        return rows.stream().map(n -> n.input().id()).toList();
    }

    private static Set<String> datasetsOf(List<InputStore.NewInput> rows) {
        Set<String> ids = new LinkedHashSet<>();
        rows.forEach(n -> ids.addAll(n.datasetIds()));
        return ids;
    }

    private static InputStore.NewInput accept(String appUid, String field, dev.annotask.proto.api.Input wire, Data stored,
                                              long now, boolean fetchUrls) {
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
        byte[] content = bytes.isEmpty() ? null : InputData.array(bytes);
        // Read here, once, so reads never parse bytes. Bytes no header reader knows are kept
        // all the same, without a size.
        ImageSize image = content != null && stored.hasImage() ? ImageHeaders.read(content).orElse(null) : null;
        String media = MediaHeaders.read(stored, content);
        StatusCode status = fetchUrls && !InputData.url(stored).isEmpty() ? StatusCode.INPUT_DOWNLOAD_PENDING
                : StatusCode.INPUT_SUCCESS;
        Input input = new Input(appUid, id, Json.write(stored), bytes.size(), status.getNumber(), now, now, image,
                null, media);
        return new InputStore.NewInput(input, content, wire.getDatasetIdsList());
    }

    /**
     * An upload as prepared: the inputs accepted, in request order, the stored data of each by
     * its JSON, and the parts answered inputs share (one timestamp, one status of each kind).
     */
    private record Upload(App app, InputWire wire, List<InputStore.NewInput> accepted, Map<String, Data> dataByJson,
                          InputIDConflictResolution onConflict, Timestamp now, Status success, Status pending) {
        String appUid() {
            return app.uid();
        }

        /** The answer: inputs skipped as they were found, then those stored, in request order. */
        MultiInputResponse answer(List<InputStore.NewInput> stored, List<Input> skipped) {
            MultiInputResponse.Builder response = MultiInputResponse.newBuilder();
            skipped.forEach(existing -> response.addInputs(wire.toWire(app, existing)));
            for (InputStore.NewInput created : stored) {
                Input input = created.input();
                response.addInputs(dev.annotask.proto.api.Input.newBuilder()
                        .setId(input.id())
                        .setData(wire.data(app, input, dataByJson.get(input.dataJson())))
                        .setCreatedAt(now)
                        .setModifiedAt(now)
                        .setStatus(input.status() == StatusCode.INPUT_DOWNLOAD_PENDING_VALUE ? pending : success)
                        .addAllDatasetIds(created.datasetIds()));
            }
            return response.build();
        }
    }
}
