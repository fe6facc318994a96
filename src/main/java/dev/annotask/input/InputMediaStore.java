package dev.annotask.input;

import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.store.Json;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of the work done on inputs' bytes outside requests: the start-up backfill of image
 * headers ({@link HeaderBackfill}) and fetching URL inputs ({@code dev.annotask.fetch}). Every
 * change is conditional on the row still being as it was read, so the work can run on every
 * node at once and a deleted input is simply passed over. Thread-safe.
 */
public final class InputMediaStore {
    private static final int PENDING = StatusCode.INPUT_DOWNLOAD_PENDING_VALUE;

    private final InputsChanged changed;

    public InputMediaStore() {
        this(InputsChanged.NONE);
    }

    /** {@code changed} hears of inputs whose fetch ended (their status changed), in that transaction. */
    public InputMediaStore(InputsChanged changed) {
        this.changed = changed;
    }

    /** The first bytes of an input's stored content, and how long the whole is. */
    public record StoredHead(String appUid, String inputId, byte[] head, long size) {
    }

    /** A URL input this node has claimed until {@code lease} (epoch ms) to fetch its content; {@code data} as stored. */
    public record PendingFetch(String appUid, String inputId, String url, long lease, Data data) {
    }

    /**
     * Stored bytes whose header has not been read (inputs stored before schema V12), oldest
     * first, with their first {@code headBytes} bytes. The partial index's predicate is
     * written out so both databases use it.
     */
    public List<StoredHead> unreadHeads(Handle handle, int headBytes, int limit) {
        return handle.createQuery("""
                        SELECT i.app_uid, i.id, substr(b.content, 1, :head) AS head, length(b.content) AS size
                        FROM inputs i JOIN input_bytes b ON b.app_uid = i.app_uid AND b.input_id = i.id
                        WHERE i.byte_size > 0 AND i.image_format IS NULL
                        ORDER BY i.seq LIMIT :limit""")
                .bind("head", headBytes).bind("limit", limit)
                .map((rs, ctx) -> new StoredHead(rs.getString("app_uid"), rs.getString("id"), rs.getBytes("head"),
                        rs.getLong("size")))
                .list();
    }

    /** Records what the header of each input's bytes says (null: nothing Annotask reads), unless already recorded. */
    public void recordHeads(Handle handle, List<StoredHead> heads, List<ImageSize> images) {
        var batch = handle.prepareBatch("""
                UPDATE inputs SET image_width = :width, image_height = :height, image_format = :format
                WHERE app_uid = :app AND id = :id AND image_format IS NULL""");
        for (int i = 0; i < heads.size(); i++) {
            ImageSize image = images.get(i);
            batch.bind("width", image == null ? null : image.width()).bind("height", image == null ? null : image.height())
                    .bind("format", InputStore.headerFormat(image, true))
                    .bind("app", heads.get(i).appUid()).bind("id", heads.get(i).inputId()).add();
        }
        if (!heads.isEmpty()) {
            batch.execute();
        }
    }

    /** Whether some URL input waits to be fetched with no live claim on it (a read, for idle polling). */
    public boolean anyPending(Handle handle, long now) {
        return handle.createQuery("SELECT 1 FROM inputs WHERE status = 30001 AND fetch_lease < :now LIMIT 1")
                .bind("now", now).mapTo(Integer.class).findOne().isPresent();
    }

    /**
     * Claims the oldest pending URL input nobody holds a live claim on, until {@code lease}:
     * the conditional update lets one node of several win it.
     */
    public Optional<PendingFetch> claimPending(Handle handle, long now, long lease) {
        Optional<String[]> next = handle.createQuery("""
                        SELECT app_uid, id, data FROM inputs
                        WHERE status = 30001 AND fetch_lease < :now ORDER BY seq LIMIT 1""")
                .bind("now", now)
                .map((rs, ctx) -> new String[] {rs.getString("app_uid"), rs.getString("id"), rs.getString("data")})
                .findOne();
        if (next.isEmpty()) {
            return Optional.empty();
        }
        String[] row = next.get();
        int claimed = handle.createUpdate("""
                        UPDATE inputs SET fetch_lease = :lease
                        WHERE app_uid = :app AND id = :id AND status = :pending AND fetch_lease < :now""")
                .bind("lease", lease).bind("app", row[0]).bind("id", row[1]).bind("pending", PENDING).bind("now", now)
                .execute();
        if (claimed == 0) {
            return Optional.empty();
        }
        Data data = Json.read(row[2], Data.newBuilder()).build();
        return Optional.of(new PendingFetch(row[0], row[1], InputData.url(data), lease, data));
    }

    /**
     * Stores the fetched content of a claimed input and marks it INPUT_DOWNLOAD_SUCCESS; false
     * (nothing written) when the input was deleted or someone else's claim replaced this one.
     * {@code image} and {@code mediaInfo} are what the content's header says ({@link MediaHeaders}).
     */
    public boolean storeFetched(Handle handle, PendingFetch fetch, byte[] content, ImageSize image, String mediaInfo,
                                long now) {
        int updated = handle.createUpdate("""
                        UPDATE inputs SET status = :done, status_details = NULL, fetch_lease = 0, byte_size = :size,
                            image_width = :width, image_height = :height, image_format = :format, media_info = :media,
                            modified_at = :now
                        WHERE app_uid = :app AND id = :id AND status = :pending AND fetch_lease = :lease""")
                .bind("done", StatusCode.INPUT_DOWNLOAD_SUCCESS_VALUE).bind("size", content.length)
                .bind("width", image == null ? null : image.width()).bind("height", image == null ? null : image.height())
                .bind("format", InputStore.headerFormat(image, true)).bind("media", mediaInfo).bind("now", now)
                .bind("app", fetch.appUid()).bind("id", fetch.inputId()).bind("pending", PENDING)
                .bind("lease", fetch.lease())
                .execute();
        if (updated == 0) {
            return false;
        }
        handle.createUpdate("INSERT INTO input_bytes (app_uid, input_id, content) VALUES (:app, :id, :content)")
                .bind("app", fetch.appUid()).bind("id", fetch.inputId()).bind("content", content).execute();
        changed.changed(handle, fetch.appUid(), List.of(fetch.inputId()));
        return true;
    }

    /** Marks a claimed input INPUT_DOWNLOAD_FAILED, saying why; false when the claim no longer holds. */
    public boolean failFetch(Handle handle, PendingFetch fetch, String details, long now) {
        boolean failed = handle.createUpdate("""
                        UPDATE inputs SET status = :failed, status_details = :details, fetch_lease = 0, modified_at = :now
                        WHERE app_uid = :app AND id = :id AND status = :pending AND fetch_lease = :lease""")
                .bind("failed", StatusCode.INPUT_DOWNLOAD_FAILED_VALUE).bind("details", details).bind("now", now)
                .bind("app", fetch.appUid()).bind("id", fetch.inputId()).bind("pending", PENDING)
                .bind("lease", fetch.lease())
                .execute() == 1;
        if (failed) {
            changed.changed(handle, fetch.appUid(), List.of(fetch.inputId()));
        }
        return failed;
    }

    /** Gives a claim back without an outcome, so that the input is fetched again (by any node). */
    public void release(Handle handle, PendingFetch fetch) {
        handle.createUpdate("""
                        UPDATE inputs SET fetch_lease = 0
                        WHERE app_uid = :app AND id = :id AND status = :pending AND fetch_lease = :lease""")
                .bind("app", fetch.appUid()).bind("id", fetch.inputId()).bind("pending", PENDING)
                .bind("lease", fetch.lease())
                .execute();
    }
}
