package dev.annotask.store;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Recognises the database failures a caller can act on, the same way on both vendors:
 * a unique-key collision (two writers raced for one id) and a transient lock conflict
 * (SQLite busy past its timeout, a PostgreSQL serialization failure or deadlock). Stateless.
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

    public static boolean isTransient(Throwable failure) {
        return sqlCause(failure).map(e -> e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED
                || "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState())).orElse(false);
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
