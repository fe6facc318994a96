package dev.annotask.input;

import com.google.protobuf.Message;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.TextInfo;
import dev.annotask.store.Json;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What Clarifai's {@code video_info}, {@code audio_info} and {@code text_info} say of an
 * input's content, read once when it is stored and kept as JSON in the input's row
 * ({@code media_info}, schema V23), so that reads never parse bytes: video from an MP4 or MOV
 * header ({@link Mp4Header}), audio from a WAV, FLAC, MP3 or Ogg Vorbis header
 * ({@link AudioHeader}), text counted in code points (raw text, or fetched bytes that decode
 * as UTF-8, or UTF-16 after its byte-order mark). Images have their own columns
 * ({@link ImageHeaders}). Never throws. Stateless.
 */
public final class MediaHeaders {
    private MediaHeaders() {
    }

    /**
     * The info to store for an input with this data and content (null: none), as JSON.
     *
     * @param content the stored bytes, or null when there are none (raw text, a URL not fetched)
     */
    public static String read(Data data, byte[] content) {
        Optional<? extends Message> info = Optional.empty();
        if (data.hasVideo() && content != null) {
            info = Mp4Header.read(content);
        } else if (data.hasAudio() && content != null) {
            info = AudioHeader.read(content);
        } else if (data.hasText()) {
            info = content != null ? text(content) : raw(data.getText().getRaw());
        }
        return info.map(Json::write).orElse(null);
    }

    private static Optional<TextInfo> raw(String raw) {
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TextInfo.newBuilder().setCharCount(raw.codePointCount(0, raw.length()))
                .setEncoding("UTF-8").build());
    }

    private static Optional<TextInfo> text(byte[] b) {
        if (Bytes.matches(b, 0, 0xFE, 0xFF)) {
            return decoded(b, 2, StandardCharsets.UTF_16BE, "UTF-16BE");
        }
        if (Bytes.matches(b, 0, 0xFF, 0xFE)) {
            return decoded(b, 2, StandardCharsets.UTF_16LE, "UTF-16LE");
        }
        return decoded(b, Bytes.matches(b, 0, 0xEF, 0xBB, 0xBF) ? 3 : 0, StandardCharsets.UTF_8, "UTF-8");
    }

    /**
     * The text's length when all of it decodes strictly in this charset; empty otherwise.
     * Decoded a few thousand characters at a time, so a long text costs no copy of itself.
     */
    private static Optional<TextInfo> decoded(byte[] b, int offset, Charset charset, String name) {
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, offset, b.length - offset);
        CharBuffer out = CharBuffer.allocate(8192);
        long codePoints = 0;
        CoderResult result;
        do {
            result = decoder.decode(in, out, true);
            if (result.isError()) {
                return Optional.empty();
            }
            codePoints += drain(out);
        } while (result.isOverflow());
        do {
            result = decoder.flush(out);
            codePoints += drain(out);
        } while (result.isOverflow());
        return codePoints > Integer.MAX_VALUE ? Optional.empty()
                : Optional.of(TextInfo.newBuilder().setCharCount((int) codePoints).setEncoding(name).build());
    }

    /** The code points decoded into the buffer, which is emptied. */
    private static long drain(CharBuffer out) {
        out.flip();
        long codePoints = 0;
        while (out.hasRemaining()) {
            // A strict decoder pairs every surrogate: one code point per char but the low halves.
            codePoints += Character.isLowSurrogate(out.get()) ? 0 : 1;
        }
        out.clear();
        return codePoints;
    }
}
