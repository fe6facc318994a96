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
import dev.annotask.store.StoreFailures;

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
    private int expectedRows;

    private InputRows() {
    }

    /** The rows' statements, in request order (their seqs rise in that order), bound and ready. */
    static InputRows bind(Handle handle, String appUid, List<InputStore.NewInput> rows) {
        InputRows prepared = new InputRows();
        try {
            for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
                List<InputStore.NewInput> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
                PreparedStatement statement = prepared.prepare(handle, sql(chunk.size()));
                bindRows(statement, 1, appUid, chunk);
            }
            return prepared;
        } catch (SQLException e) {
            prepared.close();
            throw failed(e);
        }
    }

    /**
     * PostgreSQL, an upload without bytes or datasets: one statement that takes the app's lock
     * (the counter's update, in a CTE) and inserts every row, run on its own so that it commits
     * as it ends. The lock is then held for the statement alone: no round trip to the server,
     * waiting for a core on a busy machine, falls inside it. The rows are selected from a join
     * with the CTE's row, sorted, and only then given their seq by the insert, so no seq is drawn
     * before the lock is held (with the CTE read inside a VALUES row instead, a single-row insert
     * evaluated the seq column's default first: UploadOrderTest). A plain INSERT: an id taken
     * already fails the whole statement, and {@link #insertCommitting} says so, having written
     * nothing.
     */
    static InputRows bindCommittingAlone(Handle handle, String appUid, List<InputStore.NewInput> rows) {
        InputRows prepared = new InputRows();
        try {
            StringBuilder sql = new StringBuilder("WITH app AS (UPDATE apps SET input_count = input_count + ? WHERE uid = ?"
                    + " RETURNING uid) INSERT INTO inputs (app_uid, id, data, byte_size, status, created_at, modified_at)"
                    + " SELECT app.uid, v.id, CAST(v.data AS jsonb), v.byte_size, v.status, v.created_at, v.modified_at"
                    + " FROM app CROSS JOIN (VALUES ");
            for (int i = 0; i < rows.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append('(').append(i).append(", ?, ?, ?, ?, ?, ?)");
            }
            sql.append(") AS v (n, id, data, byte_size, status, created_at, modified_at) ORDER BY v.n");
            PreparedStatement statement = prepared.prepare(handle, sql.toString());
            statement.setInt(1, rows.size());
            statement.setString(2, appUid);
            int parameter = 3;
            for (InputStore.NewInput next : rows) {
                Input input = next.input();
                statement.setString(parameter++, input.id());
                statement.setString(parameter++, input.dataJson());
                statement.setLong(parameter++, input.byteSize());
                statement.setInt(parameter++, input.status());
                statement.setLong(parameter++, input.createdAt());
                statement.setLong(parameter++, input.modifiedAt());
            }
            prepared.expectedRows = rows.size();
            return prepared;
        } catch (SQLException e) {
            prepared.close();
            throw failed(e);
        }
    }

    /**
     * Runs the statement of {@link #bindCommittingAlone}: true when every row went in, false
     * when nothing did (an id was taken, or the app is gone) and the caller's transaction must
     * settle it.
     */
    boolean insertCommitting() {
        try {
            return statements.get(0).executeUpdate() == expectedRows;
        } catch (SQLException e) {
            if (StoreFailures.isUniqueViolation(e)) {
                return false;
            }
            throw failed(e);
        }
    }

    private PreparedStatement prepare(Handle handle, String sql) throws SQLException {
        PreparedStatement statement = handle.getConnection().prepareStatement(sql);
        statements.add(statement);
        Integer timeout = handle.getConfig(SqlStatements.class).getQueryTimeout();
        if (timeout != null) {
            statement.setQueryTimeout(timeout); // as Jdbi sets it on its own statements
        }
        return statement;
    }

    private static void bindRows(PreparedStatement statement, int firstParameter, String appUid,
                                 List<InputStore.NewInput> rows) throws SQLException {
        int parameter = firstParameter;
        for (InputStore.NewInput next : rows) {
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
