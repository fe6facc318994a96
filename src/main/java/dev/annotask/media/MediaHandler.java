package dev.annotask.media;

import dev.annotask.input.InputStore;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Optional;

/**
 * {@code GET /media/{app_uid}/{input_id}?exp=…&sig=…}: an input's stored bytes, for whoever
 * holds a URL {@link MediaUrlSigner} signed and that has not expired. No key is read: an
 * {@code <img>} tag cannot send one. Answers are short plain text that never say why a
 * signature failed: 400 for a URL missing its parameters, 403 for a wrong or expired
 * signature, 404 when a correctly signed input has since been deleted. Thread-safe.
 */
public final class MediaHandler implements Handler {
    public static final String PATH = "/media/{app}/{input}";

    private final InputStore inputs;
    private final MediaUrlSigner signer;

    public MediaHandler(InputStore inputs, MediaUrlSigner signer) {
        this.inputs = inputs;
        this.signer = signer;
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
        Optional<byte[]> bytes = inputs.bytes(appUid, inputId);
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
        ctx.result(bytes.get());
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
