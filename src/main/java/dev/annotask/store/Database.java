package dev.annotask.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, the migrated schema and the Jdbi instance over them.
 *
 * <p>Opening a database migrates it to the newest schema first (Flyway takes a lock, so two
 * nodes starting at once on one PostgreSQL migrate once). Stores read through {@link #jdbi()}
 * with a plain handle and write inside {@code inTransaction}; on SQLite those transactions are
 * IMMEDIATE, so writers queue on the database lock. Thread-safe; close once at shutdown.
 */
public final class Database implements AutoCloseable {
    private final SqlDialect dialect;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String description;
    private final WalCheckpoints checkpoints;

    private Database(SqlDialect dialect, HikariDataSource dataSource, String jdbcUrl) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        if (dialect == SqlDialect.SQLITE) {
            jdbi.setTransactionHandler(new SerializedWrites());
            checkpoints = WalCheckpoints.start(jdbcUrl);
        } else {
            checkpoints = null;
        }
        this.description = describe(dialect, jdbcUrl);
    }

    /** Opens the database at the URL (user and password may be null) and migrates it. */
    public static Database open(String jdbcUrl, String user, String password, int poolSize) {
        SqlDialect dialect = SqlDialect.fromUrl(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize > 0 ? poolSize : dialect.defaultPoolSize());
        config.setPoolName("annotask");
        dialect.configure(config);
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
        return new Database(dialect, dataSource, jdbcUrl);
    }

    /** The URL without its query string or credentials, fit for a log line. */
    private static String describe(SqlDialect dialect, String jdbcUrl) {
        String withoutQuery = jdbcUrl.split("\\?", 2)[0];
        return dialect.name().toLowerCase() + " " + withoutQuery.replaceAll("//[^/@]*@", "//");
    }

    public Jdbi jdbi() {
        return jdbi;
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
        if (checkpoints != null) {
            checkpoints.close();
        }
        dataSource.close();
    }
}
