package dev.annotask.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What the copy needs to know about the migrated PostgreSQL schema, read from its catalog: the
 * tables (Flyway's own history excluded), their columns with types, the foreign keys between
 * them, and which columns draw from a sequence (BIGSERIAL or identity). Read once; immutable.
 */
final class PostgresSchema {
    static final String FLYWAY_HISTORY = "flyway_schema_history";

    /** A column and its PostgreSQL type name ({@code information_schema.columns.data_type}). */
    record Column(String name, String type) {
    }

    private final Map<String, List<Column>> columnsByTable;
    private final List<ForeignKeyOrder.Reference> references;

    private PostgresSchema(Map<String, List<Column>> columnsByTable, List<ForeignKeyOrder.Reference> references) {
        this.columnsByTable = columnsByTable;
        this.references = references;
    }

    static PostgresSchema read(Handle handle) {
        Map<String, List<Column>> columns = new LinkedHashMap<>();
        handle.createQuery("""
                        SELECT c.table_name, c.column_name, c.data_type
                        FROM information_schema.columns c
                        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                          AND c.table_name <> :flyway
                        ORDER BY c.table_name, c.ordinal_position""")
                .bind("flyway", FLYWAY_HISTORY)
                .map((rs, ctx) -> Map.entry(rs.getString(1), new Column(rs.getString(2), rs.getString(3))))
                .forEach(e -> columns.computeIfAbsent(e.getKey(), t -> new ArrayList<>()).add(e.getValue()));
        List<ForeignKeyOrder.Reference> references = handle.createQuery("""
                        SELECT child.relname AS child, parent.relname AS parent
                        FROM pg_constraint k
                        JOIN pg_class child ON child.oid = k.conrelid
                        JOIN pg_class parent ON parent.oid = k.confrelid
                        JOIN pg_namespace n ON n.oid = k.connamespace
                        WHERE k.contype = 'f' AND n.nspname = current_schema()""")
                .map((rs, ctx) -> new ForeignKeyOrder.Reference(rs.getString("child"), rs.getString("parent")))
                .list();
        return new PostgresSchema(columns, references);
    }

    List<String> tables() {
        return List.copyOf(columnsByTable.keySet());
    }

    List<Column> columns(String table) {
        return columnsByTable.get(table);
    }

    /** The tables, parents before children. */
    List<String> insertOrder() {
        return ForeignKeyOrder.of(columnsByTable.keySet(), references);
    }

    /** The sequence behind the column, if it draws its default from one. */
    static Optional<String> sequenceOf(Handle handle, String table, String column) {
        return handle.createQuery("SELECT pg_get_serial_sequence(:table, :column) AS s")
                .bind("table", table).bind("column", column)
                .mapTo(String.class).findOne();
    }
}
