package dev.annotask.input;

import dev.annotask.proto.api.AudioInfo;
import java.util.Optional;

/**
 * Reads an audio file's format, sample rate, duration and bit rate from its header, never a
 * sample, as far as the header states them: WAV (the {@code fmt } chunk and the {@code data}
 * chunk's length: all four), FLAC (STREAMINFO: sample rate and duration), MP3 (the first frame
 * header after any ID3v2 tag: sample rate; a variable bit rate has no one bit rate, and the
 * duration needs every frame) and Ogg Vorbis (the identification header: sample rate, and the
 * nominal bit rate when the encoder gave one). Anything else, or a header cut short or out of
 * range, gives nothing; never an exception, never a read outside the array. Stateless.
 */
final class AudioHeader {
    /** RIFF chunks looked at before giving up on finding {@code fmt } and {@code data}. */
    private static final int MAX_CHUNKS = 1_000;
    private static final int[][] MP3_RATES = {{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000},
        {44100, 48000, 32000}}; // by version bits: 2.5, reserved, 2, 1

    private AudioHeader() {
    }

    static Optional<AudioInfo> read(byte[] b) {
        if (Bytes.matches(b, 0, "RIFF") && Bytes.matches(b, 8, "WAVE")) {
            return wav(b);
        }
        if (Bytes.matches(b, 0, "fLaC")) {
            return flac(b);
        }
        if (Bytes.matches(b, 0, "OggS")) {
            return ogg(b);
        }
        return mp3(b);
    }

    private static Optional<AudioInfo> wav(byte[] b) {
        long at = 12;
        long byteRate = -1;
        long sampleRate = -1;
        for (int chunks = 0; chunks < MAX_CHUNKS && at + 8 <= b.length; chunks++) {
            long size = Bytes.le32(b, at + 4);
            if (Bytes.matches(b, at, "fmt ") && size >= 16) {
                sampleRate = Bytes.le32(b, at + 12);
                byteRate = Bytes.le32(b, at + 16);
            } else if (Bytes.matches(b, at, "data")) {
                if (sampleRate <= 0 || sampleRate > Integer.MAX_VALUE) {
                    return Optional.empty();
                }
                AudioInfo.Builder info = AudioInfo.newBuilder().setAudioFormat("WAV").setSampleRate((int) sampleRate);
                if (byteRate > 0 && byteRate * 8 <= Integer.MAX_VALUE) {
                    info.setBitRate((int) (byteRate * 8));
                    // What is stored: a length past the end (a stream's placeholder, or cut short) counts what is there.
                    long data = Math.min(size, b.length - (at + 8));
                    info.setDurationSeconds((float) ((double) data / byteRate));
                }
                return Optional.of(info.build());
            }
            at += 8 + size + (size & 1); // chunks are padded to an even length
        }
        return Optional.empty();
    }

    private static Optional<AudioInfo> flac(byte[] b) {
        // The first metadata block must be STREAMINFO (type 0), 34 bytes.
        if ((Bytes.u8(b, 4) & 0x7F) != 0 || b.length < 8 + 34) {
            return Optional.empty();
        }
        int at = 8 + 10; // past the block sizes and frame sizes
        long rate = (long) Bytes.u8(b, at) << 12 | Bytes.u8(b, at + 1) << 4 | Bytes.u8(b, at + 2) >> 4;
        long samples = (long) (Bytes.u8(b, at + 3) & 0x0F) << 32 | Bytes.be32(b, at + 4);
        if (rate <= 0) {
            return Optional.empty();
        }
        AudioInfo.Builder info = AudioInfo.newBuilder().setAudioFormat("FLAC").setSampleRate((int) rate);
        if (samples > 0) { // 0: unknown
            info.setDurationSeconds((float) ((double) samples / rate));
        }
        return Optional.of(info.build());
    }

    private static Optional<AudioInfo> ogg(byte[] b) {
        // The first page's first packet: after 27 bytes of page header and the segment table.
        int segments = Bytes.u8(b, 26);
        long packet = 27L + Math.max(0, segments);
        if (segments <= 0 || !Bytes.matches(b, packet, 0x01, 'v', 'o', 'r', 'b', 'i', 's')) {
            return Optional.empty();
        }
        long rate = Bytes.le32(b, packet + 12);
        long nominal = Bytes.le32(b, packet + 20);
        if (rate <= 0 || rate > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        AudioInfo.Builder info = AudioInfo.newBuilder().setAudioFormat("OGG").setSampleRate((int) rate);
        if (nominal > 0 && nominal <= Integer.MAX_VALUE) {
            info.setBitRate((int) nominal);
        }
        return Optional.of(info.build());
    }

    private static Optional<AudioInfo> mp3(byte[] b) {
        long at = 0;
        if (Bytes.matches(b, 0, "ID3")) {
            // Ten bytes of tag header, then a size in four 7-bit bytes; a footer adds ten more.
            long size = 0;
            for (int i = 6; i < 10; i++) {
                int part = Bytes.u8(b, i);
                if (part < 0 || part > 0x7F) {
                    return Optional.empty();
                }
                size = size << 7 | part;
            }
            at = 10 + size + ((Bytes.u8(b, 5) & 0x10) != 0 ? 10 : 0);
        }
        int h1 = Bytes.u8(b, at + 1);
        int h2 = Bytes.u8(b, at + 2);
        // Frame sync (11 bits), then version, layer III (01), ...; bit rate index and rate index.
        if (Bytes.u8(b, at) != 0xFF || h1 < 0 || (h1 & 0xE0) != 0xE0 || (h1 & 0x06) != 0x02 || h2 < 0) {
            return Optional.empty();
        }
        int version = (h1 >> 3) & 0x03;
        int rateIndex = (h2 >> 2) & 0x03;
        int bitRateIndex = h2 >> 4;
        if (rateIndex == 3 || bitRateIndex == 0x0F || MP3_RATES[version][rateIndex] == 0) {
            return Optional.empty();
        }
        return Optional.of(AudioInfo.newBuilder().setAudioFormat("MP3").setSampleRate(MP3_RATES[version][rateIndex])
                .build());
    }
}
