package dev.annotask.search;

import java.util.Map;

/**
 * A search's query as SQL, for one database: {@code inputCondition} holds for the inputs the
 * search matches (over {@code inputs i}); {@code annotationCondition} for the annotations an
 * annotation search matches (over {@code annotations a} joined to their input {@code i}). An
 * input search's {@code annotationCondition} is null. The parameters serve both.
 */
public record CompiledQuery(SearchKind kind, String inputCondition, String annotationCondition, Map<String, Object> params) {
}
