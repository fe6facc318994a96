package dev.annotask.export;

import dev.annotask.proto.api.status.StatusCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Dataset versions in the database: the version rows, the snapshot a node copies in batches
 * after one is made ({@link #copyBatch}), and the queue of versions whose snapshot and metrics a
 * node still has to make.
 * Stateless.
 */
final class VersionStore {
    static final int PENDING = StatusCode.DATASET_VERSION_PENDING.getNumber();
    static final int IN_PROGRESS = StatusCode.DATASET_VERSION_IN_PROGRESS.getNumber();
    static final int READY = StatusCode.DATASET_VERSION_READY.getNumber();
    static final int FAILURE = StatusCode.DATASET_VERSION_FAILURE.getNumber();
    private static final int ANNOTATION_PENDING = StatusCode.ANNOTATION_PENDING.getNumber();

    private VersionStore() {
    }

    /** Stores a new version whose snapshot will hold the dataset's inputs up to {@code snapshotUpto} (input_seq). */
    static void insert(Handle handle, Version version, long snapshotUpto) {
        handle.createUpdate("""
                        INSERT INTO dataset_versions (uid, app_uid, dataset_id, id, description, metadata, status,
                                                      created_at, modified_at, snapshot_upto)
                        VALUES (:uid, :appUid, :datasetId, :id, :description, :metadataJson, :status, :createdAt,
                                :modifiedAt, :upto)""")
                .bindMethods(version).bind("upto", snapshotUpto).execute();
    }

    /** The dataset's highest input_seq now (0 when empty): where a version made now stops. An index lookup. */
    static long lastInputSeq(Handle handle, String appUid, String datasetId) {
        return handle.createQuery("""
                        SELECT COALESCE(MAX(input_seq), 0) FROM dataset_inputs WHERE app_uid = :app AND dataset_id = :dataset""")
                .bind("app", appUid).bind("dataset", datasetId).mapTo(Long.class).one();
    }

    /** Where the version's snapshot stops (input_seq). */
    static long snapshotUpto(Handle handle, String uid) {
        return handle.createQuery("SELECT snapshot_upto FROM dataset_versions WHERE uid = :uid").bind("uid", uid)
                .mapTo(Long.class).findOne().orElse(0L);
    }

    /** The highest input_seq copied into the snapshot so far (0: none): where a resumed copy goes on. */
    static long copiedUpTo(Handle handle, String uid) {
        return handle.createQuery("SELECT COALESCE(MAX(input_seq), 0) FROM dataset_version_inputs WHERE version_uid = :uid")
                .bind("uid", uid).mapTo(Long.class).one();
    }

    /**
     * Copies the next batch of the snapshot in the caller's transaction: the dataset's inputs with
     * input_seq after {@code after} (at most {@code batch} of them, none beyond {@code upto}) and
     * their turned-in annotations, in two INSERT … SELECT statements, so no row passes through
     * the server. Returns the input_seq the batch ended at, or -1 when nothing was left to copy.
     */
    static long copyBatch(Handle handle, Version version, long after, long upto, int batch) {
        if (after >= upto) {
            return -1;
        }
        long end = handle.createQuery("""
                        SELECT input_seq FROM dataset_inputs WHERE app_uid = :app AND dataset_id = :dataset
                          AND input_seq > :after AND input_seq <= :upto ORDER BY input_seq LIMIT 1 OFFSET :skip""")
                .bind("app", version.appUid()).bind("dataset", version.datasetId()).bind("after", after)
                .bind("upto", upto).bind("skip", batch - 1).mapTo(Long.class).findOne().orElse(upto);
        handle.createUpdate("""
                        INSERT INTO dataset_version_inputs (version_uid, input_seq, input_id, data, byte_size, image_width,
                                                            image_height, image_format, created_at, modified_at)
                        SELECT :version, d.input_seq, i.id, i.data, i.byte_size, i.image_width, i.image_height,
                               i.image_format, i.created_at, i.modified_at
                        FROM dataset_inputs d JOIN inputs i ON i.app_uid = d.app_uid AND i.id = d.input_id
                        WHERE d.app_uid = :app AND d.dataset_id = :dataset AND d.input_seq > :after AND d.input_seq <= :end""")
                .bind("version", version.uid()).bind("app", version.appUid()).bind("dataset", version.datasetId())
                .bind("after", after).bind("end", end).execute();
        handle.createUpdate("""
                        INSERT INTO dataset_version_annotations (version_uid, input_seq, seq, id, input_id, task_id, user_id,
                                                                 data, status, created_at, modified_at)
                        SELECT :version, d.input_seq, a.seq, a.id, a.input_id, a.task_id, a.user_id, a.data, a.status,
                               a.created_at, a.modified_at
                        FROM dataset_inputs d JOIN annotations a ON a.app_uid = d.app_uid AND a.input_id = d.input_id
                        WHERE d.app_uid = :app AND d.dataset_id = :dataset AND d.input_seq > :after AND d.input_seq <= :end
                          AND a.status <> :pending""")
                .bind("version", version.uid()).bind("app", version.appUid()).bind("dataset", version.datasetId())
                .bind("after", after).bind("end", end).bind("pending", ANNOTATION_PENDING).execute();
        return end;
    }

    /** Extends this node's lease on the version; false when it is no longer this node's. */
    static boolean extend(Handle handle, String uid, String node, long until) {
        return handle.createUpdate("""
                        UPDATE dataset_versions SET lease_until = :until WHERE uid = :uid AND lease_owner = :node""")
                .bind("until", until).bind("uid", uid).bind("node", node).execute() > 0;
    }

    static Optional<Version> find(Handle handle, String appUid, String datasetId, String id) {
        return handle.createQuery("SELECT * FROM dataset_versions WHERE app_uid = :app AND dataset_id = :dataset AND id = :id")
                .bind("app", appUid).bind("dataset", datasetId).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    static Optional<Version> findByUid(Handle handle, String uid) {
        return handle.createQuery("SELECT * FROM dataset_versions WHERE uid = :uid").bind("uid", uid)
                .map((rs, ctx) -> map(rs)).findOne();
    }

    /** Which of these ids are versions of the dataset already. */
    static List<String> existingIds(Handle handle, String appUid, String datasetId, Collection<String> ids) {
        return handle.createQuery("""
                        SELECT id FROM dataset_versions WHERE app_uid = :app AND dataset_id = :dataset AND id IN (<ids>)
                        ORDER BY id""")
                .bind("app", appUid).bind("dataset", datasetId).bindList("ids", List.copyOf(ids))
                .mapTo(String.class).list();
    }

    /** The dataset's versions, newest first. */
    static List<Version> list(Handle handle, String appUid, String datasetId, int offset, int limit) {
        return handle.createQuery("""
                        SELECT * FROM dataset_versions WHERE app_uid = :app AND dataset_id = :dataset
                        ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset""")
                .bind("app", appUid).bind("dataset", datasetId).bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> map(rs)).list();
    }

    /** Deletes the versions (snapshots and exports go with them); returns the uids deleted. */
    static List<String> delete(Handle handle, String appUid, String datasetId, Collection<String> ids) {
        return handle.createQuery("""
                        DELETE FROM dataset_versions WHERE app_uid = :app AND dataset_id = :dataset AND id IN (<ids>)
                        RETURNING uid""")
                .bind("app", appUid).bind("dataset", datasetId).bindList("ids", List.copyOf(ids))
                .mapTo(String.class).list();
    }

    /** Versions whose metrics nobody is counting: not ready, lease lapsed. A read. */
    static List<String> unready(Handle handle, long now, int limit) {
        return handle.createQuery("""
                        SELECT uid FROM dataset_versions WHERE status IN (64005, 64010) AND lease_until <= :now
                        ORDER BY lease_until, created_at LIMIT :limit""")
                .bind("now", now).bind("limit", limit).mapTo(String.class).list();
    }

    /** Claims the version for this node until {@code until}, if still unclaimed; false otherwise. */
    static boolean claim(Handle handle, String uid, String node, long now, long until) {
        List<String> free = handle.createQuery("""
                        SELECT uid FROM dataset_versions WHERE uid = :uid AND status IN (64005, 64010)
                          AND lease_until <= :now <forUpdateSkipLocked>""")
                .bind("uid", uid).bind("now", now).mapTo(String.class).list();
        if (free.isEmpty()) {
            return false;
        }
        handle.createUpdate("""
                        UPDATE dataset_versions SET status = :inProgress, lease_owner = :node, lease_until = :until,
                               attempts = attempts + 1, modified_at = :now WHERE uid = :uid""")
                .bind("inProgress", IN_PROGRESS).bind("node", node).bind("until", until).bind("now", now)
                .bind("uid", uid).execute();
        return true;
    }

    /** Records the outcome (READY with metrics, or FAILURE) if this node still holds the version. */
    static boolean finish(Handle handle, String uid, String node, int status, String metricsJson, long now) {
        return handle.createUpdate("""
                        UPDATE dataset_versions SET status = :status, metrics = :metrics, lease_owner = '', lease_until = 0,
                               modified_at = :now WHERE uid = :uid AND lease_owner = :node""")
                .bind("status", status).bind("metrics", metricsJson).bind("now", now).bind("uid", uid)
                .bind("node", node).execute() > 0;
    }

    /** Gives the version back to be counted again from {@code at} on. */
    static void retryLater(Handle handle, String uid, String node, long at) {
        handle.createUpdate("""
                        UPDATE dataset_versions SET lease_owner = '', lease_until = :at WHERE uid = :uid AND lease_owner = :node""")
                .bind("at", at).bind("uid", uid).bind("node", node).execute();
    }

    /** Claims given back at start on SQLite, where the node that held them is this one, restarted. */
    static void releaseAll(Handle handle) {
        handle.createUpdate("UPDATE dataset_versions SET lease_owner = '', lease_until = 0 WHERE lease_owner <> ''")
                .execute();
    }

    static int attempts(Handle handle, String uid) {
        return handle.createQuery("SELECT attempts FROM dataset_versions WHERE uid = :uid").bind("uid", uid)
                .mapTo(Integer.class).findOne().orElse(0);
    }

    private static Version map(ResultSet rs) throws SQLException {
        return new Version(rs.getString("uid"), rs.getString("app_uid"), rs.getString("dataset_id"), rs.getString("id"),
                rs.getString("description"), rs.getString("metadata"), rs.getInt("status"), rs.getString("metrics"),
                rs.getLong("created_at"), rs.getLong("modified_at"));
    }
}
