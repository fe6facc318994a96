package dev.annotask.input;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.annotask.api.ApiException;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.status.StatusCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
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

    /**
     * The data to store in the input row: the same, less the uploaded bytes and what only the
     * server says (where it hosts the bytes, what their header states), which a client could
     * otherwise make the API repeat to everyone.
     */
    static Data withoutBytes(Data data) {
        if (!data.hasImage() && !data.hasVideo() && !data.hasAudio()) {
            return data; // text: nothing to take out, no copy
        }
        Data.Builder stored = data.toBuilder();
        if (data.hasImage()) {
            stored.getImageBuilder().clearBase64().clearHosted().clearImageInfo();
        }
        if (data.hasVideo()) {
            stored.getVideoBuilder().clearBase64().clearHosted().clearVideoInfo();
        }
        if (data.hasAudio()) {
            stored.getAudioBuilder().clearBase64().clearHosted().clearAudioInfo();
        }
        if (data.hasText()) {
            stored.getTextBuilder().clearHosted().clearTextInfo();
        }
        return stored.build();
    }

    /** The URL the input's content is given by (image, video, audio or text), or empty. */
    static String url(Data data) {
        return data.hasImage() ? data.getImage().getUrl() : data.hasVideo() ? data.getVideo().getUrl()
                : data.hasAudio() ? data.getAudio().getUrl() : data.hasText() ? data.getText().getUrl() : "";
    }

    /**
     * The bytes as an array, without copying them when the ByteString wraps a whole array of
     * its own (as an uploaded image's bytes do, decoded by the REST gateway or parsed from a
     * gRPC message): an upload of 20 MB then costs 20 MB, not 40. The array is only read.
     */
    static byte[] array(ByteString bytes) {
        WholeArray whole = new WholeArray();
        try {
            UnsafeByteOperations.unsafeWriteTo(bytes, whole);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return whole.array != null && !whole.more && whole.array.length == bytes.size() ? whole.array
                : bytes.toByteArray();
    }

    /** Catches the array a ByteString hands out when it is one whole array, and nothing else. */
    private static final class WholeArray extends ByteOutput {
        private byte[] array;
        private boolean more;

        @Override
        public void write(byte value) {
            more = true;
        }

        @Override
        public void write(byte[] value, int offset, int length) {
            more = true;
        }

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
            if (array == null && !more && offset == 0 && length == value.length) {
                array = value;
            } else {
                more = true;
            }
        }

        @Override
        public void write(ByteBuffer value) {
            more = true;
        }

        @Override
        public void writeLazy(ByteBuffer value) {
            more = true;
        }
    }

    private static ApiException invalid(String details) {
        return new ApiException(StatusCode.INPUT_INVALID_ARGUMENT, details);
    }
}
