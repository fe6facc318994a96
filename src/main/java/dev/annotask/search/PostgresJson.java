package dev.annotask.search;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.annotask.store.Json;

/**
 * {@link JsonSql} on PostgreSQL's JSONB: containment is its own {@code @>} (over the GIN index
 * on input metadata, migration V15), concepts are read with {@code jsonb_array_elements}.
 * Stateless.
 */
final class PostgresJson implements JsonSql {
    @Override
    public String hasMember(String dataColumn, String member) {
        return "(" + dataColumn + " -> '" + member + "') IS NOT NULL";
    }

    @Override
    public String metadataContains(String dataColumn, String key, Value value, SqlParams params) {
        String pattern = Json.write(Struct.newBuilder().putFields(key, value).build());
        return "(" + dataColumn + " -> 'metadata') @> CAST(" + params.add(pattern) + " AS jsonb)";
    }

    @Override
    public String hasConcept(String dataColumn, ConceptTerm concept, SqlParams params) {
        String which = "c ->> '" + (concept.byId() ? "id" : "name") + "' = " + params.add(concept.key());
        String value = "COALESCE(CAST(c ->> 'value' AS double precision), 0) " + (concept.present() ? "> 0" : "<= 0");
        return "(EXISTS (SELECT 1 FROM jsonb_array_elements(" + dataColumn + " -> 'concepts') c WHERE " + which
                + " AND " + value + ") OR EXISTS (SELECT 1 FROM jsonb_array_elements(" + dataColumn
                + " -> 'regions') r, jsonb_array_elements(r -> 'data' -> 'concepts') c WHERE " + which + " AND "
                + value + "))";
    }
}
