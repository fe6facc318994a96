package dev.annotask.upload;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Multipart uploads and their parts in the database: every node sees every part, so the parts
 * of one upload may reach any node behind a load balancer, and the node that runs the import
 * reads them all. Stateless; the handle-taking methods run in the caller's transaction.
 */
public final class UploadStore {
    /** An upload's row. */
    public record Stored(String appUid, String id, String userId, String contentName, long contentLength,
                         long received, int status, long createdAt, long modifiedAt, long expiresAt) {
    }

    private UploadStore() {
    }

    static void insert(Handle handle, Stored upload) {
        handle.createUpdate("""
                        INSERT INTO uploads (app_uid, id, user_id, content_name, content_length, received, status,
                                             created_at, modified_at, expires_at)
                        VALUES (:app, :id, :user, :name, :length, 0, :status, :now, :now, :expires)""")
                .bind("app", upload.appUid()).bind("id", upload.id()).bind("user", upload.userId())
                .bind("name", upload.contentName()).bind("length", upload.contentLength())
                .bind("status", upload.status()).bind("now", upload.createdAt()).bind("expires", upload.expiresAt())
                .execute();
    }

    static List<String> existingIds(Handle handle, String appUid, List<String> ids) {
        return handle.createQuery("SELECT id FROM uploads WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", ids).mapTo(String.class).list();
    }

    public static Optional<Stored> find(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM uploads WHERE app_uid = :app AND id = :id")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** The upload, locked until the transaction ends: parts of one upload are added one request at a time. */
    static Optional<Stored> findForChange(Handle handle, String appUid, String id) {
        return handle.createQuery("SELECT * FROM uploads WHERE app_uid = :app AND id = :id <forUpdate>")
                .bind("app", appUid).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    static List<Stored> list(Handle handle, String appUid, int offset, int limit) {
        return handle.createQuery("""
                        SELECT * FROM uploads WHERE app_uid = :app ORDER BY created_at DESC, id
                        LIMIT :limit OFFSET :offset""")
                .bind("app", appUid).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> map(rs)).list();
    }

    /** The size of the part stored at this offset, or -1 when none is; and whether any other part overlaps. */
    static long partAt(Handle handle, String appUid, String uploadId, long start) {
        return handle.createQuery("""
                        SELECT size FROM upload_parts WHERE app_uid = :app AND upload_id = :upload AND range_start = :start""")
                .bind("app", appUid).bind("upload", uploadId).bind("start", start)
                .mapTo(Long.class).findOne().orElse(-1L);
    }

    static boolean overlaps(Handle handle, String appUid, String uploadId, long start, long end) {
        return handle.createQuery("""
                        SELECT COUNT(*) FROM upload_parts WHERE app_uid = :app AND upload_id = :upload
                        AND range_start < :end AND range_start + size > :start""")
                .bind("app", appUid).bind("upload", uploadId).bind("start", start).bind("end", end)
                .mapTo(Long.class).one() > 0;
    }

    static void insertPart(Handle handle, String appUid, String uploadId, long start, long number, byte[] data) {
        handle.createUpdate("""
                        INSERT INTO upload_parts (app_uid, upload_id, range_start, part_number, size, content)
                        VALUES (:app, :upload, :start, :number, :size, :content)""")
                .bind("app", appUid).bind("upload", uploadId).bind("start", start).bind("number", number)
                .bind("size", (long) data.length).bind("content", data).execute();
    }

    static void setReceived(Handle handle, String appUid, String id, long received, int status, long now) {
        handle.createUpdate("""
                        UPDATE uploads SET received = :received, status = :status, modified_at = :now
                        WHERE app_uid = :app AND id = :id""")
                .bind("received", received).bind("status", status).bind("now", now).bind("app", appUid)
                .bind("id", id).execute();
    }

    /** Deletes uploads (their parts go with them); the ids of those deleted. */
    public static int delete(Handle handle, String appUid, List<String> ids) {
        return handle.createUpdate("DELETE FROM uploads WHERE app_uid = :app AND id IN (<ids>)")
                .bind("app", appUid).bindList("ids", ids).execute();
    }

    /** Deletes uploads whose time is up, at most {@code limit} at once; how many went. */
    public static int deleteExpired(Handle handle, long now, int limit) {
        List<String> doomed = handle.createQuery("SELECT app_uid || '/' || id FROM uploads WHERE expires_at < :now LIMIT :limit")
                .bind("now", now).bind("limit", limit).mapTo(String.class).list();
        for (String key : doomed) {
            int slash = key.indexOf('/');
            delete(handle, key.substring(0, slash), List.of(key.substring(slash + 1)));
        }
        return doomed.size();
    }

    /** Moves an upload's expiry (an import holds it while it runs). */
    public static void extend(Handle handle, String appUid, String id, long expiresAt) {
        handle.createUpdate("UPDATE uploads SET expires_at = :expires WHERE app_uid = :app AND id = :id")
                .bind("expires", expiresAt).bind("app", appUid).bind("id", id).execute();
    }

    /** The start offsets of an upload's parts, in order. */
    public static List<Long> partStarts(Handle handle, String appUid, String uploadId) {
        return handle.createQuery("""
                        SELECT range_start FROM upload_parts WHERE app_uid = :app AND upload_id = :upload
                        ORDER BY range_start""")
                .bind("app", appUid).bind("upload", uploadId).mapTo(Long.class).list();
    }

    /** Writes one part's bytes to {@code out}; false when the part is gone. */
    public static boolean copyPart(Handle handle, String appUid, String uploadId, long start, OutputStream out) {
        byte[] content = handle.createQuery("""
                        SELECT content FROM upload_parts WHERE app_uid = :app AND upload_id = :upload AND range_start = :start""")
                .bind("app", appUid).bind("upload", uploadId).bind("start", start)
                .mapTo(byte[].class).findOne().orElse(null);
        if (content == null) {
            return false;
        }
        try {
            out.write(content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return true;
    }

    private static Stored map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Stored(rs.getString("app_uid"), rs.getString("id"), rs.getString("user_id"),
                rs.getString("content_name"), rs.getLong("content_length"), rs.getLong("received"),
                rs.getInt("status"), rs.getLong("created_at"), rs.getLong("modified_at"), rs.getLong("expires_at"));
    }
}
