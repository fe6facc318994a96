package dev.annotask.dataset;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.input.InputStore;
import dev.annotask.input.InputWire;
import dev.annotask.input.InputsJoined;
import dev.annotask.proto.api.DatasetInput;
import dev.annotask.proto.api.DeleteDatasetInputsRequest;
import dev.annotask.proto.api.DeleteDatasetsRequest;
import dev.annotask.proto.api.GetDatasetRequest;
import dev.annotask.proto.api.ListDatasetInputsRequest;
import dev.annotask.proto.api.ListDatasetsRequest;
import dev.annotask.proto.api.MultiDatasetInputResponse;
import dev.annotask.proto.api.MultiDatasetResponse;
import dev.annotask.proto.api.PostDatasetInputsRequest;
import dev.annotask.proto.api.PostDatasetsRequest;
import dev.annotask.proto.api.SingleDatasetResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.search.SearchMembership;
import dev.annotask.store.Json;
import org.jdbi.v3.core.Handle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * PostDatasets, ListDatasets, GetDataset, DeleteDatasets, PostDatasetInputs (by ids or by a
 * search), ListDatasetInputs and DeleteDatasetInputs. Deleting a dataset keeps its inputs.
 * Thread-safe.
 */
public final class DatasetRpcs {
    private static final int MAX_BATCH = 128;
    private static final int MAX_INPUT_BATCH = 1000;

    private final DatasetStore datasets;
    private final InputStore inputs;
    private final Clock clock;
    private final InputsJoined joined;
    private final InputWire wire;
    private final SearchMembership searches;

    public DatasetRpcs(DatasetStore datasets, InputStore inputs, Clock clock, InputsJoined joined, InputWire wire,
                       SearchMembership searches) {
        this.searches = searches;
        this.datasets = datasets;
        this.inputs = inputs;
        this.clock = clock;
        this.joined = joined;
        this.wire = wire;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostDatasets", PostDatasetsRequest.class, this::postDatasets);
        registry.reads("ListDatasets", ListDatasetsRequest.class, this::listDatasets);
        registry.reads("GetDataset", GetDatasetRequest.class, this::getDataset);
        registry.writes("DeleteDatasets", DeleteDatasetsRequest.class, this::deleteDatasets);
        registry.writes("PostDatasetInputs", PostDatasetInputsRequest.class, this::postDatasetInputs);
        registry.reads("ListDatasetInputs", ListDatasetInputsRequest.class, this::listDatasetInputs);
        registry.writes("DeleteDatasetInputs", DeleteDatasetInputsRequest.class, this::deleteDatasetInputs);
    }

    MultiDatasetResponse postDatasets(Handle handle, Caller caller, PostDatasetsRequest request) {
        Validation.requireBatch("datasets", request.getDatasetsCount(), MAX_BATCH);
        long now = clock.millis();
        List<Dataset> created = new ArrayList<>();
        for (int i = 0; i < request.getDatasetsCount(); i++) {
            dev.annotask.proto.api.Dataset wire = request.getDatasets(i);
            String id = Validation.requireId("datasets[" + i + "].id", wire.getId());
            created.add(new Dataset(caller.app().uid(), id, wire.getDescription(), wire.getNotes(),
                    wire.hasMetadata() ? Json.writeStruct(wire.getMetadata()) : null, now, now));
        }
        Validation.requireUniqueNewIds("datasets[].id", created.stream().map(Dataset::id).toList());
        List<String> taken = datasets.insertAll(handle, caller.app().uid(), created);
        if (!taken.isEmpty()) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "dataset id already exists: " + String.join(", ", taken));
        }
        return MultiDatasetResponse.newBuilder().addAllDatasets(created.stream().map(d -> toWire(caller, d)).toList())
                .build();
    }

    MultiDatasetResponse listDatasets(Handle handle, Caller caller, ListDatasetsRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        return MultiDatasetResponse.newBuilder().addAllDatasets(datasets.list(handle, caller.app().uid(), page.offset(),
                page.limit()).stream().map(d -> toWire(caller, d)).toList()).build();
    }

    SingleDatasetResponse getDataset(Handle handle, Caller caller, GetDatasetRequest request) {
        return SingleDatasetResponse.newBuilder().setDataset(toWire(caller, find(handle, caller, request.getDatasetId()))).build();
    }

    BaseResponse deleteDatasets(Handle handle, Caller caller, DeleteDatasetsRequest request) {
        Validation.requireBatch("dataset_ids", request.getDatasetIdsCount(), MAX_INPUT_BATCH);
        List<String> missing = datasets.deleteAll(handle, caller.app().uid(), request.getDatasetIdsList());
        if (!missing.isEmpty()) {
            throw ApiException.notFound("dataset not found: " + String.join(", ", missing));
        }
        joined.datasetsDeleted(handle, caller.app().uid(), request.getDatasetIdsList()); // negated dataset filters
        return BaseResponse.getDefaultInstance();
    }

    MultiDatasetInputResponse postDatasetInputs(Handle handle, Caller caller, PostDatasetInputsRequest request) {
        Dataset dataset = find(handle, caller, request.getDatasetId());
        List<String> inputIds = request.hasSearch() ? searchMatches(handle, caller, dataset, request)
                : listedInputs(handle, caller, request);
        long now = clock.millis();
        datasets.addInputs(handle, caller.app().uid(), dataset.id(), inputIds.stream().distinct().toList(), now);
        joined.react(handle, caller.app().uid(), List.of(dataset.id()));
        joined.changed(handle, caller.app().uid(), inputIds);
        MultiDatasetInputResponse.Builder response = MultiDatasetInputResponse.newBuilder();
        for (String inputId : inputIds.stream().distinct().toList()) {
            inputs.find(handle, caller.app().uid(), inputId).ifPresent(input -> response.addDatasetInputs(DatasetInput.newBuilder()
                    .setInput(wire.toWire(caller.app(), input)).setCreatedAt(Timestamps.fromMillis(now))));
        }
        return response.build();
    }

    private List<String> listedInputs(Handle handle, Caller caller, PostDatasetInputsRequest request) {
        Validation.requireBatch("dataset_inputs", request.getDatasetInputsCount(), MAX_INPUT_BATCH);
        List<String> inputIds = request.getDatasetInputsList().stream().map(d -> d.getInput().getId()).toList();
        Set<String> known = InputStore.existing(handle, caller.app().uid(), inputIds);
        List<String> missing = inputIds.stream().filter(id -> !known.contains(id)).distinct().toList();
        if (!missing.isEmpty()) {
            throw new ApiException(StatusCode.INPUT_DOES_NOT_EXIST, "input not found: " + String.join(", ", missing));
        }
        return inputIds;
    }

    /**
     * The inputs a search matches that are not in the dataset yet, all of them or none: at most
     * as many as {@code dataset_inputs} may list (docs/COMPATIBILITY.md, "Searches").
     */
    private List<String> searchMatches(Handle handle, Caller caller, Dataset dataset, PostDatasetInputsRequest request) {
        if (request.getDatasetInputsCount() > 0) {
            throw ApiException.invalid("give dataset_inputs or search, not both");
        }
        List<String> matched = searches.matchingOutside(handle, caller.app().uid(), request.getSearch(), dataset.id(),
                MAX_INPUT_BATCH);
        if (matched.size() > MAX_INPUT_BATCH) {
            throw new ApiException(StatusCode.SEARCH_INVALID_REQUEST, "search: it matches more than " + MAX_INPUT_BATCH
                    + " inputs not in the dataset; narrow it (for example by time range) and add them in parts");
        }
        return matched;
    }

    MultiDatasetInputResponse listDatasetInputs(Handle handle, Caller caller, ListDatasetInputsRequest request) {
        Dataset dataset = find(handle, caller, request.getDatasetId());
        Page page = Page.of(request.getPage(), request.getPerPage());
        MultiDatasetInputResponse.Builder response = MultiDatasetInputResponse.newBuilder();
        for (DatasetStore.Member member : datasets.members(handle, caller.app().uid(), dataset.id(), page.offset(), page.limit())) {
            inputs.find(handle, caller.app().uid(), member.inputId()).ifPresent(input -> response.addDatasetInputs(
                    DatasetInput.newBuilder().setInput(wire.toWire(caller.app(), input))
                            .setCreatedAt(Timestamps.fromMillis(member.addedAt()))));
        }
        return response.build();
    }

    BaseResponse deleteDatasetInputs(Handle handle, Caller caller, DeleteDatasetInputsRequest request) {
        Dataset dataset = find(handle, caller, request.getDatasetId());
        Validation.requireBatch("input_ids", request.getInputIdsCount(), MAX_INPUT_BATCH);
        datasets.removeInputs(handle, caller.app().uid(), dataset.id(), request.getInputIdsList());
        joined.changed(handle, caller.app().uid(), request.getInputIdsList()); // a negated dataset filter may match now
        return BaseResponse.getDefaultInstance();
    }

    private Dataset find(Handle handle, Caller caller, String id) {
        return datasets.find(handle, caller.app().uid(), id).orElseThrow(() -> ApiException.notFound("dataset '" + id + "' not found"));
    }

    private static dev.annotask.proto.api.Dataset toWire(Caller caller, Dataset dataset) {
        dev.annotask.proto.api.Dataset.Builder wire = dev.annotask.proto.api.Dataset.newBuilder()
                .setId(dataset.id())
                .setAppId(caller.app().id())
                .setUserId(caller.app().ownerId())
                .setDescription(dataset.description())
                .setNotes(dataset.notes())
                .setCreatedAt(Timestamps.fromMillis(dataset.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(dataset.modifiedAt()));
        if (dataset.metadataJson() != null) {
            wire.setMetadata(Json.readStruct(dataset.metadataJson()));
        }
        return wire.build();
    }
}
