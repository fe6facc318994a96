package dev.annotask.input;

import dev.annotask.store.SqlBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An upload's statements, laid out before its transaction (docs/ARCHITECTURE.md, "Uploads").
 *
 * <p>Why apart from running them: an upload holds its app's row lock from the moment it draws
 * arrival numbers to its commit ({@link InputStore#upload} says why), and every upload to the
 * app waits for it; on SQLite the whole write unit holds the one writer. So the SQL text and
 * its values (128 rows of seven) are made on the request's thread, before the unit starts, and
 * the lock covers only running them: on PostgreSQL one exchange with the server
 * ({@link SqlBatch}), whatever the upload holds. Stateless.
 */
final class InputRows {
    /** What {@link InputStore#upload} rolls back to when a constraint stops the statements. */
    static final String SAVEPOINT = "upload";
    /** Rows per INSERT: eleven parameters each, three for bytes, far below both databases' limits. */
    private static final int ROWS_PER_INSERT = 256;

    private InputRows() {
    }

    /**
     * The statements that store the rows, in this order: a savepoint; the app's counter raised
     * by their number, which is the app's lock; the rows in request order, so their seqs (drawn
     * as they are inserted, after the lock) follow it; their bytes; per dataset, in id order
     * (one order of dataset locks for every upload), its counter (its lock) and its new members;
     * then {@code reaction}, the statement that reacts to inputs joining (null for none).
     *
     * <p>Plain inserts: an id taken already, or a dataset that does not exist, fails them,
     * and {@link InputStore#upload} settles that the slow way.
     */
    static SqlBatch statements(String appUid, List<InputStore.NewInput> rows, SqlBatch.Statement reaction) {
        SqlBatch batch = new SqlBatch().add("SAVEPOINT " + SAVEPOINT);
        batch.add("UPDATE apps SET input_count = input_count + ? WHERE uid = ?", (long) rows.size(), appUid);
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            batch.add(insertInputs(appUid, rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT))));
        }
        List<InputStore.NewInput> withBytes = rows.stream().filter(n -> n.bytes() != null).toList();
        for (int from = 0; from < withBytes.size(); from += ROWS_PER_INSERT) {
            batch.add(insertBytes(appUid, withBytes.subList(from, Math.min(withBytes.size(), from + ROWS_PER_INSERT))));
        }
        Map<String, List<String>> joining = new TreeMap<>();
        for (InputStore.NewInput next : rows) {
            next.datasetIds().forEach(d -> joining.computeIfAbsent(d, k -> new ArrayList<>()).add(next.input().id()));
        }
        long now = rows.isEmpty() ? 0 : rows.get(0).input().createdAt();
        joining.forEach((datasetId, inputIds) -> DatasetMembers.addNew(batch, appUid, datasetId, inputIds, now));
        if (reaction != null) {
            batch.add(reaction);
        }
        return batch;
    }

    private static SqlBatch.Statement insertInputs(String appUid, List<InputStore.NewInput> rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO inputs (app_uid, id, data, byte_size, status, created_at,"
                + " modified_at, image_width, image_height, image_format, media_info) VALUES ");
        Object[] values = new Object[rows.size() * 11];
        int at = 0;
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            Input input = rows.get(i).input();
            ImageSize image = input.image();
            values[at++] = appUid;
            values[at++] = input.id();
            values[at++] = input.dataJson();
            values[at++] = input.byteSize();
            values[at++] = input.status();
            values[at++] = input.createdAt();
            values[at++] = input.modifiedAt();
            values[at++] = image == null ? null : image.width();
            values[at++] = image == null ? null : image.height();
            values[at++] = InputStore.headerFormat(image, rows.get(i).bytes() != null);
            values[at++] = input.mediaInfo();
        }
        // No query for taken ids first: the unique index the insert uses anyway finds them. A
        // query over a list of ids is a plan the planner chooses, and on freshly loaded tables
        // it chose to read every row of the app, under the lock (docs/ARCHITECTURE.md, "Uploads").
        return new SqlBatch.Statement(sql.toString(), values);
    }

    private static SqlBatch.Statement insertBytes(String appUid, List<InputStore.NewInput> rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO input_bytes (app_uid, input_id, content) VALUES ");
        Object[] values = new Object[rows.size() * 3];
        int at = 0;
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
            values[at++] = appUid;
            values[at++] = rows.get(i).input().id();
            values[at++] = rows.get(i).bytes();
        }
        return new SqlBatch.Statement(sql.toString(), values);
    }
}
