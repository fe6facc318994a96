package dev.annotask.assign;

import dev.annotask.annotation.Annotation;
import dev.annotask.annotation.AnnotationStore;
import dev.annotask.api.ApiException;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.task.StoredTask;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of assignments, per-input labeling state and scan cursors. Every method takes the
 * caller's handle, so a whole LABEL_START or LABEL_SUBMIT is one transaction.
 *
 * <p>{@link #takeSlots} is the one place that enforces "never more than k labelers per input":
 * a conditional increment that PostgreSQL serialises on the row and SQLite on its single
 * writer, so concurrent labelers on any number of nodes cannot overfill an input.
 */
final class AssignmentStore {
    static final int PENDING = StatusCode.TASK_ASSIGNMENT_PENDING.getNumber();

    private AssignmentStore() {
    }

    /**
     * The worker's pending assignments, work a reviewer sent back first (in the order it was
     * taken), then the rest in the order taken. The index ends at the status, so this sorts
     * the worker's pending rows: their batch and what was sent back, a few dozen at most.
     */
    static List<Assignment> pendingOf(Handle handle, String appUid, String taskId, String workerId, int limit) {
        return handle.createQuery("""
                        SELECT * FROM task_assignments
                        WHERE app_uid = :app AND task_id = :task AND worker_id = :worker AND status = :pending
                        ORDER BY returned_at = 0, seq LIMIT :limit""")
                .bind("app", appUid).bind("task", taskId).bind("worker", workerId).bind("pending", PENDING)
                .bind("limit", limit).map((rs, ctx) -> map(rs)).list();
    }

    /** The assignments of the app with these ids, by id; unknown ids are absent. */
    static Map<String, Assignment> findAll(Handle handle, String appUid, java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        // By id alone (ids are unique across apps), the app checked on the rows: with the app
        // in the WHERE clause as well, SQLite walks the app's whole index instead (2.5 ms
        // instead of 0.03 ms for ten ids among 20,000 assignments, measured).
        Map<String, Assignment> found = new HashMap<>();
        handle.createQuery("SELECT * FROM task_assignments WHERE id IN (<ids>)")
                .bindList("ids", List.copyOf(new java.util.LinkedHashSet<>(ids)))
                .map((rs, ctx) -> map(rs)).stream().filter(a -> a.appUid().equals(appUid))
                .forEach(a -> found.put(a.id(), a));
        return found;
    }

    /** The task's assignments with these ids, in the order named; NOT_FOUND for any other id. */
    static List<Assignment> requireInTask(Handle handle, StoredTask task, List<String> ids) {
        Map<String, Assignment> found = findAll(handle, task.appUid(), ids);
        List<Assignment> named = new ArrayList<>();
        for (String id : ids) {
            named.add(Optional.ofNullable(found.get(id)).filter(a -> a.taskId().equals(task.id()))
                    .orElseThrow(() -> ApiException.notFound("task assignment '" + id + "' not found in this task")));
        }
        return named;
    }

    /** These assignments read again, as they now stand (an assignment deleted meanwhile as it was). */
    static List<Assignment> reread(Handle handle, String appUid, java.util.Collection<Assignment> assignments) {
        Map<String, Assignment> current = findAll(handle, appUid, assignments.stream().map(Assignment::id).toList());
        return assignments.stream().map(a -> current.getOrDefault(a.id(), a)).toList();
    }

    static Optional<Assignment> find(Handle handle, String appUid, String taskId, String inputId, String workerId) {
        return handle.createQuery("""
                        SELECT * FROM task_assignments
                        WHERE app_uid = :app AND task_id = :task AND input_id = :input AND worker_id = :worker""")
                .bind("app", appUid).bind("task", taskId).bind("input", inputId).bind("worker", workerId)
                .map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * True when the worker's assignment on the input is still open to annotate (pending, its
     * lease not run out); the row is then share-locked until the caller's transaction ends, so
     * a LABEL_SUBMIT of it waits for that transaction and its annotations, and one that came
     * first makes this read see the assignment submitted (see {@code SqlDialect#rowLock}).
     */
    static Set<String> lockOpen(Handle handle, String appUid, String taskId, Collection<String> inputIds,
                                String workerId, long now) {
        if (inputIds.isEmpty()) {
            return Set.of();
        }
        return handle.createQuery("""
                        SELECT input_id FROM task_assignments
                        WHERE app_uid = :app AND task_id = :task AND worker_id = :worker AND input_id IN (<inputs>)
                          AND status = :pending AND (lease_expires_at = 0 OR lease_expires_at > :now)
                        ORDER BY id <forShare>""")
                .bind("app", appUid).bind("task", taskId).bindList("inputs", List.copyOf(inputIds))
                .bind("worker", workerId).bind("pending", PENDING).bind("now", now).mapTo(String.class).set();
    }

    static List<Assignment> ofInput(Handle handle, String appUid, String taskId, String inputId) {
        return handle.createQuery("""
                        SELECT * FROM task_assignments WHERE app_uid = :app AND task_id = :task AND input_id = :input
                        ORDER BY seq""")
                .bind("app", appUid).bind("task", taskId).bind("input", inputId).map((rs, ctx) -> map(rs)).list();
    }

    /**
     * Returns expired pending leases of a task to the pool: the assignment goes, its input's
     * slot frees and is offered again (counted off in the tally). Returns how many were released.
     * Reads the expired leases without a lock first, so a LABEL_START with none to release
     * locks nothing here.
     */
    static int releaseExpired(Handle handle, AnnotationStore annotations, StoredTask task, long now,
                              Progress.Tally tally) {
        List<Assignment> expired = expired(handle, task, now);
        if (expired.isEmpty()) {
            return 0;
        }
        // Their slot rows first (the lock order), then read again: another LABEL_START may have
        // released some of them meanwhile, and a LABEL_SUBMIT that came first refused them.
        Progress.lockInputs(handle, task, expired.stream().map(Assignment::inputId).toList());
        expired = expired(handle, task, now);
        for (Assignment assignment : expired) {
            release(handle, annotations, assignment, tally);
        }
        return expired.size();
    }

    private static List<Assignment> expired(Handle handle, StoredTask task, long now) {
        return handle.createQuery("""
                        SELECT * FROM task_assignments WHERE app_uid = :app AND task_id = :task AND status = :pending
                          AND lease_expires_at > 0 AND lease_expires_at <= :now ORDER BY input_id""")
                .bind("app", task.appUid()).bind("task", task.id()).bind("pending", PENDING).bind("now", now)
                .map((rs, ctx) -> map(rs)).list();
    }

    /**
     * Takes the assignment away from its worker and frees its slot for someone else; an input
     * nobody holds any more no longer counts as taken (see Progress). The worker's labels on the
     * input that were never turned in (ANNOTATION_PENDING) go with it: nobody would ever turn
     * them in, and left behind they would count as pending work of a task that has none, or
     * join the worker's next labeling of the input if it comes back to them.
     */
    static void release(Handle handle, AnnotationStore annotations, Assignment assignment, Progress.Tally tally) {
        int deleted = handle.createUpdate("DELETE FROM task_assignments WHERE app_uid = :app AND id = :id")
                .bind("app", assignment.appUid()).bind("id", assignment.id()).execute();
        if (deleted == 0) {
            return; // released by another transaction meanwhile: its slot is free already
        }
        List<Annotation> drafts = annotations.deleteDrafts(handle, assignment.appUid(), assignment.taskId(),
                assignment.inputId(), assignment.workerId());
        tally.draftsDropped(handle, drafts);
        int stillHeld = handle.createQuery("""
                        UPDATE task_inputs SET claimed = claimed - 1, reoffer = open
                        WHERE app_uid = :app AND task_id = :task AND input_id = :input RETURNING claimed""")
                .bind("app", assignment.appUid()).bind("task", assignment.taskId()).bind("input", assignment.inputId())
                .mapTo(Integer.class).findOne().orElse(1);
        if (stillHeld == 0) {
            tally.untaken();
        }
    }

    static ScanCursor cursor(Handle handle, String appUid, String taskId, String workerId) {
        return handle.createQuery("""
                        SELECT last_seq, pass_to, bucket_at, bucket_seq FROM task_cursors
                        WHERE app_uid = :app AND task_id = :task AND worker_id = :worker""")
                .bind("app", appUid).bind("task", taskId).bind("worker", workerId)
                .map((rs, ctx) -> new ScanCursor(rs.getLong("last_seq"), rs.getLong("pass_to"), rs.getInt("bucket_at"),
                        rs.getLong("bucket_seq")))
                .findOne().orElse(ScanCursor.START);
    }

    static void setCursor(Handle handle, String appUid, String taskId, String workerId, ScanCursor cursor) {
        handle.createUpdate("""
                        INSERT INTO task_cursors (app_uid, task_id, worker_id, last_seq, pass_to, bucket_at, bucket_seq)
                        VALUES (:app, :task, :worker, :seq, :passTo, :bucketAt, :bucketSeq)
                        ON CONFLICT (app_uid, task_id, worker_id) DO UPDATE SET last_seq = excluded.last_seq,
                          pass_to = excluded.pass_to, bucket_at = excluded.bucket_at, bucket_seq = excluded.bucket_seq""")
                .bind("app", appUid).bind("task", taskId).bind("worker", workerId).bind("seq", cursor.lastSeq())
                .bind("passTo", cursor.passTo()).bind("bucketAt", cursor.bucketAt()).bind("bucketSeq", cursor.bucketSeq())
                .execute();
    }

    /** Inputs whose released slots await a worker who has not held them, oldest first. */
    static List<String> reoffered(Handle handle, String appUid, String taskId, String workerId, int limit) {
        return handle.createQuery("""
                        SELECT ti.input_id FROM task_inputs ti
                        WHERE ti.app_uid = :app AND ti.task_id = :task AND ti.reoffer = TRUE AND ti.open
                          AND NOT EXISTS (SELECT 1 FROM task_assignments a WHERE a.app_uid = ti.app_uid
                                          AND a.task_id = ti.task_id AND a.input_id = ti.input_id AND a.worker_id = :worker)
                        LIMIT :limit""")
                .bind("app", appUid).bind("task", taskId).bind("worker", workerId).bind("limit", limit)
                .mapTo(String.class).list();
    }

    /**
     * Takes one of each input's k slots where one is free and the input is still open, in one
     * statement: the first taker creates the row, later ones increment it only while the count
     * is below k. Returns, for each input whose slot was taken, the count after taking (1 =
     * nobody else holds it now, so it counts as taken again); inputs with no free slot are
     * absent.
     */
    static Map<String, Integer> takeSlots(Handle handle, String appUid, String taskId,
                                                    List<String> inputIds, int k) {
        if (inputIds.isEmpty()) {
            return Map.of();
        }
        // In input id order: the rows are locked in the order of the VALUES, and every
        // transaction locks slot rows in input id order (see Progress#lockInputs).
        List<String> sorted = List.copyOf(new java.util.TreeSet<>(inputIds));
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < sorted.size(); i++) {
            rows.append(i == 0 ? "" : ", ").append("(:app, :task, :input").append(i).append(", 1, TRUE, FALSE)");
        }
        var upsert = handle.createQuery("INSERT INTO task_inputs (app_uid, task_id, input_id, claimed, open, reoffer) VALUES "
                        + rows + """
                         ON CONFLICT (app_uid, task_id, input_id) DO UPDATE
                          SET claimed = task_inputs.claimed + 1,
                              reoffer = (task_inputs.reoffer AND task_inputs.claimed + 1 < :k)
                          WHERE task_inputs.claimed < :k AND task_inputs.open
                        RETURNING input_id, claimed""")
                .bind("app", appUid).bind("task", taskId).bind("k", k);
        for (int i = 0; i < sorted.size(); i++) {
            upsert.bind("input" + i, sorted.get(i));
        }
        Map<String, Integer> taken = new HashMap<>();
        upsert.map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(e -> taken.put(e.getKey(), e.getValue()));
        return taken;
    }

    /** Which of these inputs the worker already has (or had) an assignment on in the task. */
    static java.util.Set<String> heldAmong(Handle handle, String appUid, String taskId, String workerId,
                                           java.util.Collection<String> inputIds) {
        if (inputIds.isEmpty()) {
            return java.util.Set.of();
        }
        return handle.createQuery("""
                        SELECT input_id FROM task_assignments
                        WHERE app_uid = :app AND task_id = :task AND worker_id = :worker AND input_id IN (<inputs>)""")
                .bind("app", appUid).bind("task", taskId).bind("worker", workerId)
                .bindList("inputs", java.util.List.copyOf(inputIds)).mapTo(String.class).set();
    }

    /** Closes the input for labeling: nobody else takes it (consensus reached, or sent to review). */
    static void closeInput(Handle handle, String appUid, String taskId, String inputId) {
        handle.createUpdate("""
                        UPDATE task_inputs SET open = FALSE, reoffer = FALSE
                        WHERE app_uid = :app AND task_id = :task AND input_id = :input""")
                .bind("app", appUid).bind("task", taskId).bind("input", inputId).execute();
    }

    /** How many workers hold the input, or 0 when nobody has taken it. */
    static int claimed(Handle handle, String appUid, String taskId, String inputId) {
        return handle.createQuery("""
                        SELECT claimed FROM task_inputs WHERE app_uid = :app AND task_id = :task AND input_id = :input""")
                .bind("app", appUid).bind("task", taskId).bind("input", inputId).mapTo(Integer.class).findOne().orElse(0);
    }

    static void insertAll(Handle handle, List<Assignment> assignments) {
        if (assignments.isEmpty()) {
            return;
        }
        var batch = handle.prepareBatch("""
                INSERT INTO task_assignments (id, app_uid, task_id, input_id, worker_id, status, lease_expires_at,
                                              created_at, modified_at)
                VALUES (:id, :appUid, :taskId, :inputId, :workerId, :status, :leaseExpiresAt, :createdAt,
                        :modifiedAt)""");
        for (Assignment a : assignments) {
            // Named binds, not bindMethods: its reflective lookup per row showed in the writer's profile.
            batch.bind("id", a.id()).bind("appUid", a.appUid()).bind("taskId", a.taskId()).bind("inputId", a.inputId())
                    .bind("workerId", a.workerId()).bind("status", a.status()).bind("leaseExpiresAt", a.leaseExpiresAt())
                    .bind("createdAt", a.createdAt()).bind("modifiedAt", a.modifiedAt()).add();
        }
        batch.execute();
    }

    static void setStatus(Handle handle, Assignment a, int status, long now) {
        handle.createUpdate("""
                        UPDATE task_assignments SET status = :status, modified_at = :now, lease_expires_at = 0
                        WHERE app_uid = :app AND id = :id""")
                .bind("status", status).bind("now", now).bind("app", a.appUid()).bind("id", a.id()).execute();
    }

    /** Sends the assignment back to its worker: pending again, marked as returned now (see {@link #pendingOf}). */
    static void sendBack(Handle handle, Assignment a, long now) {
        handle.createUpdate("""
                        UPDATE task_assignments SET status = :pending, modified_at = :now, lease_expires_at = 0,
                          returned_at = :now
                        WHERE app_uid = :app AND id = :id""")
                .bind("pending", PENDING).bind("now", now).bind("app", a.appUid()).bind("id", a.id()).execute();
    }

    /** Sets the status of these assignments, read from the store in this transaction (see {@link #findAll}). */
    static void setStatuses(Handle handle, List<Assignment> assignments, int status, long now) {
        handle.createUpdate("""
                        UPDATE task_assignments SET status = :status, modified_at = :now, lease_expires_at = 0
                        WHERE id IN (<ids>)""")
                .bind("status", status).bind("now", now)
                .bindList("ids", assignments.stream().map(Assignment::id).toList()).execute();
    }

    /**
     * Turns these assignments in: as {@link #setStatuses}, and they are stamped as submitted now
     * (submitted_at, read by the owner's per-labeler statistics). Same single statement.
     */
    static void submitAll(Handle handle, List<Assignment> assignments, int status, long now) {
        handle.createUpdate("""
                        UPDATE task_assignments SET status = :status, modified_at = :now, lease_expires_at = 0,
                          submitted_at = :now
                        WHERE id IN (<ids>)""")
                .bind("status", status).bind("now", now)
                .bindList("ids", assignments.stream().map(Assignment::id).toList()).execute();
    }

    /** Extends the leases of these assignments, read from the store in this transaction, in one statement. */
    static void extendLeases(Handle handle, List<Assignment> assignments, long expiresAt) {
        handle.createUpdate("UPDATE task_assignments SET lease_expires_at = :at WHERE id IN (<ids>)")
                .bind("at", expiresAt).bindList("ids", assignments.stream().map(Assignment::id).toList()).execute();
    }

    /** Every pending assignment of the task. */
    static List<Assignment> pendingOfTask(Handle handle, String appUid, String taskId) {
        return ofTaskWith(handle, appUid, taskId, PENDING);
    }

    /** Every assignment of the task in this status, by input and worker. */
    static List<Assignment> ofTaskWith(Handle handle, String appUid, String taskId, int status) {
        return handle.createQuery("""
                        SELECT * FROM task_assignments WHERE app_uid = :app AND task_id = :task AND status = :status
                        ORDER BY input_id, worker_id""")
                .bind("app", appUid).bind("task", taskId).bind("status", status).map((rs, ctx) -> map(rs)).list();
    }

    /** The task's inputs with an assignment in this status. */
    static List<String> inputsWith(Handle handle, String appUid, String taskId, int status) {
        return handle.createQuery("""
                        SELECT DISTINCT input_id FROM task_assignments
                        WHERE app_uid = :app AND task_id = :task AND status = :status ORDER BY input_id""")
                .bind("app", appUid).bind("task", taskId).bind("status", status).mapTo(String.class).list();
    }

    /** Forgets every worker's scan position in the task: their next LABEL_START scans from the start. */
    static void restartScans(Handle handle, String appUid, String taskId) {
        handle.createUpdate("DELETE FROM task_cursors WHERE app_uid = :app AND task_id = :task")
                .bind("app", appUid).bind("task", taskId).execute();
    }

    static Assignment mapRow(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        return map(rs);
    }

    private static Assignment map(ResultSet rs) throws SQLException {
        return new Assignment(rs.getString("id"), rs.getString("app_uid"), rs.getString("task_id"),
                rs.getString("input_id"), rs.getString("worker_id"), rs.getInt("status"), rs.getLong("lease_expires_at"),
                rs.getLong("created_at"), rs.getLong("modified_at"), rs.getLong("returned_at"));
    }
}
