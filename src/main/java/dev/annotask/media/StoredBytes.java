package dev.annotask.media;

import dev.annotask.api.MemoryBudget;
import dev.annotask.api.TransportLimits;
import dev.annotask.input.InputStore;
import dev.annotask.store.UnitOfWork;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Writes an input's stored bytes as an HTTP answer, for both doors to them (signed URLs and
 * hosted URLs). The bytes are loaded only within a share of the {@link MemoryBudget}, held
 * until they have been written, so however many clients fetch large media at once the heap
 * holds at most the budget. (A client that reads slowly keeps its share until the write ends
 * or Jetty's idle timeout ends it.) Thread-safe.
 */
final class StoredBytes {
    /** How a write ended: written, nothing stored (any more), or no memory free in time. */
    enum Outcome { WRITTEN, GONE, BUSY }

    private final InputStore inputs;
    private final UnitOfWork units;
    private final MemoryBudget budget;

    StoredBytes(InputStore inputs, UnitOfWork units, MemoryBudget budget) {
        this.inputs = inputs;
        this.units = units;
        this.budget = budget;
    }

    /**
     * Answers 200 with the bytes, typed by their first bytes, unless the outcome says why not
     * (then nothing has been written and the caller answers).
     *
     * @param byteSize how many bytes the input row says there are (the share to reserve)
     * @param cacheControl what browsers and proxies may keep
     */
    Outcome write(Context ctx, String appUid, String inputId, long byteSize, String cacheControl) {
        MemoryBudget.Reservation held;
        try {
            held = byteSize <= MemoryBudget.UNRESERVED_BYTES ? null
                    : budget.reserveWithin(Math.min(byteSize, budget.capacity()), TransportLimits.MAX_MEMORY_WAIT);
        } catch (TimeoutException e) {
            return Outcome.BUSY;
        }
        try {
            Optional<byte[]> bytes = units.read(handle -> inputs.bytes(handle, appUid, inputId));
            if (bytes.isEmpty()) {
                return Outcome.GONE;
            }
            ctx.status(200);
            ctx.contentType(MediaTypes.sniff(bytes.get()));
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Cache-Control", cacheControl);
            // Stored bytes are user content: never let them run as a page (an SVG with script, say).
            ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
            // Written here, not left to Javalin after the handler, so the bytes are gone when the
            // reservation is.
            ctx.res().setContentLength(bytes.get().length);
            ctx.res().getOutputStream().write(bytes.get());
        } catch (IOException e) {
            // The client went away while the bytes were being written; nothing left to answer.
        } finally {
            if (held != null) {
                held.close();
            }
        }
        return Outcome.WRITTEN;
    }
}
