package dev.annotask.search;

import com.google.protobuf.Value;

/**
 * The tests a query makes on stored JSON ({@code data} of inputs and annotations), in one
 * database's SQL. Both implementations answer the same for every document and pattern (the
 * search table test runs every case on both): PostgreSQL with its JSONB operators, SQLite with
 * its JSON functions.
 */
interface JsonSql {
    /** True when the data has the member (an input's {@code image}, {@code video}, …), even empty. */
    String hasMember(String dataColumn, String member);

    /**
     * True when the data's metadata contains {@code {key: value}} as PostgreSQL's {@code @>}
     * defines containment: objects by key, recursively; arrays when every element of the
     * pattern's is contained in some element of the document's; scalars by equal value.
     */
    String metadataContains(String dataColumn, String key, Value value, SqlParams params);

    /**
     * True when the data lists the concept, at its top level or in one of its regions, with a
     * value above 0 ({@code present}) or not (a missing value counts as 0).
     */
    String hasConcept(String dataColumn, ConceptTerm concept, SqlParams params);

    static JsonSql of(boolean postgres) {
        return postgres ? new PostgresJson() : new SqliteJson();
    }
}
