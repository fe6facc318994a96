package dev.annotask.store;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Keeps the prepared statements of one connection for reuse: SQLite's writer thread runs the
 * same few dozen statements all day, and preparing one (parsing and planning the SQL) cost as
 * much as running it, on the one thread every write waits for. The most recently used
 * {@value #CAPACITY} are kept (an {@code IN} list of another length is another statement);
 * the oldest is closed to make room. Not thread-safe: one per connection, used by its owner.
 */
final class CachedStatements implements StatementBuilder {
    static final int CAPACITY = 256;

    private final StatementBuilder fresh = new DefaultStatementBuilder();
    private final Map<String, PreparedStatement> kept = new LinkedHashMap<>(64, 0.75f, true);
    /** Statements handed out and not yet given back, so one is never in use twice at once. */
    private final Map<Statement, String> lent = new IdentityHashMap<>();

    @Override
    public Statement create(Connection connection, StatementContext context) throws SQLException {
        return fresh.create(connection, context);
    }

    @Override
    public PreparedStatement create(Connection connection, String sql, StatementContext context) throws SQLException {
        String key = keyOf(sql, context);
        PreparedStatement statement = kept.remove(key);
        if (statement == null || statement.isClosed()) {
            statement = fresh.create(connection, sql, context);
        }
        lent.put(statement, key);
        return statement;
    }

    @Override
    public CallableStatement createCall(Connection connection, String sql, StatementContext context)
            throws SQLException {
        return fresh.createCall(connection, sql, context);
    }

    @Override
    public void close(Connection connection, String sql, Statement statement) throws SQLException {
        String key = lent.remove(statement);
        if (key == null || statement.isClosed()) {
            fresh.close(connection, sql, statement);
            return;
        }
        PreparedStatement prepared = (PreparedStatement) statement;
        prepared.clearParameters();
        PreparedStatement replaced = kept.put(key, prepared);
        if (replaced != null && replaced != statement) {
            replaced.close();
        }
        if (kept.size() > CAPACITY) {
            var eldest = kept.entrySet().iterator();
            PreparedStatement evicted = eldest.next().getValue();
            eldest.remove();
            evicted.close();
        }
    }

    @Override
    public void close(Connection connection) {
        for (PreparedStatement statement : kept.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // The connection is going away with it.
            }
        }
        kept.clear();
        lent.clear();
    }

    /** Statements asking for generated keys are prepared differently, so they are kept apart. */
    private static String keyOf(String sql, StatementContext context) {
        return context.isReturningGeneratedKeys() ? "keys\n" + sql : sql;
    }
}
