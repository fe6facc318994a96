package dev.annotask.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.ParsedParameters;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

/**
 * Statements with positional ({@code ?}) parameters, run in order in the caller's transaction:
 * on PostgreSQL sent as one text, which the driver runs as one exchange with the server (one
 * round trip however many statements); on SQLite, which runs in this process, one after
 * another through the handle's statement cache. For a writer that holds a lock every other
 * writer waits for, where each round trip under the lock is time nobody else writes.
 *
 * <p>Values are set in plain JDBC ({@code String}, {@code Long}, {@code Integer},
 * {@code Boolean}, {@code byte[]}, null), not through Jdbi's arguments: a 128-row insert has close to
 * a thousand, and setting them is then a loop rather than a lookup each. The statements run
 * until the first fails, whose exception is thrown; on PostgreSQL the transaction is then
 * unusable until it rolls back (to a savepoint the batch itself may begin with). Built on one
 * thread; once built, it may run any number of times (a retried transaction runs it again).
 */
public final class SqlBatch {
    /** Jdbi's own parser would look for parameters to bind; these are all set by hand. */
    private static final SqlParser NO_PARAMETERS = new SqlParser() {
        @Override
        public ParsedSql parse(String sql, StatementContext ctx) {
            return ParsedSql.of(sql, ParsedParameters.positional(0));
        }

        @Override
        public String nameParameter(String rawName, StatementContext ctx) {
            return "?";
        }
    };

    private final List<Statement> statements = new ArrayList<>();

    /** One statement and its values, one per {@code ?} in order. */
    public record Statement(String sql, Object... values) {
        /** Runs this statement alone in the handle's transaction. */
        public void run(Handle handle) {
            handle.createUpdate(sql)
                    .configure(SqlStatements.class, c -> c.setSqlParser(NO_PARAMETERS))
                    .addCustomizer(new Values(values))
                    .execute();
        }
    }

    public SqlBatch add(String sql, Object... values) {
        return add(new Statement(sql, values));
    }

    public SqlBatch add(Statement statement) {
        statements.add(statement);
        return this;
    }

    /** Runs the statements in order, in the handle's transaction. */
    public void run(Handle handle) {
        if (!SqlDialect.locksRows(handle)) { // SQLite: no server to go to and back from
            statements.forEach(statement -> statement.run(handle));
            return;
        }
        StringBuilder sql = new StringBuilder();
        List<Object> values = new ArrayList<>();
        for (Statement statement : statements) {
            sql.append(sql.length() == 0 ? "" : ";\n").append(statement.sql());
            values.addAll(Arrays.asList(statement.values()));
        }
        // The driver splits the text at its semicolons and sends every statement, then one
        // sync: the server runs them in turn (each with its own snapshot under READ COMMITTED)
        // and answers once, or stops at the first that fails.
        handle.createUpdate(sql.toString())
                .configure(SqlStatements.class, c -> c.setSqlParser(NO_PARAMETERS))
                .addCustomizer(new Values(values.toArray()))
                .execute();
    }

    /** Sets the values in plain JDBC just before the statement runs. */
    private record Values(Object[] values) implements StatementCustomizer {
        @Override
        public void beforeExecution(PreparedStatement stmt, StatementContext ctx) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                Object value = values[i];
                int position = i + 1;
                if (value == null) {
                    stmt.setNull(position, Types.NULL); // the column's type: the server knows it
                } else if (value instanceof String text) {
                    stmt.setString(position, text);
                } else if (value instanceof Long number) {
                    stmt.setLong(position, number);
                } else if (value instanceof Integer number) {
                    stmt.setInt(position, number);
                } else if (value instanceof Boolean flag) {
                    stmt.setBoolean(position, flag);
                } else if (value instanceof byte[] bytes) {
                    stmt.setBytes(position, bytes);
                } else {
                    throw new IllegalArgumentException("no JDBC setter chosen for " + value);
                }
            }
        }
    }
}
