package dev.annotask.input;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatements;

/**
 * An upload's input rows as multi-row INSERTs, prepared and bound before they run.
 *
 * <p>Why apart from running them: an upload holds its app's row lock from the moment it draws
 * arrival numbers to its commit (InputStore#insertAll says why), and every upload to the app
 * waits for it. Binding 128 rows of seven values is CPU work, a few milliseconds through Jdbi's
 * named parameters and more on a busy machine, so it is done here, before the lock, in plain
 * JDBC, and the lock covers only the statement's execution. Not thread-safe; close it.
 */
final class InputRows implements AutoCloseable {
    /** Rows per statement: seven parameters each stays far below both databases' limits. */
    private static final int ROWS_PER_INSERT = 256;

    private final List<PreparedStatement> statements = new ArrayList<>();

    private InputRows() {
    }

    /** The rows' statements, in request order (their seqs rise in that order), bound and ready. */
    static InputRows bind(Handle handle, String appUid, List<InputStore.NewInput> rows) {
        InputRows prepared = new InputRows();
        try {
            for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
                List<InputStore.NewInput> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
                PreparedStatement statement = handle.getConnection().prepareStatement(sql(chunk.size()));
                prepared.statements.add(statement);
                Integer timeout = handle.getConfig(SqlStatements.class).getQueryTimeout();
                if (timeout != null) {
                    statement.setQueryTimeout(timeout); // as Jdbi sets it on its own statements
                }
                int parameter = 1;
                for (InputStore.NewInput next : chunk) {
                    Input input = next.input();
                    statement.setString(parameter++, appUid);
                    statement.setString(parameter++, input.id());
                    statement.setString(parameter++, input.dataJson());
                    statement.setLong(parameter++, input.byteSize());
                    statement.setInt(parameter++, input.status());
                    statement.setLong(parameter++, input.createdAt());
                    statement.setLong(parameter++, input.modifiedAt());
                }
            }
            return prepared;
        } catch (SQLException e) {
            prepared.close();
            throw failed(e);
        }
    }

    /** Runs the inserts; the ids inserted, which leaves out those the app had already. */
    Set<String> insert() {
        Set<String> inserted = new HashSet<>();
        try {
            for (PreparedStatement statement : statements) {
                statement.execute();
                try (ResultSet ids = statement.getResultSet()) {
                    while (ids.next()) {
                        inserted.add(ids.getString(1));
                    }
                }
            }
            return inserted;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public void close() {
        for (PreparedStatement statement : statements) {
            try {
                statement.close();
            } catch (SQLException e) {
                // closing a statement of a connection that goes back to the pool anyway
            }
        }
    }

    private static String sql(int rows) {
        StringBuilder sql = new StringBuilder(
                "INSERT INTO inputs (app_uid, id, data, byte_size, status, created_at, modified_at) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)");
        }
        // Taken ids are found by the unique index the insert uses anyway, not by a query first:
        // a query over a list of ids is a plan the planner chooses, and on freshly loaded tables
        // it chose to read every row of the app, under the lock (docs/BENCHMARKS.md, "Ingest").
        return sql.append(" ON CONFLICT (app_uid, id) DO NOTHING RETURNING id").toString();
    }

    /** Unchecked, with the SQLException as its cause, which is what StoreFailures classifies by. */
    private static IllegalStateException failed(SQLException e) {
        return new IllegalStateException("inserting inputs failed: " + e.getMessage(), e);
    }
}
