package dev.annotask.search;

import dev.annotask.proto.api.Search;

/**
 * A saved search of an app.
 *
 * @param spec the Search as saved: id, name, query, visibility, min_value (no times, no save)
 * @param tracked a task takes its inputs from it, so its matches are kept in {@code search_inputs}
 */
public record SavedSearch(String appUid, String id, SearchKind kind, Search spec, boolean tracked, long createdAt,
                   long modifiedAt) {
}
