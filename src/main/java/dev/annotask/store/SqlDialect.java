package dev.annotask.store;

import com.zaxxer.hikari.HikariConfig;
import java.nio.file.Path;

/**
 * The few places where SQLite and PostgreSQL differ, chosen once from the JDBC URL.
 *
 * <p>Everything else (DML in the stores) is written in the SQL subset both accept: TEXT ids,
 * BIGINT epoch-millisecond times, {@code INSERT … RETURNING}, {@code ON CONFLICT}. DDL differs
 * more, so each dialect has its own Flyway folder.
 */
public enum SqlDialect {
    // SQLite: the readers' connections; the writer thread keeps one more for itself (Database).
    SQLITE("sqlite", 8),
    POSTGRESQL("postgresql", 10);

    private final String migrationFolder;
    private final int defaultPoolSize;

    SqlDialect(String migrationFolder, int defaultPoolSize) {
        this.migrationFolder = migrationFolder;
        this.defaultPoolSize = defaultPoolSize;
    }

    public static SqlDialect fromUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        throw new IllegalArgumentException("unsupported database URL (use jdbc:sqlite: or jdbc:postgresql:)");
    }

    /**
     * How large (in pages) SQLite's log may grow before a commit checkpoints it itself; far
     * above the default 1,000, because {@link WalCheckpoints} normally does it in the background.
     */
    static final int SQLITE_COMMIT_CHECKPOINT_PAGES = 20_000;

    /**
     * The SQLite URL for a database file, with the pragmas every connection needs: WAL so
     * readers never wait for the writer, foreign keys (off by default in SQLite), a busy
     * timeout, and IMMEDIATE transactions so two read-then-write transactions queue instead
     * of one failing at once with SQLITE_BUSY (with the default DEFERRED mode, one of two read-then-write transactions fails at once despite the busy timeout); and
     * checkpoints left to a background thread ({@link WalCheckpoints}).
     */
    public static String sqliteUrl(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath()
                + "?foreign_keys=true&journal_mode=WAL&busy_timeout=10000&synchronous=NORMAL"
                + "&transaction_mode=IMMEDIATE&wal_autocheckpoint=" + SQLITE_COMMIT_CHECKPOINT_PAGES;
    }

    /**
     * Connection properties this dialect needs. PostgreSQL: strings bind as "unspecified" so
     * the server casts JSON text into JSONB columns; the same DML then runs on SQLite's TEXT.
     * And every statement is planned for its own parameters and the tables' current size
     * ({@code plan_cache_mode = force_custom_plan}): after a few executions of a prepared
     * statement PostgreSQL may settle on one generic plan and keep it until the table is next
     * analysed, and a plan chosen while a table was nearly empty (a fresh install, a task's first
     * minute) reads the whole table once it has grown: a lookup of ten assignments by id took
     * 5-18 ms as a sequential scan in the labeling benchmark instead of 0.05 ms by the index.
     * Planning these short statements costs far less than one such scan. (Measured side by side
     * on 2026-12-01, docs/benchmarks/rounds-2026-12-01b.md: generic plans, with statistics kept
     * fresh, labeled as fast on a seeded task and faster right after an upload, yet still paid
     * 5-9 ms for lookups planned while their tables were nearly empty; one run, not yet a reason
     * to change the default.) And batched inserts
     * are sent as multi-row inserts ({@code reWriteBatchedInserts}): a labeling round's ten
     * annotations or assignments are then one statement, planned once, whose statement-level
     * counting trigger runs once instead of ten times (their update counts are not reported:
     * nothing reads an insert batch's counts).
     */
    void configure(HikariConfig config) {
        if (this == POSTGRESQL) {
            config.addDataSourceProperty("stringtype", "unspecified");
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
        }
    }

    /** The Jdbi attribute ({@code <forShare>}) that share-locks the rows a SELECT read: see {@link #rowLock}. */
    public static final String FOR_SHARE = "forShare";
    /** The Jdbi attribute ({@code <forUpdate>}) that locks the rows a SELECT read exclusively: see {@link #rowLock}. */
    public static final String FOR_UPDATE = "forUpdate";
    /**
     * The Jdbi attribute ({@code <forShareSkipLocked>}) that share-locks the rows a SELECT read
     * and passes over rows another transaction is changing or has locked exclusively, without
     * waiting for it: see {@link #rowLock}.
     */
    public static final String FOR_SHARE_SKIP_LOCKED = "forShareSkipLocked";
    /**
     * The Jdbi attribute ({@code <forUpdateSkipLocked>}) that locks the rows a SELECT read
     * exclusively and passes over rows another transaction has locked, without waiting: how
     * nodes share a queue (each takes rows nobody else is taking). See {@link #rowLock}.
     */
    public static final String FOR_UPDATE_SKIP_LOCKED = "forUpdateSkipLocked";
    /** The Jdbi attribute ({@code rowLocks}, a Boolean) that says whether the database locks rows at all (not SQLite). */
    public static final String ROW_LOCKS = "rowLocks";

    /**
     * Whether the handle's database locks rows: false on SQLite, whose write transactions hold
     * the whole database, so a statement that only locks rows can be left out there.
     */
    public static boolean locksRows(org.jdbi.v3.core.Handle handle) {
        return Boolean.TRUE.equals(handle.getConfig(org.jdbi.v3.core.statement.SqlStatements.class).getAttribute(ROW_LOCKS));
    }

    /**
     * What a {@code SELECT} ends with to hold the rows it read until its transaction ends
     * ({@link Database} defines both attributes on every statement): with {@link #FOR_SHARE}
     * others may still read and share-lock them but nobody may change them; with
     * {@link #FOR_UPDATE} nobody else may lock them either. PostgreSQL's row locks; nothing on
     * SQLite, whose write transactions hold the whole database from their first statement
     * (IMMEDIATE). Under PostgreSQL's READ COMMITTED a locking read that had to wait checks its
     * WHERE clause again against the row as the other transaction left it.
     */
    String rowLock(String attribute) {
        if (this == SQLITE) {
            return "";
        }
        return switch (attribute) {
            case FOR_SHARE -> "FOR SHARE";
            case FOR_SHARE_SKIP_LOCKED -> "FOR SHARE SKIP LOCKED";
            case FOR_UPDATE_SKIP_LOCKED -> "FOR UPDATE SKIP LOCKED";
            default -> "FOR UPDATE";
        };
    }

    public String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    public int defaultPoolSize() {
        return defaultPoolSize;
    }
}
