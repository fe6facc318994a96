package dev.annotask.migrate;

import dev.annotask.store.Database;
import dev.annotask.store.SqlDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.sqlite.SQLiteConfig;

/**
 * Copies an Annotask SQLite database into an empty PostgreSQL database: the way from one node
 * to several (docs/DEPLOYMENT.md).
 *
 * <p>Both sides are first brought to this version's schema, as {@code serve} would. Then, in
 * one PostgreSQL transaction, every table is copied row for row, parents before children (the
 * foreign keys read from PostgreSQL's catalog), ids and {@code seq} values as they are; each
 * sequence then continues after the highest value SQLite ever gave out ({@code sqlite_sequence}
 * remembers deleted rows too, and a labeler's scan position may point past the last input that
 * still exists). Tables kept by triggers ({@code task_status_counts}) are copied too, with the
 * triggers off during the copy so the copied rows are not counted twice. SQLite is read in one read transaction, a consistent snapshot, and never
 * written after its migration. A target holding any row is refused, and a failure midway
 * rolls everything back, so the target is either a full copy or untouched. Not thread-safe;
 * one run at a time.
 */
public final class SqliteToPostgres {
    private static final int BATCH = 500;

    /** How many rows one table had. */
    public record TableCopy(String table, long rows) {
    }

    private SqliteToPostgres() {
    }

    public static List<TableCopy> copy(Path sqliteFile, String postgresUrl, String user, String password) {
        if (!Files.isRegularFile(sqliteFile)) {
            throw new MigrationRefused("no Annotask SQLite database at " + sqliteFile);
        }
        if (postgresUrl == null || SqlDialect.fromUrl(postgresUrl) != SqlDialect.POSTGRESQL) {
            throw new MigrationRefused("the target must be a jdbc:postgresql: URL (--db)");
        }
        Database.open(SqlDialect.sqliteUrl(sqliteFile), null, null, 2).close();
        try (Database target = Database.open(postgresUrl, user, password, 2);
             Connection source = openSnapshot(sqliteFile)) {
            return target.jdbi().inTransaction(handle -> copyAll(source, handle));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the SQLite database failed: " + e.getMessage(), e);
        }
    }

    /** A read-only connection whose every read sees the database as it was at the first one. */
    private static Connection openSnapshot(Path sqliteFile) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        Connection connection = config.createConnection("jdbc:sqlite:" + sqliteFile.toAbsolutePath());
        connection.setAutoCommit(false);
        return connection;
    }

    private static List<TableCopy> copyAll(Connection source, Handle target) throws SQLException {
        PostgresSchema schema = PostgresSchema.read(target);
        requireSameTables(source, schema);
        for (String table : schema.tables()) {
            if (target.createQuery("SELECT 1 FROM " + quoted(table) + " LIMIT 1").mapTo(Integer.class).findOne()
                    .isPresent()) {
                throw new MigrationRefused("the target database is not empty (table " + table + " has rows): "
                        + "migrate-db copies into an empty database only. Use a new database, and do not start "
                        + "serve on it before migrating (serve creates the admin user)");
            }
        }
        // Triggers derive rows (task_status_counts from assignments and annotations); the derived
        // rows are copied like any other, so the triggers must not count the copied rows again.
        // Switched off for this transaction only: a failure rolls this back with the rest.
        setUserTriggers(target, schema, false);
        List<TableCopy> copied = new ArrayList<>();
        for (String table : schema.insertOrder()) {
            copied.add(new TableCopy(table, copyTable(source, target.getConnection(), table, schema.columns(table))));
        }
        setUserTriggers(target, schema, true);
        continueSequences(source, target, schema);
        return copied;
    }

    /** Switches the tables' own triggers (not those behind foreign keys) off or on; needs the tables' owner. */
    private static void setUserTriggers(Handle target, PostgresSchema schema, boolean enabled) {
        for (String table : schema.tables()) {
            target.execute("ALTER TABLE " + quoted(table) + (enabled ? " ENABLE" : " DISABLE") + " TRIGGER USER");
        }
    }

    private static void requireSameTables(Connection source, PostgresSchema schema) throws SQLException {
        Set<String> sqliteTables = new LinkedHashSet<>();
        try (Statement statement = source.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                     + " AND name NOT LIKE 'sqlite_%' AND name <> '" + PostgresSchema.FLYWAY_HISTORY + "'")) {
            while (rows.next()) {
                sqliteTables.add(rows.getString(1));
            }
        }
        if (!sqliteTables.equals(Set.copyOf(schema.tables()))) {
            throw new MigrationRefused("the two schemas differ: SQLite has " + sqliteTables + ", PostgreSQL has "
                    + schema.tables());
        }
        for (String table : schema.tables()) {
            Set<String> sqliteColumns = new LinkedHashSet<>();
            try (Statement statement = source.createStatement();
                 ResultSet rows = statement.executeQuery("PRAGMA table_info(" + quoted(table) + ")")) {
                while (rows.next()) {
                    sqliteColumns.add(rows.getString("name"));
                }
            }
            Set<String> postgresColumns = schema.columns(table).stream().map(PostgresSchema.Column::name)
                    .collect(Collectors.toSet());
            if (!sqliteColumns.equals(postgresColumns)) {
                throw new MigrationRefused("table " + table + " differs: SQLite has columns " + sqliteColumns
                        + ", PostgreSQL has " + postgresColumns);
            }
        }
    }

    private static long copyTable(Connection source, Connection target, String table,
                                  List<PostgresSchema.Column> columns) throws SQLException {
        String names = columns.stream().map(c -> quoted(c.name())).collect(Collectors.joining(", "));
        String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        long rows = 0;
        try (Statement read = source.createStatement();
             ResultSet row = read.executeQuery("SELECT " + names + " FROM " + quoted(table));
             PreparedStatement insert = target.prepareStatement("INSERT INTO " + quoted(table) + " (" + names
                     + ") VALUES (" + marks + ")")) {
            while (row.next()) {
                for (int i = 1; i <= columns.size(); i++) {
                    bind(insert, i, row, columns.get(i - 1).type());
                }
                insert.addBatch();
                if (++rows % BATCH == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        return rows;
    }

    /**
     * One value, converted by the PostgreSQL column's type: SQLite keeps booleans as 0/1 and
     * JSON as text, which PostgreSQL would not take as they are (strings bind as "unspecified",
     * so JSON text lands in JSONB columns as the server's own writes do).
     */
    private static void bind(PreparedStatement insert, int i, ResultSet row, String type) throws SQLException {
        if (row.getObject(i) == null) {
            insert.setNull(i, Types.OTHER);
            return;
        }
        switch (type) {
            case "boolean" -> insert.setBoolean(i, row.getBoolean(i));
            case "bigint" -> insert.setLong(i, row.getLong(i));
            case "integer", "smallint" -> insert.setInt(i, row.getInt(i));
            case "bytea" -> insert.setBytes(i, row.getBytes(i));
            default -> insert.setString(i, row.getString(i));
        }
    }

    /** Sets each sequence to continue after the highest value SQLite ever handed out. */
    private static void continueSequences(Connection source, Handle target, PostgresSchema schema) throws SQLException {
        Map<String, Long> sqliteHighWater = new HashMap<>();
        // sqlite_sequence exists once a table with AUTOINCREMENT does, which every schema here has.
        try (Statement statement = source.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name, seq FROM sqlite_sequence")) {
            while (rows.next()) {
                sqliteHighWater.put(rows.getString(1), rows.getLong(2));
            }
        }
        for (String table : schema.tables()) {
            for (PostgresSchema.Column column : schema.columns(table)) {
                if (!column.type().equals("bigint") && !column.type().equals("integer")) {
                    continue;
                }
                PostgresSchema.sequenceOf(target, table, column.name()).ifPresent(sequence -> {
                    long highest = Math.max(sqliteHighWater.getOrDefault(table, 0L), target.createQuery(
                                    "SELECT COALESCE(MAX(" + quoted(column.name()) + "), 0) AS m FROM " + quoted(table))
                            .mapTo(Long.class).one());
                    // setval(s, n, true) makes the next value n + 1; (s, 1, false) makes it 1.
                    target.createQuery("SELECT setval(:s, :n, :called)").bind("s", sequence)
                            .bind("n", Math.max(highest, 1)).bind("called", highest > 0).mapTo(Long.class).one();
                });
            }
        }
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
