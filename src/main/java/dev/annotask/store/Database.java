package dev.annotask.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;

/**
 * The connection pool, the migrated schema and the Jdbi instance over them.
 *
 * <p>Opening a database migrates it to the newest schema first (Flyway takes a lock, so two
 * nodes starting at once on one PostgreSQL migrate once). Requests run their reads and writes
 * through {@link #units()}, one transaction each ({@link UnitOfWork}); on SQLite the writes go to
 * one writer thread that commits them in groups ({@link GroupCommit}). Thread-safe; close once
 * at shutdown.
 *
 * <p>The statement timeout bounds how long a request's statement may wait for the database:
 * on PostgreSQL each statement's JDBC query timeout (execution and lock waits; the driver asks
 * the server to cancel it), on SQLite the wait for the single writer (the in-process queue and
 * the file lock's busy timeout). Migrations are not bounded: they run once, before serving.
 */
public final class Database implements AutoCloseable {
    private final SqlDialect dialect;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String description;
    private final WalCheckpoints checkpoints;
    private final FreshStatistics freshStatistics;
    private final GroupCommit groupCommit;
    private final UnitOfWork units;

    private Database(SqlDialect dialect, HikariDataSource dataSource, String jdbcUrl, Duration statementTimeout) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        jdbi.define(SqlDialect.FOR_SHARE, dialect.rowLock(SqlDialect.FOR_SHARE));
        jdbi.define(SqlDialect.FOR_UPDATE, dialect.rowLock(SqlDialect.FOR_UPDATE));
        jdbi.define(SqlDialect.FOR_SHARE_SKIP_LOCKED, dialect.rowLock(SqlDialect.FOR_SHARE_SKIP_LOCKED));
        jdbi.define(SqlDialect.FOR_UPDATE_SKIP_LOCKED, dialect.rowLock(SqlDialect.FOR_UPDATE_SKIP_LOCKED));
        jdbi.define(SqlDialect.ROW_LOCKS, dialect != SqlDialect.SQLITE);
        if (dialect == SqlDialect.POSTGRESQL && !statementTimeout.isZero()) {
            jdbi.getConfig(SqlStatements.class).setQueryTimeout(timeoutSeconds(statementTimeout));
        }
        if (dialect == SqlDialect.SQLITE) {
            // Writes outside a request's unit (start-up, tools) still queue fairly beside the writer thread.
            jdbi.setTransactionHandler(new SerializedWrites(statementTimeout.toMillis()));
            checkpoints = WalCheckpoints.start(jdbcUrl);
            freshStatistics = null;
            groupCommit = new GroupCommit(jdbi, statementTimeout.toMillis());
            units = new SqliteUnits(jdbi, groupCommit);
        } else {
            checkpoints = null;
            freshStatistics = new FreshStatistics(jdbi).start();
            groupCommit = null;
            units = new PooledUnits(jdbi);
        }
        this.description = describe(dialect, jdbcUrl);
    }

    /** Opens the database at the URL (user and password may be null) and migrates it; no statement timeout. */
    public static Database open(String jdbcUrl, String user, String password, int poolSize) {
        return open(jdbcUrl, user, password, poolSize, Duration.ZERO);
    }

    /**
     * Opens the database at the URL (user and password may be null) and migrates it.
     *
     * @param statementTimeout how long a statement may wait for the database (see the class
     *                         comment); zero for no limit, else at least a second
     */
    public static Database open(String jdbcUrl, String user, String password, int poolSize,
                                Duration statementTimeout) {
        if (statementTimeout.isNegative()) {
            throw new IllegalArgumentException("the statement timeout cannot be negative");
        }
        SqlDialect dialect = SqlDialect.fromUrl(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        // On SQLite the writer thread keeps one connection for itself, beside the readers'.
        int readers = poolSize > 0 ? poolSize : dialect.defaultPoolSize();
        config.setMaximumPoolSize(dialect == SqlDialect.SQLITE ? readers + 1 : readers);
        config.setPoolName("annotask");
        dialect.configure(config);
        if (dialect == SqlDialect.SQLITE && !statementTimeout.isZero()) {
            config.setConnectionInitSql("PRAGMA busy_timeout = " + statementTimeout.toMillis());
        }
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(dialect.migrationLocation())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dialect, dataSource, jdbcUrl, statementTimeout);
    }

    /** JDBC query timeouts are whole seconds; a shorter timeout rounds up to one. */
    private static int timeoutSeconds(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
    }

    /** The URL without its query string or credentials, fit for a log line. */
    private static String describe(SqlDialect dialect, String jdbcUrl) {
        String withoutQuery = jdbcUrl.split("\\?", 2)[0];
        return dialect.name().toLowerCase() + " " + withoutQuery.replaceAll("//[^/@]*@", "//");
    }

    /** For start-up, tools and tests; requests use {@link #units()}. */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** Where every request's reads and writes run, one transaction each. */
    public UnitOfWork units() {
        return units;
    }

    /** Transactions the SQLite writer committed, and the write units it ran; zeros on PostgreSQL. */
    public long groupCommits() {
        return groupCommit == null ? 0 : groupCommit.commits();
    }

    /** SQLite's writer thread, for tests of it; null on PostgreSQL. */
    GroupCommit groupCommit() {
        return groupCommit;
    }

    public long groupCommitUnits() {
        return groupCommit == null ? 0 : groupCommit.units();
    }

    public SqlDialect dialect() {
        return dialect;
    }

    /** True when the database answers a trivial query; used by the health endpoint. */
    public boolean isReachable() {
        try {
            return jdbi.withHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() {
        if (groupCommit != null) {
            groupCommit.close();
        }
        if (freshStatistics != null) {
            freshStatistics.close();
        }
        if (checkpoints != null) {
            checkpoints.close();
        }
        dataSource.close();
    }
}
