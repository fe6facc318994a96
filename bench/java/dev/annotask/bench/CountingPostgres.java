package dev.annotask.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * A benchmark's own embedded PostgreSQL that counts what the server asks of it: it loads
 * {@code pg_stat_statements} (every statement, nested ones in triggers and functions too), and
 * its databases commit with {@code synchronous_commit = on}, PostgreSQL's default (the
 * embedded server's is off), with or without fsync. Its
 * postmaster's process id lets {@link ProcessMeter} count this server's CPU alone, not that of
 * other PostgreSQL servers on a shared machine.
 */
final class CountingPostgres implements AutoCloseable {
    /**
     * Statements, committed transactions and transactions that wrote, counted so far; -1 for
     * what was not counted.
     */
    record Counts(long statements, long topLevelStatements, long commits, long writes) {
        static final Counts NONE = new Counts(-1, -1, -1, -1);

        Counts since(Counts earlier) {
            return new Counts(minus(statements, earlier.statements), minus(topLevelStatements, earlier.topLevelStatements),
                    minus(commits, earlier.commits), minus(writes, earlier.writes));
        }

        private static long minus(long now, long then) {
            return now < 0 || then < 0 ? -1 : now - then;
        }
    }

    private final EmbeddedPostgres postgres;
    private final String name;
    private int databasesMade;

    /**
     * @param autovacuum off to keep the state right after a load until something runs ANALYZE by hand
     * @param fsync on for commits that wait for the disk as in production: the embedded server
     *     starts PostgreSQL with {@code -F} (no fsync), under which {@code synchronous_commit}
     *     waits for the log's write to the OS only
     */
    CountingPostgres(String name, boolean autovacuum, boolean fsync) throws IOException {
        this.name = name;
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("pg_stat_statements.track", "all")
                .setServerConfig("autovacuum", autovacuum ? "on" : "off")
                .setServerConfig("fsync", fsync ? "on" : "off");
        // -Dbench.slowPlansMs=N logs the plan of every statement slower than N ms (auto_explain)
        // into the directory -Dbench.slowPlansDir names: the way to see which plan a slow statement
        // of pg_stat_statements' table took under load.
        String slowPlansMs = System.getProperty("bench.slowPlansMs");
        if (slowPlansMs == null) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        } else {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements,auto_explain")
                    .setServerConfig("auto_explain.log_min_duration", slowPlansMs + "ms")
                    .setServerConfig("auto_explain.log_nested_statements", "on")
                    .setServerConfig("logging_collector", "on")
                    .setServerConfig("log_directory", System.getProperty("bench.slowPlansDir", "/tmp/annotask-slow-plans"));
        }
        this.postgres = builder.start();
    }

    /** A new empty database with pg_stat_statements, committing with {@code synchronous_commit = on}; its URL. */
    String newDatabase() throws SQLException {
        String database = name + "_" + ProcessHandle.current().pid() + "_" + (++databasesMade);
        sql(postgres.getJdbcUrl("postgres", "postgres"), "CREATE DATABASE " + database);
        String url = postgres.getJdbcUrl("postgres", database);
        sql(url, "ALTER DATABASE " + database + " SET synchronous_commit = on");
        sql(url, "CREATE EXTENSION pg_stat_statements");
        return url;
    }

    /** The postmaster, parent of every PostgreSQL process of this server (read from a backend's parent). */
    long postmasterPid() throws SQLException {
        try (Connection db = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
             Statement statement = db.createStatement(); ResultSet backend = statement.executeQuery("SELECT pg_backend_pid()")) {
            backend.next();
            long pid = backend.getLong(1);
            return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                    .orElseThrow(() -> new IllegalStateException("no parent process of PostgreSQL backend " + pid));
        }
    }

    /** Forgets the statements counted so far, in every database. */
    static void resetStatements(String url) throws SQLException {
        sql(url, "SELECT pg_stat_statements_reset()");
    }

    /**
     * Statements of this database since the last reset (all, and those a client sent; BEGIN and
     * COMMIT count as statements), leaving out this class's own queries of the statistics; the
     * transactions it committed ({@code xact_commit}: every transaction, a read-only statement
     * outside one too), which PostgreSQL 14 backends report at most every 500 ms, so a span's
     * count is off by up to that much of its activity at either end; and, exactly, the
     * transactions of the whole server that wrote (each takes a transaction id when it first
     * writes: the next id to be given out counts them).
     */
    static Counts counts(String url) throws SQLException {
        try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement();
             ResultSet row = statement.executeQuery("""
                     SELECT (SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements
                             WHERE dbid = d.datid AND query NOT LIKE '%pg_stat%'),
                            (SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements
                             WHERE dbid = d.datid AND toplevel AND query NOT LIKE '%pg_stat%'),
                            d.xact_commit, pg_snapshot_xmax(pg_current_snapshot())::text::bigint
                     FROM pg_stat_database d WHERE d.datname = current_database()""")) {
            row.next();
            return new Counts(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
        }
    }

    /** The statements of this database since the last reset, most total time first, with how many each of {@code units} ran. */
    static String statements(String url, String title, String unit, int units) throws SQLException {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%n%s (pg_stat_statements over %d %ss):%n%n"
                        + "| per %s | mean ms | total ms | rows per %s | statement |%n|---|---|---|---|---|%n",
                title, units, unit, unit, unit));
        try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT calls, mean_exec_time, total_exec_time, rows, regexp_replace(query, '\\s+', ' ', 'g')
                     FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                       AND query NOT LIKE '%pg_stat%'
                     ORDER BY total_exec_time DESC LIMIT 12""")) {
            while (rows.next()) {
                String query = rows.getString(5);
                text.append(String.format(Locale.ROOT, "| %.2f | %.3f | %.0f | %.1f | `%s` |%n",
                        rows.getLong(1) / (double) units, rows.getDouble(2), rows.getDouble(3),
                        rows.getLong(4) / (double) units,
                        query.length() > 160 ? query.substring(0, 160) + "…" : query));
            }
        }
        return text.toString();
    }

    /** How far the planner's statistics of a table are behind: rows changed since its last ANALYZE, and whether autovacuum ran one. */
    static String analyzeLag(String url, String table) throws SQLException {
        try (Connection db = DriverManager.getConnection(url);
             PreparedStatement query = db.prepareStatement("SELECT n_mod_since_analyze, last_autoanalyze IS NOT NULL"
                     + " FROM pg_stat_user_tables WHERE relname = ?")) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return String.format(Locale.ROOT, "%s rows changed since the last ANALYZE: %,d (autovacuum %s)", table,
                        row.getLong(1), row.getBoolean(2) ? "had analysed it before" : "had not analysed it yet");
            }
        }
    }

    static void sql(String url, String sql) throws SQLException {
        try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
