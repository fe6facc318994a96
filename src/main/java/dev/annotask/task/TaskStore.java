package dev.annotask.task;

import dev.annotask.proto.api.Task;
import dev.annotask.store.Json;
import dev.annotask.store.SqlBatch;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Tasks in the database: the definition as JSON, the columns listings filter on, and one
 * row per worker and reviewer so that "tasks of user X" is an index lookup. Thread-safe.
 */
public final class TaskStore {
    /** The roles of {@link #isMember}. */
    public static final String WORKER = "worker";
    public static final String REVIEWER = "reviewer";

    private final ParsedSpecs specs = new ParsedSpecs();


    /** What ListTasks may filter on; empty lists and a zero source type filter nothing. */
    public record Filter(List<String> ids, List<String> workerIds, List<String> reviewerIds, int inputSourceType,
                         List<String> inputSourceIds) {
    }


    /** The task as the handle's transaction sees it. */
    public Optional<StoredTask> find(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM tasks WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * The task, its row locked until the transaction ends (on SQLite the write transaction
     * already holds the database): read and lock in one statement.
     */
    public Optional<StoredTask> findForUpdate(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM tasks WHERE app_uid = :app AND id = :id <forUpdate>")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * Locks the task's row until the transaction ends; false when there is no such task. Taken
     * by what rewrites the task (after {@link #lockMembers}) and by the rare labeling
     * transaction that may complete it (assign's Completion); never by the other labeling and
     * review calls (docs/ARCHITECTURE.md, "Locks on the labeling path"). Lock tasks in id order.
     */
    public static boolean lock(Handle handle, String appUid, String id) {
        return handle.createUpdate("UPDATE tasks SET taken_inputs = taken_inputs WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).execute() > 0;
    }

    /** The app's tasks that name any of these users as worker or reviewer, in id order. */
    List<String> idsNaming(Handle handle, String appUid, Collection<String> userIds) {
        return handle.createQuery("""
                        SELECT DISTINCT task_id FROM task_members WHERE app_uid = :app AND user_id IN (<users>)
                        ORDER BY task_id""")
                .bind("app", appUid).bindList("users", List.copyOf(userIds)).mapTo(String.class).list();
    }

    /**
     * True when the task's stored definition names the user in the role ({@link #WORKER} or
     * {@link #REVIEWER}).
     */
    public static boolean isMember(Handle handle, String appUid, String taskId, String role, String userId) {
        return handle.createQuery("""
                        SELECT COUNT(*) AS n FROM task_members
                        WHERE app_uid = :app AND task_id = :task AND role = :role AND user_id = :user""")
                .bind("app", appUid).bind("task", taskId).bind("role", role).bind("user", userId)
                .mapTo(Long.class).one() > 0;
    }

    /**
     * {@link #isMember}, and the membership row locked until the transaction ends. Every
     * labeling and review call asks this first. The definition it read may have changed since
     * (PatchTasks, a removed collaborator): what rewrites a task locks its membership rows
     * first ({@link #lockMembers}), so it waits for the calls in flight, and a call that waited
     * for it reads the rows it left (a member removed is gone, one kept is found again). The
     * lock is exclusive so that one user's calls on a task run one at a time (two LABEL_STARTs
     * of one worker would otherwise both take the same input), while different users' calls do
     * not wait for each other.
     */
    public static boolean lockMembership(Handle handle, String appUid, String taskId, String role, String userId) {
        return handle.createQuery("""
                        SELECT user_id FROM task_members
                        WHERE app_uid = :app AND task_id = :task AND role = :role AND user_id = :user <forUpdate>""")
                .bind("app", appUid).bind("task", taskId).bind("role", role).bind("user", userId)
                .mapTo(String.class).findOne().isPresent();
    }

    /**
     * Locks every membership row of the task until the transaction ends, waiting for the
     * labeling and review calls of the task in flight ({@link #lockMembership}) and making new
     * ones wait. Before the task's row: the order every transaction takes the two in.
     */
    public static void lockMembers(Handle handle, String appUid, String taskId) {
        handle.createUpdate("UPDATE task_members SET role = role WHERE app_uid = :app AND task_id = :task")
                .bind("app", appUid).bind("task", taskId).execute();
    }

    /** The task, or TASK_MISSING (54102) naming it. */
    public StoredTask require(Handle handle, String appUid, String id) {
        return find(handle, appUid, id).orElseThrow(() -> new dev.annotask.api.ApiException(
                dev.annotask.proto.api.status.StatusCode.TASK_MISSING, "task not found: " + id));
    }

    public List<StoredTask> list(Handle handle, String appUid, Filter filter, int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM tasks t WHERE t.app_uid = :app");
        if (!filter.ids().isEmpty()) {
            sql.append(" AND t.id IN (<ids>)");
        }
        if (filter.inputSourceType() != 0) {
            sql.append(" AND t.input_source_type = :sourceType");
        }
        if (!filter.inputSourceIds().isEmpty()) {
            sql.append(" AND t.input_source_id IN (<sourceIds>)");
        }
        if (!filter.workerIds().isEmpty()) {
            sql.append(member(WORKER, "workers"));
        }
        if (!filter.reviewerIds().isEmpty()) {
            sql.append(member(REVIEWER, "reviewers"));
        }
        sql.append(" ORDER BY t.seq LIMIT :limit OFFSET :offset");
        Query query = handle.createQuery(sql.toString()).bind("app", appUid)
                .bind("sourceType", filter.inputSourceType()).bind("limit", limit).bind("offset", offset);
        bindIfAny(query, "ids", filter.ids());
        bindIfAny(query, "sourceIds", filter.inputSourceIds());
        bindIfAny(query, "workers", filter.workerIds());
        bindIfAny(query, "reviewers", filter.reviewerIds());
        return query.map((rs, ctx) -> map(rs)).list();
    }

    private static String member(String role, String list) {
        return " AND EXISTS (SELECT 1 FROM task_members m WHERE m.app_uid = t.app_uid AND m.task_id = t.id"
                + " AND m.role = '" + role + "' AND m.user_id IN (<" + list + ">))";
    }

    private static void bindIfAny(Query query, String name, List<String> values) {
        if (!values.isEmpty()) {
            query.bindList(name, values);
        }
    }

    /** Inserts all, or none when an id is taken; returns the taken ids. */
    List<String> insertAll(Handle handle, List<StoredTask> tasks) {
        List<String> taken = new ArrayList<>();
        for (StoredTask task : tasks) {
            if (exists(handle, task.appUid(), task.id())) {
                taken.add(task.id());
            }
        }
        if (taken.isEmpty()) {
            for (StoredTask task : tasks) {
                handle.createUpdate("""
                                INSERT INTO tasks (app_uid, id, spec, input_source_type, input_source_id, status,
                                                   created_at, modified_at)
                                VALUES (:app, :id, :spec, :sourceType, :sourceId, :status, :createdAt, :modifiedAt)""")
                        .bindMap(columns(task)).execute();
                insertMembers(handle, task);
            }
        }
        return taken;
    }

    /**
     * Replaces the task's definition and status. {@code statusSet}: a PatchTasks call set the
     * status, so it no longer counts as reached by itself; otherwise (a collaborator's removal)
     * that mark stays.
     */
    void replace(Handle handle, StoredTask task, boolean statusSet) {
        handle.createUpdate("""
                        UPDATE tasks SET spec = :spec, input_source_type = :sourceType, input_source_id = :sourceId,
                               status = :status, modified_at = :modifiedAt""" + (statusSet ? ", auto_done = FALSE" : "")
                        + " WHERE app_uid = :app AND id = :id")
                .bindMap(columns(task)).execute();
        // Rows of members who stay are kept (a call waiting for them finds them again), the
        // others deleted, new ones added; the caller locked them all first (lockMembers).
        List<String> kept = new ArrayList<>();
        task.spec().getWorker().getUserIdsList().forEach(u -> kept.add(WORKER + "/" + u));
        task.spec().getReview().getUserIdsList().forEach(u -> kept.add(REVIEWER + "/" + u));
        handle.createUpdate("""
                        DELETE FROM task_members WHERE app_uid = :app AND task_id = :id
                          AND role || '/' || user_id NOT IN (<kept>)""")
                .bind("app", task.appUid()).bind("id", task.id())
                .bindList("kept", kept.isEmpty() ? List.of("") : kept).execute();
        insertMembers(handle, task);
    }

    /**
     * The statement that puts tasks that completed by themselves back in progress when inputs
     * join their source (docs/ARCHITECTURE.md, "Progress and completion"), for the caller to run
     * in the transaction the inputs join in (an upload sends it with its own statements). A task
     * the owner closed stays closed.
     */
    public SqlBatch.Statement reopenCompleted(String appUid, Collection<String> datasetIds) {
        List<Object> values = new ArrayList<>(List.of(
                dev.annotask.proto.api.status.StatusCode.TASK_IN_PROGRESS.getNumber(), appUid,
                dev.annotask.proto.api.status.StatusCode.TASK_DONE.getNumber(),
                dev.annotask.proto.api.TaskInputSource.TaskInputSourceType.ALL_INPUTS_VALUE));
        StringBuilder sql = new StringBuilder("UPDATE tasks SET status = ?, auto_done = FALSE"
                + " WHERE app_uid = ? AND auto_done AND status = ? AND (input_source_type = ?");
        if (!datasetIds.isEmpty()) {
            sql.append(" OR (input_source_type = ? AND input_source_id IN (");
            values.add(dev.annotask.proto.api.TaskInputSource.TaskInputSourceType.DATASET_VALUE);
            for (String datasetId : datasetIds) {
                sql.append(values.size() == 5 ? "?" : ", ?");
                values.add(datasetId);
            }
            sql.append("))");
        }
        return new SqlBatch.Statement(sql.append(')').toString(), values.toArray());
    }

    /**
     * {@link #reopenCompleted} run now in the handle's transaction, answering the ids of the
     * tasks it reopened: for when someone is told of each (a task.reopened event).
     */
    public List<String> reopenCompletedIds(Handle handle, String appUid, Collection<String> datasetIds) {
        SqlBatch.Statement reopen = reopenCompleted(appUid, datasetIds);
        var query = handle.createQuery(reopen.sql() + " RETURNING id");
        for (int i = 0; i < reopen.values().length; i++) {
            query.bind(i, reopen.values()[i]);
        }
        return query.mapTo(String.class).list();
    }

    /**
     * Puts the tasks taking their inputs from these saved searches back in progress when they
     * completed by themselves (inputs joined the searches), answering their ids; as
     * {@link #reopenCompleted} does for datasets.
     */
    public List<String> reopenCompletedFromSearches(Handle handle, String appUid, Collection<String> searchIds) {
        return handle.createQuery("""
                        UPDATE tasks SET status = :open, auto_done = FALSE
                        WHERE app_uid = :app AND auto_done AND status = :done AND input_source_type = :type
                          AND input_source_id IN (<searches>) RETURNING id""")
                .bind("open", dev.annotask.proto.api.status.StatusCode.TASK_IN_PROGRESS.getNumber()).bind("app", appUid)
                .bind("done", dev.annotask.proto.api.status.StatusCode.TASK_DONE.getNumber())
                .bind("type", dev.annotask.proto.api.TaskInputSource.TaskInputSourceType.SAVED_SEARCH_VALUE)
                .bindList("searches", List.copyOf(searchIds)).mapTo(String.class).list();
    }

    /** The progress counters of a task, kept by the labeling workflow. */
    public record Counters(long taken, long worked, long settled) {
    }

    /** The progress counters of a task: the sum of its per-worker rows (see assign's Progress). */
    public Counters counters(Handle handle, String appUid, String id) {
        return handle.createQuery("""
                        SELECT COALESCE(SUM(taken), 0), COALESCE(SUM(worked), 0), COALESCE(SUM(settled), 0)
                        FROM task_progress WHERE app_uid = :app AND task_id = :id""")
                .bind("app", appUid).bind("id", id)
                .map((rs, ctx) -> new Counters(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .findOne().orElse(new Counters(0, 0, 0));
    }

    /** Deletes the tasks, or none when one is missing; returns the missing ids. */
    public List<String> deleteAll(Handle handle, String appUid, Collection<String> ids) {
        List<String> missing = ids.stream().filter(id -> !exists(handle, appUid, id)).distinct().toList();
        if (missing.isEmpty()) {
            // Members' rows first, as every writer of a task takes them: labeling calls in flight end first.
            ids.stream().sorted().distinct().forEach(id -> lockMembers(handle, appUid, id));
            handle.createUpdate("DELETE FROM tasks WHERE app_uid = :app AND id IN (<ids>)")
                    .bind("app", appUid).bindList("ids", List.copyOf(ids)).execute();
        }
        return missing;
    }

    private static boolean exists(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT COUNT(*) AS n FROM tasks WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).mapTo(Long.class).one() > 0;
    }

    private static java.util.Map<String, Object> columns(StoredTask task) {
        return java.util.Map.of("app", task.appUid(), "id", task.id(), "spec", Json.write(task.spec()),
                "sourceType", task.spec().getInputSource().getTypeValue(), "sourceId", task.spec().getInputSource().getId(),
                "status", task.status(), "createdAt", task.createdAt(), "modifiedAt", task.modifiedAt());
    }

    private static void insertMembers(Handle handle, StoredTask task) {
        insertMembers(handle, task, WORKER, Set.copyOf(task.spec().getWorker().getUserIdsList()));
        insertMembers(handle, task, REVIEWER, Set.copyOf(task.spec().getReview().getUserIdsList()));
    }

    private static void insertMembers(Handle handle, StoredTask task, String role, Set<String> userIds) {
        for (String userId : userIds) {
            handle.createUpdate("""
                            INSERT INTO task_members (app_uid, task_id, role, user_id) VALUES (:app, :task, :role, :user)
                            ON CONFLICT (app_uid, task_id, role, user_id) DO NOTHING""")
                    .bind("app", task.appUid()).bind("task", task.id()).bind("role", role).bind("user", userId).execute();
        }
    }

    private StoredTask map(ResultSet rs) throws SQLException {
        return new StoredTask(rs.getString("app_uid"), rs.getString("id"), specs.parse(rs.getString("spec")),
                rs.getInt("status"),
                rs.getLong("created_at"), rs.getLong("modified_at"), rs.getBoolean("partition_by_input"));
    }
}
