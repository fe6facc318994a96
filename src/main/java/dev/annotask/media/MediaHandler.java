package dev.annotask.media;

import dev.annotask.api.MemoryBudget;
import dev.annotask.input.Input;
import dev.annotask.input.InputStore;
import dev.annotask.store.UnitOfWork;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Optional;

/**
 * {@code GET /media/{app_uid}/{input_id}?exp=…&sig=…}: an input's stored bytes, for whoever
 * holds a URL {@link MediaUrlSigner} signed and that has not expired. No key is read: an
 * {@code <img>} tag cannot send one. Answers are short plain text that never say why a
 * signature failed: 400 for a URL missing its parameters, 403 for a wrong or expired
 * signature, 404 when a correctly signed input has since been deleted. Thread-safe.
 *
 * <p>The bytes are loaded only after the signature checks out, within a share of the
 * {@link MemoryBudget} ({@link StoredBytes}); one that waits too long for its share gets 503.
 */
public final class MediaHandler implements Handler {
    public static final String PATH = "/media/{app}/{input}";

    private final InputStore inputs;
    private final UnitOfWork units;
    private final MediaUrlSigner signer;
    private final StoredBytes bytes;

    public MediaHandler(InputStore inputs, UnitOfWork units, MediaUrlSigner signer, MemoryBudget budget) {
        this.inputs = inputs;
        this.units = units;
        this.signer = signer;
        this.bytes = new StoredBytes(inputs, units, budget);
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
        // Private: shared caches must not keep bytes whose URL stops working; the browser may
        // keep them as long as the URL lives, so paging back and forth loads each image once.
        String cacheControl = "private, max-age=" + signer.secondsLeft(exp.get());
        switch (bytes.write(ctx, appUid, inputId, input.get().byteSize(), cacheControl)) {
            case GONE -> plain(ctx, 404, "not found");
            case BUSY -> plain(ctx, 503, "busy; retry later");
            case WRITTEN -> { }
        }
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
