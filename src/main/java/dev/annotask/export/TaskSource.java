package dev.annotask.export;

import dev.annotask.input.Input;
import dev.annotask.proto.api.TaskInputSource;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * A task as an export's source: the inputs of its source (all the app's, a dataset's, or one
 * input) in arrival order, with the annotations made in the task, as they are when each page is
 * read: a task export is not a snapshot (a dataset version is).
 */
final class TaskSource implements ExportSource {
    private final String appUid;
    private final String taskId;
    private final TaskInputSource source;
    private final LabelRows.Which which;

    TaskSource(String appUid, String taskId, TaskInputSource source, LabelRows.Which which) {
        this.appUid = appUid;
        this.taskId = taskId;
        this.source = source;
        this.which = which;
    }

    @Override
    public List<ExportItem> page(Handle handle, long afterSeq, int limit) {
        String sql = switch (source.getType()) {
            case DATASET -> """
                    SELECT i.* FROM dataset_inputs d JOIN inputs i ON i.app_uid = d.app_uid AND i.id = d.input_id
                    WHERE d.app_uid = :app AND d.dataset_id = :source AND d.input_seq > :after
                    ORDER BY d.input_seq LIMIT :limit""";
            case INPUT -> "SELECT * FROM inputs WHERE app_uid = :app AND id = :source AND seq > :after LIMIT :limit";
            default -> "SELECT * FROM inputs WHERE app_uid = :app AND seq > :after ORDER BY app_uid, seq LIMIT :limit";
        };
        List<Map.Entry<Long, Input>> inputs = handle.createQuery(sql)
                .bind("app", appUid).bind("source", source.getId()).bind("after", afterSeq).bind("limit", limit)
                .map((rs, ctx) -> Map.entry(rs.getLong("seq"), LabelRows.input(rs, appUid, "id"))).list();
        if (inputs.isEmpty()) {
            return List.of();
        }
        var labels = LabelRows.byInput(handle.createQuery("""
                        SELECT * FROM annotations a WHERE a.app_uid = :app AND a.task_id = :task
                          AND a.input_id IN (<inputs>) """ + " AND " + LabelRows.statusCondition(which) + " ORDER BY a.seq")
                .bind("app", appUid).bind("task", taskId)
                .bindList("inputs", inputs.stream().map(e -> e.getValue().id()).toList())
                .map((rs, ctx) -> Map.entry(rs.getString("input_id"), LabelRows.label(rs))).list());
        return LabelRows.items(handle, appUid, inputs, labels);
    }

    @Override
    public String fileName() {
        return "task-" + taskId;
    }
}
