package dev.annotask.export;

import dev.annotask.proto.api.status.StatusCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Exports in the database: the rows the API lists, and the work queue the builders claim
 * (a lease per export, so one node builds it and another takes over when that node dies).
 * Stateless.
 */
final class ExportStore {
    static final int PENDING = StatusCode.DATASET_VERSION_EXPORT_PENDING.getNumber();
    static final int IN_PROGRESS = StatusCode.DATASET_VERSION_EXPORT_IN_PROGRESS.getNumber();
    static final int SUCCESS = StatusCode.DATASET_VERSION_EXPORT_SUCCESS.getNumber();
    static final int FAILED = StatusCode.DATASET_VERSION_EXPORT_FAILED.getNumber();

    private ExportStore() {
    }

    static void insert(Handle handle, StoredExport export) {
        handle.createUpdate("""
                        INSERT INTO exports (uid, app_uid, format, labels, task_id, dataset_id, version_uid, version_id,
                                             status, created_at, modified_at)
                        VALUES (:uid, :appUid, :format, :labels, :taskId, :datasetId, :versionUid, :versionId, :status,
                                :createdAt, :modifiedAt)""")
                .bindMethods(export).execute();
    }

    static Optional<StoredExport> find(Handle handle, String appUid, String uid) {
        return handle.createQuery("SELECT * FROM exports WHERE app_uid = :app AND uid = :uid")
                .bind("app", appUid).bind("uid", uid).map((rs, ctx) -> map(rs)).findOne();
    }

    static Optional<StoredExport> findByUid(Handle handle, String uid) {
        return handle.createQuery("SELECT * FROM exports WHERE uid = :uid").bind("uid", uid)
                .map((rs, ctx) -> map(rs)).findOne();
    }

    /** The app's exports, newest first. */
    static List<StoredExport> list(Handle handle, String appUid, int offset, int limit) {
        return handle.createQuery("""
                        SELECT * FROM exports WHERE app_uid = :app ORDER BY created_at DESC, uid LIMIT :limit OFFSET :offset""")
                .bind("app", appUid).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    /** The version's exports, newest first. */
    static List<StoredExport> ofVersion(Handle handle, String versionUid) {
        return handle.createQuery("""
                        SELECT * FROM exports WHERE version_uid = :version ORDER BY created_at DESC, uid""")
                .bind("version", versionUid).map((rs, ctx) -> map(rs)).list();
    }

    /** How many of the app's exports are waiting or being built. */
    static int inFlight(Handle handle, String appUid) {
        return handle.createQuery("SELECT COUNT(*) FROM exports WHERE app_uid = :app AND status IN (64201, 64203)")
                .bind("app", appUid).mapTo(Integer.class).one();
    }

    /** Deletes the app's exports with these uids; returns the uids deleted. */
    static List<String> delete(Handle handle, String appUid, Collection<String> uids) {
        return handle.createQuery("DELETE FROM exports WHERE app_uid = :app AND uid IN (<uids>) RETURNING uid")
                .bind("app", appUid).bindList("uids", List.copyOf(uids)).mapTo(String.class).list();
    }

    /** The exports of these versions of a dataset (about to go with them). */
    static List<String> ofVersions(Handle handle, String appUid, String datasetId, Collection<String> versionIds) {
        return handle.createQuery("""
                        SELECT e.uid FROM exports e JOIN dataset_versions v ON v.uid = e.version_uid
                        WHERE v.app_uid = :app AND v.dataset_id = :dataset AND v.id IN (<versions>)""")
                .bind("app", appUid).bind("dataset", datasetId).bindList("versions", List.copyOf(versionIds))
                .mapTo(String.class).list();
    }

    /** Exports waiting for a builder: pending, or in progress under a lapsed lease. A read. */
    static List<String> due(Handle handle, long now, int limit) {
        return handle.createQuery("""
                        SELECT uid FROM exports WHERE status IN (64201, 64203) AND lease_until <= :now
                        ORDER BY lease_until, created_at LIMIT :limit""")
                .bind("now", now).bind("limit", limit).mapTo(String.class).list();
    }

    /**
     * Claims the export for this node until {@code until} if nobody holds it (rows another node is
     * claiming are passed over: {@code SKIP LOCKED}); returns the attempt number, or 0.
     */
    static int claim(Handle handle, String uid, String node, long now, long until) {
        List<Integer> attempts = handle.createQuery("""
                        SELECT attempts FROM exports WHERE uid = :uid AND status IN (64201, 64203) AND lease_until <= :now
                        <forUpdateSkipLocked>""")
                .bind("uid", uid).bind("now", now).mapTo(Integer.class).list();
        if (attempts.isEmpty()) {
            return 0;
        }
        handle.createUpdate("""
                        UPDATE exports SET status = :inProgress, lease_owner = :node, lease_until = :until,
                               attempts = attempts + 1, modified_at = :now WHERE uid = :uid""")
                .bind("inProgress", IN_PROGRESS).bind("node", node).bind("until", until).bind("now", now)
                .bind("uid", uid).execute();
        return attempts.get(0) + 1;
    }

    /** Extends this node's lease; false when it no longer holds the export (deleted, or taken over). */
    static boolean extend(Handle handle, String uid, String node, long until) {
        return handle.createUpdate("""
                        UPDATE exports SET lease_until = :until WHERE uid = :uid AND lease_owner = :node AND status = 64203""")
                .bind("until", until).bind("uid", uid).bind("node", node).execute() > 0;
    }

    /** Records the outcome if this node still holds the export; false otherwise. */
    static boolean finish(Handle handle, String uid, String node, int status, String details, long size,
                          long inputs, long now) {
        return handle.createUpdate("""
                        UPDATE exports SET status = :status, details = :details, size = :size, inputs_count = :inputs,
                               lease_owner = '', lease_until = 0, modified_at = :now
                        WHERE uid = :uid AND lease_owner = :node AND status = 64203""")
                .bind("status", status).bind("details", details).bind("size", size).bind("inputs", inputs)
                .bind("now", now).bind("uid", uid).bind("node", node).execute() > 0;
    }

    /** Gives the export back to be tried again from {@code at} on (the build failed for a reason that may pass). */
    static void retryLater(Handle handle, String uid, String node, long at) {
        handle.createUpdate("UPDATE exports SET lease_owner = '', lease_until = :at WHERE uid = :uid AND lease_owner = :node")
                .bind("at", at).bind("uid", uid).bind("node", node).execute();
    }

    /** Claims given back at start on SQLite, where the node that held them is this one, restarted. */
    static void releaseAll(Handle handle) {
        handle.createUpdate("UPDATE exports SET lease_owner = '', lease_until = 0 WHERE lease_owner <> ''").execute();
    }

    /**
     * Deletes finished exports past retention: built or failed before {@code cutoff}, and each
     * app's finished exports beyond its {@code keep} newest. Returns the uids deleted (their
     * files are the caller's to remove), at most {@code limit}.
     */
    static List<String> deleteExpired(Handle handle, long cutoff, int keep, int limit) {
        return handle.createQuery("""
                        DELETE FROM exports WHERE uid IN (
                          SELECT e.uid FROM exports e WHERE e.status IN (64200, 64202) AND (e.modified_at < :cutoff
                            OR (SELECT COUNT(*) FROM exports n WHERE n.app_uid = e.app_uid AND n.status IN (64200, 64202)
                                AND (n.created_at > e.created_at OR n.created_at = e.created_at AND n.uid > e.uid)) >= :keep)
                          LIMIT :limit)
                        RETURNING uid""")
                .bind("cutoff", cutoff).bind("keep", keep).bind("limit", limit).mapTo(String.class).list();
    }

    /** Whether a built export with this uid exists (a file without one is left over). */
    static boolean isBuilt(Handle handle, String uid) {
        return handle.createQuery("SELECT COUNT(*) FROM exports WHERE uid = :uid AND status = 64200").bind("uid", uid)
                .mapTo(Integer.class).one() > 0;
    }

    /** The app's concepts (id, name) in id order: an export's classes. */
    static List<java.util.Map.Entry<String, String>> concepts(Handle handle, String appUid) {
        return handle.createQuery("SELECT id, name FROM concepts WHERE app_uid = :app ORDER BY id")
                .bind("app", appUid).map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getString(2))).list();
    }

    /** An input's stored bytes, if it still has them. */
    static Optional<byte[]> storedBytes(Handle handle, String appUid, String inputId) {
        return handle.createQuery("SELECT content FROM input_bytes WHERE app_uid = :app AND input_id = :id")
                .bind("app", appUid).bind("id", inputId).mapTo(byte[].class).findOne();
    }

    /** A task's stored definition, if the task exists. */
    static Optional<dev.annotask.proto.api.Task> taskSpec(Handle handle, String appUid, String taskId) {
        return handle.createQuery("SELECT spec FROM tasks WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", taskId).mapTo(String.class).findOne()
                .map(spec -> dev.annotask.store.Json.read(spec, dev.annotask.proto.api.Task.newBuilder()).build());
    }

    private static StoredExport map(ResultSet rs) throws SQLException {
        return new StoredExport(rs.getString("uid"), rs.getString("app_uid"), rs.getInt("format"), rs.getInt("labels"),
                rs.getString("task_id"), rs.getString("dataset_id"), rs.getString("version_uid"),
                rs.getString("version_id"), rs.getInt("status"), rs.getString("details"), rs.getLong("size"),
                rs.getLong("inputs_count"), rs.getLong("created_at"), rs.getLong("modified_at"));
    }
}
