package dev.annotask.input;

import com.google.protobuf.ByteString;
import dev.annotask.api.ApiException;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.status.StatusCode;
import java.net.URI;
import java.net.URISyntaxException;

/** What an input's data must hold, and its stored form. Stateless. */
final class InputData {
    private InputData() {
    }

    /**
     * Checks that the data holds exactly one of image, video, audio (each by url or bytes) or
     * text (raw or url), and returns its bytes (empty when given by url or raw text).
     */
    static ByteString requireOneKind(String field, Data data) {
        int kinds = (data.hasImage() ? 1 : 0) + (data.hasVideo() ? 1 : 0) + (data.hasAudio() ? 1 : 0)
                + (data.hasText() ? 1 : 0);
        if (kinds != 1) {
            throw invalid(field + ".data must hold exactly one of image, video, audio or text");
        }
        if (data.hasText()) {
            requireOne(field + ".data.text", !data.getText().getRaw().isEmpty(), data.getText().getUrl(), false);
            return ByteString.EMPTY;
        }
        String kind = data.hasImage() ? "image" : data.hasVideo() ? "video" : "audio";
        String url = data.hasImage() ? data.getImage().getUrl() : data.hasVideo() ? data.getVideo().getUrl()
                : data.getAudio().getUrl();
        ByteString bytes = data.hasImage() ? data.getImage().getBase64() : data.hasVideo() ? data.getVideo().getBase64()
                : data.getAudio().getBase64();
        requireOne(field + ".data." + kind, !bytes.isEmpty(), url, true);
        return bytes;
    }

    private static void requireOne(String field, boolean hasContent, String url, boolean contentIsBytes) {
        String content = contentIsBytes ? "base64" : "raw";
        if (hasContent == !url.isEmpty()) {
            throw invalid(field + " must have exactly one of url or " + content);
        }
        if (!url.isEmpty() && !isWebUrl(url)) {
            throw new ApiException(StatusCode.INPUT_INVALID_URL, field + ".url must be an absolute http or https URL"
                    + " with a host, not: " + url);
        }
    }

    /**
     * An absolute {@code http} or {@code https} URL with a host. Nothing else: the URL is handed
     * to every labeler's browser (and to anything that fetches it later), where a {@code file:},
     * {@code javascript:} or {@code data:} URL would read the labeler's disk, run script or
     * smuggle content the server never saw.
     */
    private static boolean isWebUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The data to store in the input row: the same, less the uploaded bytes. */
    static Data withoutBytes(Data data) {
        Data.Builder stored = data.toBuilder();
        if (data.hasImage()) {
            stored.getImageBuilder().clearBase64();
        }
        if (data.hasVideo()) {
            stored.getVideoBuilder().clearBase64();
        }
        if (data.hasAudio()) {
            stored.getAudioBuilder().clearBase64();
        }
        return stored.build();
    }

    private static ApiException invalid(String details) {
        return new ApiException(StatusCode.INPUT_INVALID_ARGUMENT, details);
    }
}
