package dev.annotask.search;

import com.google.protobuf.Value;
import java.util.Map;

/**
 * {@link JsonSql} on SQLite's JSON functions. SQLite has no containment operator, so
 * containment is spelled out as SQL that follows the pattern: an object is one test per key on
 * the document's member at that path, an array is one {@code EXISTS} over the document's
 * elements per element of the pattern, a scalar is a test of type and value (numbers compare as
 * numbers, so 1 and 1.0 are equal, as in JSONB). JSON paths are bound like every other value.
 * Not thread-safe: one per compilation (it numbers the element aliases it makes).
 */
final class SqliteJson implements JsonSql {
    private int aliases;

    /** A place in a document: where its type and value are read and its elements listed. */
    private interface Node {
        String type();

        String atom();

        /** The arguments of {@code json_each} over this node's elements. */
        String elements(SqlParams params);

        Node member(String key, SqlParams params);
    }

    /** The member of a JSON text at a path (bound once, read by name). */
    private record PathNode(String json, String path, String pathParam) implements Node {
        static PathNode of(String json, String path, SqlParams params) {
            return new PathNode(json, path, params.add(path));
        }

        public String type() {
            return "json_type(" + json + ", " + pathParam + ")";
        }

        public String atom() {
            return "json_extract(" + json + ", " + pathParam + ")";
        }

        public String elements(SqlParams params) {
            return json + ", " + pathParam;
        }

        public Node member(String key, SqlParams params) {
            return of(json, path + ".\"" + key + "\"", params);
        }
    }

    /**
     * An element {@code json_each} listed. Its {@code value} is JSON text only for objects and
     * arrays, so reading into it goes through a guard that gives any other element the text
     * {@code null}: SQLite may evaluate the terms of a condition in any order, and reading a
     * plain string as JSON would fail the statement.
     */
    private record ElementNode(String alias) implements Node {
        public String type() {
            return alias + ".type";
        }

        public String atom() {
            return alias + ".value";
        }

        private String guarded() {
            return "(CASE WHEN " + alias + ".type IN ('object', 'array') THEN " + alias + ".value ELSE 'null' END)";
        }

        public String elements(SqlParams params) {
            return guarded();
        }

        public Node member(String key, SqlParams params) {
            return PathNode.of(guarded(), "$.\"" + key + "\"", params);
        }
    }

    @Override
    public String hasMember(String dataColumn, String member) {
        return "json_type(" + dataColumn + ", '$." + member + "') IS NOT NULL";
    }

    @Override
    public String metadataContains(String dataColumn, String key, Value value, SqlParams params) {
        Node metadata = PathNode.of(dataColumn, "$.metadata", params);
        return "(" + metadata.type() + " = 'object' AND " + contains(metadata.member(key, params), value, params) + ")";
    }

    private String contains(Node node, Value pattern, SqlParams params) {
        return switch (pattern.getKindCase()) {
            case STRUCT_VALUE -> {
                StringBuilder sql = new StringBuilder("(" + node.type() + " = 'object'");
                for (Map.Entry<String, Value> field : pattern.getStructValue().getFieldsMap().entrySet()) {
                    sql.append(" AND ").append(contains(node.member(field.getKey(), params), field.getValue(), params));
                }
                yield sql.append(')').toString();
            }
            case LIST_VALUE -> {
                StringBuilder sql = new StringBuilder("(" + node.type() + " = 'array'");
                for (Value element : pattern.getListValue().getValuesList()) {
                    String alias = "e" + aliases++;
                    sql.append(" AND EXISTS (SELECT 1 FROM json_each(").append(node.elements(params)).append(") ")
                            .append(alias).append(" WHERE ").append(contains(new ElementNode(alias), element, params))
                            .append(')');
                }
                yield sql.append(')').toString();
            }
            case STRING_VALUE -> "(" + node.type() + " = 'text' AND " + node.atom() + " = "
                    + params.add(pattern.getStringValue()) + ")";
            case NUMBER_VALUE -> "(" + node.type() + " IN ('integer', 'real') AND " + node.atom() + " = "
                    + params.add(pattern.getNumberValue()) + ")";
            case BOOL_VALUE -> node.type() + " = '" + pattern.getBoolValue() + "'";
            case NULL_VALUE, KIND_NOT_SET -> node.type() + " = 'null'";
        };
    }

    @Override
    public String hasConcept(String dataColumn, ConceptTerm concept, SqlParams params) {
        String which = "json_extract(c.value, '$." + (concept.byId() ? "id" : "name") + "') = " + params.add(concept.key());
        String value = "COALESCE(json_extract(c.value, '$.value'), 0) " + (concept.present() ? "> 0" : "<= 0");
        return "(EXISTS (SELECT 1 FROM json_each(" + dataColumn + ", '$.concepts') c WHERE " + which + " AND " + value
                + ") OR EXISTS (SELECT 1 FROM json_each(" + dataColumn + ", '$.regions') r, json_each(r.value, "
                + "'$.data.concepts') c WHERE " + which + " AND " + value + "))";
    }
}
