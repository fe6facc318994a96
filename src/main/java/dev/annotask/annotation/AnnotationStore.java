package dev.annotask.annotation;

import dev.annotask.input.InputsChanged;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Json;
import dev.annotask.store.SqlBatch;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Annotations in the database. The handle-taking methods let the labeling workflow change a
 * labeling's annotations in the same transaction as its assignment. Thread-safe.
 */
public final class AnnotationStore {
    /** Rows per INSERT statement: 13 values each, within both databases' limit on parameters. */
    static final int INSERT_ROWS = 128;
    private final InputsChanged changed;

    public AnnotationStore() {
        this(InputsChanged.NONE);
    }

    /** {@code changed} hears of the inputs whose annotations each write changed, after it, in its transaction. */
    public AnnotationStore(InputsChanged changed) {
        this.changed = changed;
    }

    /**
     * What ListAnnotations filters on; empty lists filter nothing. Pre-labels (machine
     * annotations) are listed only when asked for, as Clarifai lists model annotations: all of
     * them with {@code modelOutput}, or those of {@code modelVersionIds} (with the people's of
     * {@code userIds}, if any, beside them).
     */
    public record Filter(List<String> ids, List<String> inputIds, String taskId, List<String> userIds,
                         List<Integer> statuses, List<String> modelVersionIds, boolean modelOutput) {
        public Filter(List<String> ids, List<String> inputIds, String taskId, List<String> userIds,
                      List<Integer> statuses) {
            this(ids, inputIds, taskId, userIds, statuses, List.of(), false);
        }
    }

    public Optional<Annotation> find(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM annotations WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * The annotation, locked against every other change until the caller's transaction ends
     * (see {@code SqlDialect#rowLock}): what a change is decided on is what it changes.
     */
    public Optional<Annotation> findForChange(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM annotations WHERE app_uid = :app AND id = :id <forUpdate>")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * One labeler's labelings of these inputs in a task (see {@link #ofLabeling}), locked like
     * {@link #findForChange}.
     */
    public List<Annotation> labelingsForChange(Handle handle, String appUid, String taskId, List<String> inputIds,
                                               String userId) {
        return handle.createQuery("""
                        SELECT * FROM annotations
                        WHERE app_uid = :app AND task_id = :task AND input_id IN (<inputs>) AND user_id = :user
                          AND corrects_assignment_id = '' ORDER BY seq <forUpdate>""")
                .bind("app", appUid).bind("task", taskId).bindList("inputs", inputIds).bind("user", userId)
                .map((rs, ctx) -> map(rs)).list();
    }

    /** The annotations on these inputs, of one user or (null) everyone's, locked like {@link #findForChange}. */
    public List<Annotation> findOnInputsForChange(Handle handle, String appUid, List<String> inputIds, String userId) {
        String byUser = userId == null ? "" : " AND user_id = :user";
        return handle.createQuery("SELECT * FROM annotations WHERE app_uid = :app AND input_id IN (<inputs>)" + byUser
                        + " ORDER BY seq <forUpdate>")
                .bind("app", appUid).bindList("inputs", inputIds).bind("user", userId)
                .map((rs, ctx) -> map(rs)).list();
    }

    public List<Annotation> list(Handle handle, String appUid, Filter filter, int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM annotations WHERE app_uid = :app");
        if (!filter.ids().isEmpty()) {
            sql.append(" AND id IN (<ids>)");
        }
        if (!filter.inputIds().isEmpty()) {
            sql.append(" AND input_id IN (<inputIds>)");
        }
        if (!filter.taskId().isEmpty()) {
            sql.append(" AND task_id = :task");
        }
        if (!filter.modelVersionIds().isEmpty()) {
            sql.append(filter.userIds().isEmpty() ? " AND model_version_id IN (<versions>)"
                    : " AND (model_version_id IN (<versions>) OR model_version_id = '' AND user_id IN (<userIds>))");
        } else {
            if (!filter.userIds().isEmpty()) {
                sql.append(" AND user_id IN (<userIds>)");
            }
            if (!filter.modelOutput()) {
                sql.append(" AND model_version_id = ''");
            }
        }
        if (!filter.statuses().isEmpty()) {
            sql.append(" AND status IN (<statuses>)");
        }
        sql.append(" ORDER BY seq LIMIT :limit OFFSET :offset");
        Query query = handle.createQuery(sql.toString()).bind("app", appUid).bind("task", filter.taskId())
                .bind("limit", limit).bind("offset", offset);
        if (!filter.ids().isEmpty()) {
            query.bindList("ids", filter.ids());
        }
        if (!filter.inputIds().isEmpty()) {
            query.bindList("inputIds", filter.inputIds());
        }
        if (!filter.userIds().isEmpty()) {
            query.bindList("userIds", filter.userIds());
        }
        if (!filter.statuses().isEmpty()) {
            query.bindList("statuses", filter.statuses());
        }
        if (!filter.modelVersionIds().isEmpty()) {
            query.bindList("versions", filter.modelVersionIds());
        }
        return query.map((rs, ctx) -> map(rs)).list();
    }

    /**
     * Inserts the annotations as one JDBC batch: one statement prepared, one round trip per
     * driver batch. A taken id fails the whole transaction (the dispatcher answers 40010).
     */
    public void insertAll(Handle handle, List<Annotation> annotations) {
        insert(handle, annotations, "");
    }

    /**
     * Inserts a reviewer's correction of the labeling (task assignment) {@code assignmentId}:
     * their annotations, which the labeling's own statements below never read or change.
     */
    public void insertCorrection(Handle handle, List<Annotation> annotations, String assignmentId) {
        insert(handle, annotations, assignmentId);
    }

    private void insert(Handle handle, List<Annotation> annotations, String corrects) {
        if (annotations.isEmpty()) {
            return;
        }
        // One multi-row INSERT per 128 rows, not a JDBC batch of single-row ones: on PostgreSQL the
        // statement-level count trigger (V5) then runs once per 128 rows instead of once per row.
        for (int from = 0; from < annotations.size(); from += INSERT_ROWS) {
            List<Annotation> rows = annotations.subList(from, Math.min(annotations.size(), from + INSERT_ROWS));
            StringBuilder sql = new StringBuilder("""
                    INSERT INTO annotations (app_uid, id, input_id, task_id, user_id, data, status, consensus_info,
                                             created_at, modified_at, corrects_assignment_id, model_id, model_version_id)
                    VALUES """);
            Object[] values = new Object[rows.size() * 13];
            int at = 0;
            for (int i = 0; i < rows.size(); i++) {
                Annotation a = rows.get(i);
                sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                values[at++] = a.appUid();
                values[at++] = a.id();
                values[at++] = a.inputId();
                values[at++] = a.taskId();
                values[at++] = a.userId();
                values[at++] = Json.write(a.data());
                values[at++] = a.status();
                values[at++] = a.consensusInfoJson();
                values[at++] = a.createdAt();
                values[at++] = a.modifiedAt();
                values[at++] = corrects;
                values[at++] = a.machine() == null ? "" : a.machine().modelId();
                values[at++] = a.machine() == null ? "" : a.machine().modelVersionId();
            }
            new SqlBatch.Statement(sql.toString(), values).run(handle);
        }
        annotations.stream().collect(java.util.stream.Collectors.groupingBy(Annotation::appUid,
                        java.util.stream.Collectors.mapping(Annotation::inputId, java.util.stream.Collectors.toSet())))
                .forEach((appUid, inputIds) -> changed.changed(handle, appUid, inputIds));
    }

    /** An annotation as stored, its data left as the JSON text it is stored as (for comparing without parsing). */
    public record StoredRow(String id, String inputId, String taskId, String modelVersionId, String dataJson) {
    }

    /** The stored rows of the app's annotations with these ids, by id, data unparsed. */
    public java.util.Map<String, StoredRow> findStored(Handle handle, String appUid, Collection<String> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<String, StoredRow> found = new java.util.HashMap<>();
        handle.createQuery("SELECT id, input_id, task_id, model_version_id, data FROM annotations"
                        + " WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> new StoredRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)))
                .forEach(row -> found.put(row.id(), row));
        return found;
    }

    /** Which of these ids are annotations of the app already. */
    public Set<String> existingIds(Handle handle, String appUid, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return handle.createQuery("SELECT id FROM annotations WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", List.copyOf(ids)).mapTo(String.class).set();
    }

    /**
     * One page of the users who have annotations in the app, by user id. Annotations made in
     * tasks are counted per task and user in {@code task_status_counts} (kept exact in every
     * transaction by migration V5's triggers), a few rows per worker and task, so only the
     * annotations made outside tasks are read one by one, from the index on (app, task) that
     * holds their user: a call costs the app's count rows and its annotations outside tasks,
     * not all its annotations.
     */
    public List<String> authors(Handle handle, String appUid, int offset, int limit) {
        return handle.createQuery("""
                        SELECT user_id FROM task_status_counts WHERE app_uid = :app AND kind = 'annotation'
                        UNION
                        SELECT user_id FROM annotations WHERE app_uid = :app AND task_id = '' AND model_version_id = ''
                        ORDER BY user_id LIMIT :limit OFFSET :offset""")
                .bind("app", appUid).bind("limit", limit).bind("offset", offset)
                .mapTo(String.class).list();
    }

    /**
     * One labeler's annotations on one input of a task: their labeling (never a correction they
     * made as a reviewer of someone else's labeling of the input).
     */
    public List<Annotation> ofLabeling(Handle handle, String appUid, String taskId, String inputId, String userId) {
        return handle.createQuery("""
                        SELECT * FROM annotations
                        WHERE app_uid = :app AND task_id = :task AND input_id = :input AND user_id = :user
                          AND corrects_assignment_id = '' ORDER BY seq""")
                .bind("app", appUid).bind("task", taskId).bind("input", inputId).bind("user", userId)
                .map((rs, ctx) -> map(rs)).list();
    }

    /** Sets the status (and, when given, the consensus record) of a labeling's annotations. */
    public void setLabelingStatus(Handle handle, String appUid, String taskId, String inputId, String userId, int status,
                                  String consensusInfoJson, long now) {
        String consensus = consensusInfoJson == null ? "" : ", consensus_info = :consensus";
        handle.createUpdate("UPDATE annotations SET status = :status, modified_at = :now" + consensus
                        + " WHERE app_uid = :app AND task_id = :task AND input_id = :input AND user_id = :user"
                        + " AND corrects_assignment_id = ''")
                .bind("status", status).bind("now", now).bind("consensus", consensusInfoJson).bind("app", appUid)
                .bind("task", taskId).bind("input", inputId).bind("user", userId).execute();
        changed.changed(handle, appUid, List.of(inputId));
    }

    /** {@link #setLabelingStatus} for one user's annotations on several inputs, in one statement. */
    public void setLabelingStatuses(Handle handle, String appUid, String taskId, List<String> inputIds, String userId,
                                    int status, long now) {
        handle.createUpdate("""
                        UPDATE annotations SET status = :status, modified_at = :now
                        WHERE app_uid = :app AND task_id = :task AND input_id IN (<inputs>) AND user_id = :user
                          AND corrects_assignment_id = ''""")
                .bind("status", status).bind("now", now).bind("app", appUid).bind("task", taskId)
                .bindList("inputs", inputIds).bind("user", userId).execute();
        changed.changed(handle, appUid, inputIds);
    }

    public void update(Handle handle, Annotation a) {
        handle.createUpdate("""
                        UPDATE annotations SET data = :data, status = :status, modified_at = :modified
                        WHERE app_uid = :app AND id = :id""")
                .bind("data", Json.write(a.data())).bind("status", a.status()).bind("modified", a.modifiedAt())
                .bind("app", a.appUid()).bind("id", a.id()).execute();
        changed.changed(handle, a.appUid(), List.of(a.inputId()));
    }

    /**
     * Records a change to turned-in work in {@code annotation_edits}: who, when, and the data
     * before (after: the new data, or null when the annotation was deleted).
     */
    public void recordEdit(Handle handle, Annotation before, Data after, String editorId, long now) {
        handle.createUpdate("""
                        INSERT INTO annotation_edits (app_uid, annotation_id, input_id, task_id, labeler_id, editor_id,
                                                      action, status, old_data, new_data, edited_at)
                        VALUES (:app, :id, :input, :task, :labeler, :editor, :action, :status, :old, :new, :now)""")
                .bind("app", before.appUid()).bind("id", before.id()).bind("input", before.inputId())
                .bind("task", before.taskId()).bind("labeler", before.userId()).bind("editor", editorId)
                .bind("action", after == null ? "delete" : "patch").bind("status", before.status())
                .bind("old", Json.write(before.data())).bind("new", after == null ? null : Json.write(after))
                .bind("now", now).execute();
    }

    /**
     * Deletes one labeler's labels on an input of a task that were never turned in
     * (ANNOTATION_PENDING), and returns them: what goes with work taken away from its worker.
     * Like every deletion, heard by {@code changed} when some went.
     */
    public List<Annotation> deleteDrafts(Handle handle, String appUid, String taskId, String inputId, String userId) {
        List<Annotation> drafts = handle.createQuery("""
                        DELETE FROM annotations WHERE app_uid = :app AND task_id = :task AND input_id = :input
                          AND user_id = :user AND status = :pending RETURNING *""")
                .bind("app", appUid).bind("task", taskId).bind("input", inputId).bind("user", userId)
                .bind("pending", StatusCode.ANNOTATION_PENDING.getNumber()).map((rs, ctx) -> map(rs)).list();
        if (!drafts.isEmpty()) {
            changed.changed(handle, appUid, List.of(inputId));
        }
        return drafts;
    }

    public int delete(Handle handle, String appUid, List<String> ids) {
        // The inputs they were on: a search for inputs without some annotation may match them now.
        List<String> inputIds = handle.createQuery("DELETE FROM annotations WHERE app_uid = :app AND id IN (<ids>)"
                        + " RETURNING input_id")
                .bind("app", appUid).bindList("ids", ids).mapTo(String.class).list();
        changed.changed(handle, appUid, Set.copyOf(inputIds));
        return inputIds.size();
    }


    private static Annotation map(ResultSet rs) throws SQLException {
        String version = rs.getString("model_version_id");
        Annotation.Machine machine = version == null || version.isEmpty() ? null
                : new Annotation.Machine(rs.getString("model_id"), version);
        return new Annotation(rs.getString("app_uid"), rs.getString("id"), rs.getString("input_id"),
                rs.getString("task_id"), rs.getString("user_id"), Json.read(rs.getString("data"), Data.newBuilder()).build(),
                rs.getInt("status"), rs.getString("consensus_info"), rs.getLong("created_at"), rs.getLong("modified_at"),
                machine);
    }
}
