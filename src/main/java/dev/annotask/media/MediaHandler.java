package dev.annotask.media;

import dev.annotask.api.MemoryBudget;
import dev.annotask.api.TransportLimits;
import dev.annotask.input.Input;
import dev.annotask.input.InputStore;
import dev.annotask.store.UnitOfWork;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /media/{app_uid}/{input_id}?exp=…&sig=…}: an input's stored bytes, for whoever
 * holds a URL {@link MediaUrlSigner} signed and that has not expired. No key is read: an
 * {@code <img>} tag cannot send one. Answers are short plain text that never say why a
 * signature failed: 400 for a URL missing its parameters, 403 for a wrong or expired
 * signature, 404 when a correctly signed input has since been deleted. Thread-safe.
 *
 * <p>The bytes are loaded only after the signature checks out, and within a share of the
 * {@link MemoryBudget} held until they have been written, so however many clients fetch large
 * media at once the heap holds at most the budget; one that waits too long for its share gets
 * 503. (A client that reads slowly keeps its share until the write ends or Jetty's idle
 * timeout ends it.)
 */
public final class MediaHandler implements Handler {
    public static final String PATH = "/media/{app}/{input}";

    private final InputStore inputs;
    private final UnitOfWork units;
    private final MediaUrlSigner signer;
    private final MemoryBudget budget;

    public MediaHandler(InputStore inputs, UnitOfWork units, MediaUrlSigner signer, MemoryBudget budget) {
        this.inputs = inputs;
        this.units = units;
        this.signer = signer;
        this.budget = budget;
    }

    @Override
    public void handle(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        String appUid = ctx.pathParam("app");
        String inputId = ctx.pathParam("input");
        String sig = ctx.queryParam("sig");
        Optional<Long> exp = parseLong(ctx.queryParam("exp"));
        if (sig == null || sig.isEmpty() || exp.isEmpty()) {
            plain(ctx, 400, "bad media URL: exp and sig are required");
            return;
        }
        if (!signer.verify(appUid, inputId, exp.get(), sig)) {
            plain(ctx, 403, "forbidden");
            return;
        }
        Optional<Input> input = units.read(handle -> inputs.find(handle, appUid, inputId));
        if (input.isEmpty() || input.get().byteSize() == 0) {
            plain(ctx, 404, "not found");
            return;
        }
        MemoryBudget.Reservation held;
        try {
            held = reserve(input.get().byteSize());
        } catch (TimeoutException e) {
            plain(ctx, 503, "busy; retry later");
            return;
        }
        try {
            Optional<byte[]> bytes = units.read(handle -> inputs.bytes(handle, appUid, inputId));
            if (bytes.isEmpty()) {
                plain(ctx, 404, "not found");
                return;
            }
            long secondsLeft = signer.secondsLeft(exp.get());
            ctx.status(200);
            ctx.contentType(MediaTypes.sniff(bytes.get()));
            // Private: shared caches must not keep bytes whose URL stops working; the browser may
            // keep them as long as the URL lives, so paging back and forth loads each image once.
            ctx.header("Cache-Control", "private, max-age=" + secondsLeft);
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
    }

    /** A share of the budget for this many bytes, or null for small ones, which need none. */
    private MemoryBudget.Reservation reserve(long bytes) throws TimeoutException {
        return bytes <= MemoryBudget.UNRESERVED_BYTES ? null
                : budget.reserveWithin(Math.min(bytes, budget.capacity()), TransportLimits.MAX_MEMORY_WAIT);
    }

    private static Optional<Long> parseLong(String text) {
        if (text == null || text.isEmpty() || text.length() > 19) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void plain(Context ctx, int status, String text) {
        ctx.status(status).contentType("text/plain; charset=utf-8").header("Cache-Control", "no-store").result(text + "\n");
    }
}
