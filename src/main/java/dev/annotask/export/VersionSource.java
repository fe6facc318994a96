package dev.annotask.export;

import dev.annotask.input.Input;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * A dataset version's snapshot as an export's source: its inputs and their annotations as they
 * were copied when the version was made, read by the position of each input.
 */
final class VersionSource implements ExportSource {
    private final String appUid;
    private final String versionUid;
    private final LabelRows.Which which;
    private final String fileName;

    VersionSource(String appUid, String versionUid, LabelRows.Which which, String fileName) {
        this.appUid = appUid;
        this.versionUid = versionUid;
        this.which = which;
        this.fileName = fileName;
    }

    @Override
    public List<ExportItem> page(Handle handle, long afterSeq, int limit) {
        List<Map.Entry<Long, Input>> inputs = handle.createQuery("""
                        SELECT * FROM dataset_version_inputs WHERE version_uid = :version AND input_seq > :after
                        ORDER BY input_seq LIMIT :limit""")
                .bind("version", versionUid).bind("after", afterSeq).bind("limit", limit)
                .map((rs, ctx) -> Map.entry(rs.getLong("input_seq"), LabelRows.input(rs, appUid, "input_id"))).list();
        if (inputs.isEmpty()) {
            return List.of();
        }
        long last = inputs.get(inputs.size() - 1).getKey();
        var labels = LabelRows.byInput(handle.createQuery("""
                        SELECT * FROM dataset_version_annotations a WHERE a.version_uid = :version
                          AND a.input_seq > :after AND a.input_seq <= :last """ + " AND " + LabelRows.statusCondition(which)
                        + " ORDER BY a.input_seq, a.seq")
                .bind("version", versionUid).bind("after", afterSeq).bind("last", last)
                .map((rs, ctx) -> Map.entry(rs.getString("input_id"), LabelRows.label(rs))).list());
        return LabelRows.items(handle, appUid, inputs, labels);
    }

    @Override
    public String fileName() {
        return fileName;
    }
}
