package dev.annotask.input;

import dev.annotask.store.UnitOfWork;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the image headers of bytes stored before schema V12, which added the columns: uploads
 * since read theirs when they arrive. Run at start-up, in the background, in small batches of
 * their own transactions, so that neither the upgrade nor the server's start waits for every
 * stored image to be read, and no batch holds SQLite's writer for long; an input read by no
 * batch yet shows no {@code image_info} meanwhile. Each batch reads the first 64 KiB of each
 * input's bytes; a JPEG whose size lies further (after a large EXIF or ICC segment) is read
 * whole. What it records is conditional on nothing being recorded yet, so several nodes may
 * run it at once; once it is done, a start costs one lookup in an empty partial index.
 */
public final class HeaderBackfill implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderBackfill.class);
    static final int HEAD_BYTES = 64 * 1024;
    private static final int BATCH = 32;

    private final UnitOfWork units;
    private final InputMediaStore media;
    private final InputStore inputs;

    public HeaderBackfill(UnitOfWork units, InputMediaStore media, InputStore inputs) {
        this.units = units;
        this.media = media;
        this.inputs = inputs;
    }

    /** Reads every unread header; returns how many inputs it recorded. Stops early when interrupted. */
    public int runToEnd() {
        int done = 0;
        while (!Thread.currentThread().isInterrupted()) {
            List<InputMediaStore.StoredHead> heads = units.read(handle -> media.unreadHeads(handle, HEAD_BYTES, BATCH));
            if (heads.isEmpty()) {
                break;
            }
            List<ImageSize> images = new ArrayList<>();
            for (InputMediaStore.StoredHead head : heads) {
                images.add(read(head));
            }
            units.write(handle -> {
                media.recordHeads(handle, heads, images);
                return null;
            });
            done += heads.size();
        }
        return done;
    }

    private ImageSize read(InputMediaStore.StoredHead head) {
        ImageSize image = ImageHeaders.read(head.head()).orElse(null);
        if (image == null && head.size() > head.head().length && ImageHeaders.looksLikeJpeg(head.head())) {
            byte[] whole = units.read(handle -> inputs.bytes(handle, head.appUid(), head.inputId())).orElse(null);
            image = ImageHeaders.read(whole).orElse(null);
        }
        return image;
    }

    @Override
    public void run() {
        try {
            int done = runToEnd();
            if (done > 0) {
                LOG.info("Read the image headers of {} inputs stored before schema V12", done);
            }
        } catch (RuntimeException e) {
            // The next start tries again; until then those inputs show no image_info.
            LOG.warn("Reading the image headers of inputs stored before schema V12 stopped: {}", e.toString());
        }
    }
}
