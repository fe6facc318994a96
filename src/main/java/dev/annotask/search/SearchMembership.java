package dev.annotask.search;

import dev.annotask.api.ApiException;
import dev.annotask.proto.api.Search;
import dev.annotask.store.SqlDialect;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The inputs of saved searches that tasks take their inputs from (docs/ARCHITECTURE.md, "Saved
 * searches as task sources"). The first task naming a search makes it tracked and adds every
 * input it matches then to {@code search_inputs}; from then on every change that can make an
 * input match (an input created or patched, an annotation written or deleted, a dataset
 * membership changed) re-evaluates the search on those inputs only, in the change's
 * transaction, and adds those that now match after the members so far: the tasks' scans read
 * that table as they read a dataset's members, so new matches join the tasks. Membership only
 * grows: an input that stops matching stays (its work may be under way), as a labeling task
 * would want. Thread-safe.
 */
public final class SearchMembership {
    private final SearchStore searches;
    private final Clock clock;

    private SearchMembership(SearchStore searches, Clock clock) {
        this.searches = searches;
        this.clock = clock;
    }

    public static SearchMembership create(Clock clock) {
        return new SearchMembership(new SearchStore(), clock);
    }

    /**
     * Makes the saved search a task's input source: tracked, with its current matches as
     * members (once; later calls find it tracked). Refused (11102 naming the field) when the app
     * has no such search.
     */
    public void track(Handle handle, String appUid, String searchId, String field) {
        SavedSearch search = searches.find(handle, appUid, searchId).orElseThrow(() -> ApiException.invalid(
                field + ": saved search '" + searchId + "' does not exist in the app"));
        if (!searches.lockAndTrack(handle, appUid, searchId)) {
            CompiledQuery query = compile(handle, search);
            searches.addMatching(handle, appUid, searchId, query.inputCondition(), query.params(), clock.millis());
        }
    }

    /**
     * Re-evaluates the app's tracked searches on these inputs, which a change in the handle's
     * transaction may have made match, and adds those that match now; answers the ids of the
     * searches that gained inputs (their tasks may have to reopen). One indexed lookup when the
     * app tracks no search.
     */
    public List<String> refresh(Handle handle, String appUid, Collection<String> inputIds) {
        if (inputIds.isEmpty()) {
            return List.of();
        }
        List<SavedSearch> tracked = searches.tracked(handle, appUid);
        List<String> grown = new ArrayList<>();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(inputIds));
        for (SavedSearch search : tracked) {
            CompiledQuery query = compile(handle, search);
            // In slices, so that no statement binds more values than a driver takes.
            for (int from = 0; from < ids.size(); from += 500) {
                List<String> slice = ids.subList(from, Math.min(ids.size(), from + 500));
                Map<String, Object> params = new HashMap<>(query.params());
                String condition = SearchRunner.among(query, slice, params);
                if (!searches.hasNewMatches(handle, appUid, search.id(), condition, params)) {
                    continue;
                }
                searches.lockAndTrack(handle, appUid, search.id());
                if (searches.addMatching(handle, appUid, search.id(), condition, params, clock.millis()) > 0
                        && !grown.contains(search.id())) {
                    grown.add(search.id());
                }
            }
        }
        return grown;
    }

    /**
     * Re-evaluates, on every input of the app, the tracked searches whose filters name one of
     * these datasets (just deleted: an input that left them may match a negated filter now), and
     * adds what matches; answers the ids of the searches that gained inputs. One statement per
     * such search, set-based: the inputs that left are never listed.
     */
    public List<String> refreshNaming(Handle handle, String appUid, Collection<String> datasetIds) {
        List<String> grown = new ArrayList<>();
        for (SavedSearch search : searches.tracked(handle, appUid)) {
            boolean names = search.spec().getQuery().getFiltersList().stream()
                    .anyMatch(f -> f.getInput().getDatasetIdsList().stream().anyMatch(datasetIds::contains));
            if (!names) {
                continue;
            }
            CompiledQuery query = compile(handle, search);
            searches.lockAndTrack(handle, appUid, search.id());
            if (searches.addMatching(handle, appUid, search.id(), query.inputCondition(), query.params(), clock.millis()) > 0) {
                grown.add(search.id());
            }
        }
        return grown;
    }

    /**
     * The ids of the inputs a search matches that are not in the dataset yet (PostDatasetInputs
     * with {@code search}): the search's query, or the saved search its id names. At most
     * {@code limit} + 1, so the caller can refuse more than it takes.
     */
    public List<String> matchingOutside(Handle handle, String appUid, Search search, String datasetId, int limit) {
        CompiledQuery query;
        if (search.hasQuery()) {
            query = QueryCompiler.compile("search.query", search.getQuery(), SearchKind.INPUTS, SqlDialect.locksRows(handle));
        } else if (!search.getId().isEmpty()) {
            query = compile(handle, searches.find(handle, appUid, search.getId()).orElseThrow(() -> ApiException.notFound(
                    "saved search '" + search.getId() + "' not found")));
        } else {
            throw QueryCompiler.invalid("search: give a query, or the id of a saved search");
        }
        return SearchRunner.inputsOutside(handle, appUid, datasetId, query, limit + 1);
    }

    /** A saved search's query, compiled for the handle's database (PostgreSQL is the one that locks rows). */
    private static CompiledQuery compile(Handle handle, SavedSearch search) {
        return QueryCompiler.compile("query", search.spec().getQuery(), search.kind(), SqlDialect.locksRows(handle));
    }
}
