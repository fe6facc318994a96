package dev.annotask.input;

import dev.annotask.proto.api.HostedURL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Where this server serves an input's stored bytes, in Clarifai's {@code HostedURL} shape:
 * {@code {prefix}/{size}/{suffix}} with prefix {@code {public URL}/v2/hosted}, the one size
 * {@code orig}, and suffix {@code users/{owner}/apps/{app}/inputs/{input}}. The URL is read
 * with the API's {@code Authorization: Key} header (docs/COMPATIBILITY.md, "Hosted bytes").
 * Immutable, thread-safe.
 */
public final class HostedUrls {
    /** The route, for the HTTP server (Javalin's path syntax). */
    public static final String ROUTE = "/v2/hosted/{size}/users/{user}/apps/{app}/inputs/{input}";
    /** The one size stored: the bytes as uploaded or fetched. */
    public static final String ORIGINAL = "orig";
    /**
     * What Clarifai says for data behind credentials. A browser cannot send the Key header
     * with an {@code <img>} anyway; the web UI shows stored bytes through signed URLs.
     */
    static final String CROSSORIGIN = "use-credentials";

    private final Supplier<String> publicUrl;

    /**
     * @param publicUrl the URL clients reach this server's HTTP API at, without a trailing
     *     slash (asked per use: the port may be known only once the server listens)
     */
    public HostedUrls(Supplier<String> publicUrl) {
        this.publicUrl = publicUrl;
    }

    public HostedURL hosted(String ownerId, String appId, String inputId) {
        return HostedURL.newBuilder()
                .setPrefix(publicUrl.get() + "/v2/hosted")
                .setSuffix(suffix(ownerId, appId, inputId))
                .addSizes(ORIGINAL)
                .setCrossorigin(CROSSORIGIN)
                .build();
    }

    /** The URL of the original bytes: prefix, size and suffix joined, as Clarifai's clients join them. */
    public static String original(HostedURL hosted) {
        return hosted.getPrefix() + "/" + ORIGINAL + "/" + hosted.getSuffix();
    }

    private static String suffix(String ownerId, String appId, String inputId) {
        return "users/" + segment(ownerId) + "/apps/" + segment(appId) + "/inputs/" + segment(inputId);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
