package dev.annotask.ui;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the web UI: {@code /} is {@code ui/index.html}, {@code /ui/…} the other files under
 * {@code ui/} on the classpath (inside the jar). Plain files, no build step, nothing fetched
 * from elsewhere. No authentication: the files hold no data; the page asks the API for it
 * with the user's key.
 *
 * <p>Files are read once and kept with an ETag; {@code no-cache} makes the browser revalidate,
 * so a new jar's UI shows at the next load while unchanged files cost a 304. Only files found
 * are kept, so the cache holds at most the jar's own UI files: a name that is not there is
 * looked up again each time rather than remembered, since anyone may ask for any number of
 * made-up names (docs/DEPLOYMENT.md, "Limits and hostile clients"). Names are checked against a
 * strict pattern and a length limit before the classpath is asked, so no path can escape
 * {@code ui/}. Thread-safe.
 */
public final class UiAssets implements Handler {
    public static final String PREFIX = "/ui/";
    private static final String ROOT = "ui/";
    private static final int MAX_NAME_LENGTH = 200;
    private static final Pattern SAFE_NAME = Pattern.compile("([a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_.-]*\\.[a-z0-9]+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");
    /**
     * The page may talk only to this server; images may come from anywhere, because inputs
     * given by URL point wherever their owner put them.
     */
    private static final String CSP = "default-src 'self'; img-src 'self' data: blob: http: https:; "
            + "media-src 'self' http: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            + "form-action 'self'";

    record Asset(byte[] bytes, String type, String etag) {
    }

    private final Map<String, Asset> files = new ConcurrentHashMap<>();

    @Override
    public void handle(Context ctx) {
        Optional<Asset> asset = asset(ctx.path());
        ctx.header("X-Content-Type-Options", "nosniff");
        if (asset.isEmpty()) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("not found\n");
            return;
        }
        Asset found = asset.get();
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", found.etag());
        if (found.type().startsWith("text/html")) {
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("Referrer-Policy", "no-referrer");
        }
        if (found.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType(found.type()).result(found.bytes());
    }

    /** The file a request path names, if the jar has it. */
    Optional<Asset> asset(String path) {
        String name = path.equals("/") ? "index.html" : path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
        return name.length() <= MAX_NAME_LENGTH && SAFE_NAME.matcher(name).matches() ? find(name) : Optional.empty();
    }

    private Optional<Asset> find(String name) {
        Asset known = files.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Asset> loaded = load(name);
        loaded.ifPresent(asset -> files.putIfAbsent(name, asset));
        return loaded;
    }

    /** Number of files kept (the jar's UI files asked for so far; never more than those). */
    int cachedFiles() {
        return files.size();
    }

    private static Optional<Asset> load(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        String type = TYPES.get(extension);
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(new Asset(bytes, type, "\"" + sha256(bytes).substring(0, 16) + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the UI file " + name, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
