package dev.annotask.search.rpc;

import dev.annotask.annotation.AnnotationStore;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.identity.Caller;
import dev.annotask.input.InputStore;
import dev.annotask.input.InputWire;
import dev.annotask.proto.api.DeleteSearchRequest;
import dev.annotask.proto.api.GetSearchRequest;
import dev.annotask.proto.api.HitCount;
import dev.annotask.proto.api.ListSearchesRequest;
import dev.annotask.proto.api.MultiSearchResponse;
import dev.annotask.proto.api.Pagination;
import dev.annotask.proto.api.PostAnnotationsSearchesRequest;
import dev.annotask.proto.api.PostInputsSearchesRequest;
import dev.annotask.proto.api.PostSearchesByIDRequest;
import dev.annotask.proto.api.PostSearchesRequest;
import dev.annotask.proto.api.Search;
import dev.annotask.proto.api.SingleSearchResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.search.CompiledQuery;
import dev.annotask.search.QueryCompiler;
import dev.annotask.search.SavedSearch;
import dev.annotask.search.SearchKind;
import dev.annotask.search.SearchRunner;
import dev.annotask.search.SearchStore;
import dev.annotask.store.Ids;
import dev.annotask.store.SqlDialect;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * PostInputsSearches, PostAnnotationsSearches, PostSearches (legacy), PostSearchesByID,
 * ListSearches, GetSearch and DeleteSearch (docs/COMPATIBILITY.md, "Searches"). A search with
 * {@code save} is saved and not run, as in Clarifai; the others run, one per request (several
 * with {@code only_count}). A search call that saves nothing runs in a read transaction.
 * Thread-safe.
 */
public final class SearchRpcs {
    private final SearchStore searches = new SearchStore();
    private final SearchWire wire;
    private final Clock clock;

    public SearchRpcs(InputStore inputs, AnnotationStore annotations, InputWire inputWire, Clock clock) {
        this.wire = new SearchWire(inputs, annotations, inputWire);
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.writesUnlessRead("PostInputsSearches", PostInputsSearchesRequest.class,
                (h, c, r) -> inputsSearches(h, c, r, false), (h, c, r) -> inputsSearches(h, c, r, true));
        registry.writesUnlessRead("PostAnnotationsSearches", PostAnnotationsSearchesRequest.class,
                (h, c, r) -> run(h, c, SearchKind.ANNOTATIONS, r.getSearchesList(), r.getPagination(), false, false),
                (h, c, r) -> run(h, c, SearchKind.ANNOTATIONS, r.getSearchesList(), r.getPagination(), false, true));
        registry.writesUnlessRead("PostSearches", PostSearchesRequest.class, (h, c, r) -> searches(h, c, r, false),
                (h, c, r) -> searches(h, c, r, true));
        registry.reads("PostSearchesByID", PostSearchesByIDRequest.class, this::searchesById);
        registry.reads("ListSearches", ListSearchesRequest.class, this::listSearches);
        registry.reads("GetSearch", GetSearchRequest.class, this::getSearch);
        registry.writes("DeleteSearch", DeleteSearchRequest.class, this::deleteSearch);
    }

    private MultiSearchResponse inputsSearches(Handle handle, Caller caller, PostInputsSearchesRequest request,
                                               boolean writing) {
        return run(handle, caller, SearchKind.INPUTS, request.getSearchesList(), request.getPagination(),
                request.getOnlyCount(), writing);
    }

    /** The legacy call: its deprecated top-level {@code query} runs as one more search, never saved. */
    private MultiSearchResponse searches(Handle handle, Caller caller, PostSearchesRequest request, boolean writing) {
        List<Search> all = new ArrayList<>(request.getSearchesList());
        if (request.hasQuery()) {
            all.add(Search.newBuilder().setQuery(request.getQuery()).build());
        }
        return run(handle, caller, SearchKind.INPUTS, all, request.getPagination(), false, writing);
    }

    /**
     * Saves the searches marked {@code save} and runs the others; null (so the write runs
     * instead) when called to read and something is to be saved. Every query is checked before
     * anything is saved or run.
     */
    private MultiSearchResponse run(Handle handle, Caller caller, SearchKind kind, List<Search> given,
                                    Pagination pagination, boolean onlyCount, boolean writing) {
        if (given.isEmpty()) {
            throw QueryCompiler.invalid("searches is required: give one search");
        }
        Validation.requireBatch("searches", given.size(), 128);
        if (!writing && given.stream().anyMatch(Search::getSave)) {
            return null;
        }
        boolean postgres = SqlDialect.locksRows(handle);
        List<CompiledQuery> compiled = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            compiled.add(QueryCompiler.compile("searches[" + i + "].query", given.get(i).getQuery(), kind, postgres));
        }
        List<Integer> runs = new ArrayList<>();
        MultiSearchResponse.Builder response = MultiSearchResponse.newBuilder();
        for (int i = 0; i < given.size(); i++) {
            Search search = given.get(i);
            if (search.getSave()) {
                SavedSearch saved = save(handle, caller, kind, "searches[" + i + "]", search);
                response.addSearches(SearchWire.toWire(caller.app(), saved));
                if (response.getId().isEmpty()) {
                    response.setId(saved.id());
                }
            } else {
                runs.add(i);
                response.addSearches(search);
            }
        }
        if (onlyCount) {
            runs.forEach(i -> response.addHitCounts(HitCount.newBuilder()
                    .setEstimatedTotal(SearchRunner.count(handle, caller.app().uid(), compiled.get(i)))));
        } else if (runs.size() > 1) {
            throw QueryCompiler.invalid("searches: one search runs per request (several with only_count);"
                    + " mark the others save to save them");
        } else if (runs.size() == 1) {
            response.addAllHits(hits(handle, caller, compiled.get(runs.get(0)), pagination));
        }
        return response.build();
    }

    private List<dev.annotask.proto.api.Hit> hits(Handle handle, Caller caller, CompiledQuery query,
                                                  Pagination pagination) {
        Page page = Page.of(pagination.getPage(), pagination.getPerPage());
        return wire.hits(handle, caller.app(), query.kind(), SearchRunner.page(handle, caller.app().uid(), query, page));
    }

    private SavedSearch save(Handle handle, Caller caller, SearchKind kind, String field, Search search) {
        String id = search.getId().isEmpty() ? Ids.newId() : Validation.requireId(field + ".id", search.getId());
        long now = clock.millis();
        Search spec = search.toBuilder().setId(id).clearSave().clearApplicationId().clearCreatedAt().clearModifiedAt()
                .build();
        SavedSearch saved = new SavedSearch(caller.app().uid(), id, kind, spec, false, now, now);
        if (!searches.insert(handle, saved)) {
            throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "saved search id already exists: " + id);
        }
        return saved;
    }

    MultiSearchResponse searchesById(Handle handle, Caller caller, PostSearchesByIDRequest request) {
        SavedSearch saved = find(handle, caller, request.getId());
        CompiledQuery query = QueryCompiler.compile("query", saved.spec().getQuery(), saved.kind(),
                SqlDialect.locksRows(handle));
        return MultiSearchResponse.newBuilder().setId(saved.id())
                .addSearches(SearchWire.toWire(caller.app(), saved))
                .addAllHits(hits(handle, caller, query, request.getPagination())).build();
    }

    MultiSearchResponse listSearches(Handle handle, Caller caller, ListSearchesRequest request) {
        Page page = Page.of(request.getPage(), request.getPerPage());
        MultiSearchResponse.Builder response = MultiSearchResponse.newBuilder();
        searches.list(handle, caller.app().uid(), page.offset(), page.limit())
                .forEach(s -> response.addSearches(SearchWire.toWire(caller.app(), s)));
        return response.build();
    }

    SingleSearchResponse getSearch(Handle handle, Caller caller, GetSearchRequest request) {
        return SingleSearchResponse.newBuilder()
                .setSearch(SearchWire.toWire(caller.app(), find(handle, caller, request.getId()))).build();
    }

    /** Refused (43005) while a task takes its inputs from the search: the task would lose its source. */
    BaseResponse deleteSearch(Handle handle, Caller caller, DeleteSearchRequest request) {
        SavedSearch saved = find(handle, caller, request.getId());
        List<String> tasks = searches.tasksUsing(handle, caller.app().uid(), saved.id());
        if (!tasks.isEmpty()) {
            throw new ApiException(StatusCode.SAVED_SEARCH_MODIFY_FAILED, "saved search '" + saved.id()
                    + "' is the input source of task(s) " + String.join(", ", tasks)
                    + ": delete them or change their input_source first");
        }
        searches.delete(handle, caller.app().uid(), saved.id());
        return BaseResponse.getDefaultInstance();
    }

    private SavedSearch find(Handle handle, Caller caller, String id) {
        if (id.isEmpty()) {
            throw ApiException.invalid("id is required");
        }
        return searches.find(handle, caller.app().uid(), id)
                .orElseThrow(() -> ApiException.notFound("saved search '" + id + "' not found"));
    }
}
