package dev.annotask.export;

import dev.annotask.input.ImageSize;
import dev.annotask.input.Input;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * What the export sources share: rows into inputs and labels, the status filter of each
 * {@link Which} choice, and the reviewers who approved each labeling. Stateless.
 */
final class LabelRows {
    static final int SUCCESS = StatusCode.ANNOTATION_SUCCESS.getNumber();
    static final int PENDING = StatusCode.ANNOTATION_PENDING.getNumber();

    /** Which annotations an export holds (the wire's ExportLabels). */
    enum Which {
        /** ANNOTATION_SUCCESS only. */
        FINAL,
        /** Every status but ANNOTATION_PENDING (work not turned in). */
        ALL_LABELERS
    }

    private LabelRows() {
    }

    /** The SQL condition on an annotation's {@code status} column (alias {@code a}) for the choice. */
    static String statusCondition(Which which) {
        return which == Which.FINAL ? "a.status = " + SUCCESS : "a.status <> " + PENDING;
    }

    /** An input from a row of {@code inputs} or {@code dataset_version_inputs} (input id in {@code idColumn}). */
    static Input input(ResultSet rs, String appUid, String idColumn) throws SQLException {
        int width = rs.getInt("image_width");
        boolean sized = !rs.wasNull();
        String format = rs.getString("image_format");
        int height = rs.getInt("image_height");
        ImageSize image = sized && width > 0 && height > 0 && format != null && !format.isEmpty()
                ? new ImageSize(width, height, format) : null;
        return new Input(appUid, rs.getString(idColumn), rs.getString("data"), rs.getLong("byte_size"),
                StatusCode.INPUT_DOWNLOAD_SUCCESS.getNumber(), rs.getLong("created_at"), rs.getLong("modified_at"), image);
    }

    /** A label from a row of {@code annotations} or {@code dataset_version_annotations}. */
    static Label label(ResultSet rs) throws SQLException {
        return new Label(rs.getString("id"), rs.getString("task_id"), rs.getString("user_id"), rs.getInt("status"),
                Json.read(rs.getString("data"), Data.newBuilder()).build(), rs.getLong("created_at"),
                rs.getLong("modified_at"), List.of());
    }

    /**
     * The page's items: its inputs in order, each with its labels (given by input id, in
     * order), and the reviewers who approved each labeling (task, input, labeler), read in one
     * query for the page.
     */
    static List<ExportItem> items(Handle handle, String appUid, List<Map.Entry<Long, Input>> inputs,
                                  Map<String, List<Label>> labelsByInput) {
        Map<String, List<String>> reviewers = reviewers(handle, appUid, labelsByInput);
        List<ExportItem> items = new ArrayList<>(inputs.size());
        for (Map.Entry<Long, Input> entry : inputs) {
            List<Label> labels = labelsByInput.getOrDefault(entry.getValue().id(), List.of());
            if (!reviewers.isEmpty()) {
                labels = labels.stream().map(l -> l.withReviewers(reviewers.getOrDefault(
                        key(l.taskId(), entry.getValue().id(), l.labelerId()), List.of()))).toList();
            }
            items.add(new ExportItem(entry.getKey(), entry.getValue(), labels));
        }
        return items;
    }

    /** Groups labels by input id, keeping their order. */
    static Map<String, List<Label>> byInput(List<Map.Entry<String, Label>> rows) {
        Map<String, List<Label>> grouped = new LinkedHashMap<>();
        rows.forEach(row -> grouped.computeIfAbsent(row.getKey(), k -> new ArrayList<>()).add(row.getValue()));
        return grouped;
    }

    private static Map<String, List<String>> reviewers(Handle handle, String appUid, Map<String, List<Label>> labels) {
        Set<String> tasks = new TreeSet<>();
        labels.values().forEach(list -> list.forEach(l -> {
            if (!l.taskId().isEmpty()) {
                tasks.add(l.taskId());
            }
        }));
        if (tasks.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> approvals = new HashMap<>();
        handle.createQuery("""
                        SELECT a.task_id, a.input_id, a.worker_id, r.reviewer_id
                        FROM task_assignments a JOIN task_reviews r ON r.app_uid = a.app_uid AND r.assignment_id = a.id
                        WHERE a.app_uid = :app AND a.task_id IN (<tasks>) AND a.input_id IN (<inputs>)
                          AND r.verdict = 'approved'
                        ORDER BY r.reviewer_id""")
                .bind("app", appUid).bindList("tasks", List.copyOf(tasks)).bindList("inputs", List.copyOf(labels.keySet()))
                .map((rs, ctx) -> Map.entry(key(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getString(4)))
                .forEach(e -> approvals.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return approvals;
    }

    private static String key(String taskId, String inputId, String labelerId) {
        return taskId + '\u0000' + inputId + '\u0000' + labelerId;
    }
}
