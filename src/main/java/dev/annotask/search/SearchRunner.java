package dev.annotask.search;

import dev.annotask.api.Page;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Runs compiled queries: a page of the matching inputs or annotations (ids, in arrival order),
 * their number, and which of some inputs match. Every statement is bound to the caller's app,
 * and every table a query reads is joined on it, so no other app's rows can match. Stateless.
 */
public final class SearchRunner {
    private static final String ANNOTATIONS = " FROM annotations a JOIN inputs i ON i.app_uid = a.app_uid"
            + " AND i.id = a.input_id WHERE a.app_uid = :app AND ";

    private SearchRunner() {
    }

    /** One page of the ids of what the query matches: inputs or annotations by its kind, oldest first. */
    public static List<String> page(Handle handle, String appUid, CompiledQuery query, Page page) {
        String sql = query.kind() == SearchKind.ANNOTATIONS
                ? "SELECT a.id" + ANNOTATIONS + query.annotationCondition() + " ORDER BY a.app_uid, a.seq"
                : "SELECT i.id FROM inputs i WHERE i.app_uid = :app AND " + query.inputCondition()
                        + " ORDER BY i.app_uid, i.seq";
        return handle.createQuery(sql + " LIMIT :limit OFFSET :offset").bindMap(query.params()).bind("app", appUid)
                .bind("limit", page.limit()).bind("offset", page.offset()).mapTo(String.class).list();
    }

    /** How many inputs or annotations the query matches. */
    public static long count(Handle handle, String appUid, CompiledQuery query) {
        String sql = query.kind() == SearchKind.ANNOTATIONS
                ? "SELECT COUNT(*)" + ANNOTATIONS + query.annotationCondition()
                : "SELECT COUNT(*) FROM inputs i WHERE i.app_uid = :app AND " + query.inputCondition();
        return handle.createQuery(sql).bindMap(query.params()).bind("app", appUid).mapTo(Long.class).one();
    }

    /** The ids of the inputs the query matches that are not in the dataset, in arrival order, at most {@code limit}. */
    static List<String> inputsOutside(Handle handle, String appUid, String datasetId, CompiledQuery query, int limit) {
        return handle.createQuery("""
                        SELECT i.id FROM inputs i WHERE i.app_uid = :app AND NOT EXISTS (SELECT 1 FROM dataset_inputs d
                            WHERE d.app_uid = i.app_uid AND d.dataset_id = :dataset AND d.input_id = i.id)
                          AND\s""" + query.inputCondition() + " ORDER BY i.app_uid, i.seq LIMIT :limit")
                .bindMap(query.params()).bind("app", appUid).bind("dataset", datasetId).bind("limit", limit)
                .mapTo(String.class).list();
    }

    /** The condition over {@code inputs i} restricted to some inputs (bound as {@code :touched0…}). */
    static String among(CompiledQuery query, Collection<String> inputIds, java.util.Map<String, Object> params) {
        StringBuilder in = new StringBuilder("i.id IN (");
        int n = 0;
        for (String id : inputIds) {
            String name = "touched" + n++;
            params.put(name, id);
            in.append(n == 1 ? ":" : ", :").append(name);
        }
        return in.append(") AND ").append(query.inputCondition()).toString();
    }
}
