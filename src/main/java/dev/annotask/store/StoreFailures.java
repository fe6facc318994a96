package dev.annotask.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * Recognises the database failures a caller can act on, the same way on both vendors:
 * a unique-key collision (two writers raced for one id) and a transient lock conflict
 * (SQLite busy past its timeout, a PostgreSQL serialization failure or deadlock); and the two
 * ways the database fails to answer in time: a statement past the statement timeout, and no
 * connection to be had. Stateless.
 */
public final class StoreFailures {
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_CONSTRAINT = 19;

    private StoreFailures() {
    }

    public static boolean isUniqueViolation(Throwable failure) {
        return sqlCause(failure).map(e -> "23505".equals(e.getSQLState())
                || (e.getErrorCode() == SQLITE_CONSTRAINT && String.valueOf(e.getMessage()).contains("UNIQUE"))
                || (e.getErrorCode() == SQLITE_CONSTRAINT && String.valueOf(e.getMessage()).contains("PRIMARY KEY")))
                .orElse(false);
    }

    /**
     * Any integrity constraint a statement broke (a unique or foreign key, a NOT NULL, a CHECK):
     * PostgreSQL's SQLState class 23, SQLite's SQLITE_CONSTRAINT. For a writer that tries the
     * quick way first and settles such cases the slow way.
     */
    public static boolean isConstraintViolation(Throwable failure) {
        return sqlCause(failure).map(e -> (e.getSQLState() != null && e.getSQLState().startsWith("23"))
                || e.getErrorCode() == SQLITE_CONSTRAINT).orElse(false);
    }

    public static boolean isTransient(Throwable failure) {
        return sqlCause(failure).map(e -> e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED
                || "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState())).orElse(false);
    }

    /**
     * A statement cancelled by the statement timeout (PostgreSQL's query_canceled, from the
     * JDBC query timeout or the server's statement_timeout), or a SQLite writer that waited its
     * whole timeout in the write queue. Retrying it at once would only wait again.
     */
    public static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof WriteQueueTimeout) {
                return true;
            }
        }
        return sqlCause(failure).map(e -> "57014".equals(e.getSQLState())).orElse(false);
    }

    /**
     * No connection to the database: the pool found none within its timeout (all busy, or the
     * server unreachable), or the connection broke (SQLState class 08), or the database is closing.
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof GroupCommit.StoreClosed) {
                return true;
            }
        }
        return sqlCause(failure).map(e -> e instanceof SQLTransientConnectionException
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"))).orElse(false);
    }

    private static Optional<SQLException> sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }
}
