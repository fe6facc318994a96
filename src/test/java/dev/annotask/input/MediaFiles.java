package dev.annotask.input;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Small media files written byte by byte from their specifications, for tests of the header
 * readers: an MP4 with one video track (media data before the movie box, as a camera writes
 * it), a PCM WAV, a FLAC STREAMINFO, an MP3 frame header, an Ogg Vorbis identification page.
 */
final class MediaFiles {
    private MediaFiles() {
    }

    /** One video track of {@code frames} frames of {@code frameBytes} bytes each (stsz lists them), lasting {@code seconds}. */
    static byte[] mp4(int width, int height, int frames, int frameBytes, int seconds) {
        byte[] ftyp = box("ftyp", ascii("isom"), be32(512), ascii("isomiso2mp41"));
        byte[] mdat = box("mdat", new byte[frames * frameBytes]);
        byte[] mvhd = box("mvhd", be32(0), be32(0), be32(0), be32(1000), be32(seconds * 1000L), new byte[80]);
        byte[] tkhd = box("tkhd", be32(3), be32(0), be32(0), be32(1), be32(0), be32(seconds * 1000L), new byte[8],
                new byte[8], new byte[36], be32((long) width << 16), be32((long) height << 16));
        byte[] mdhd = box("mdhd", be32(0), be32(0), be32(0), be32(90_000), be32(seconds * 90_000L), new byte[4]);
        byte[] hdlr = box("hdlr", be32(0), be32(0), ascii("vide"), new byte[12], ascii("Video\0"));
        ByteArrayOutputStream sizes = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            sizes.writeBytes(be32(frameBytes));
        }
        byte[] stsz = box("stsz", be32(0), be32(0), be32(frames), sizes.toByteArray());
        byte[] stbl = box("stbl", box("stsd", be32(0), be32(0)), stsz);
        byte[] minf = box("minf", box("vmhd", be32(1), new byte[8]), stbl);
        byte[] trak = box("trak", tkhd, box("mdia", mdhd, hdlr, minf));
        return concat(ftyp, mdat, box("moov", mvhd, trak));
    }

    static byte[] box(String type, byte[]... content) {
        byte[] body = concat(content);
        return concat(be32(8L + body.length), ascii(type), body);
    }

    /** PCM: {@code seconds} of silence. */
    static byte[] wav(int sampleRate, int channels, int bits, int seconds) {
        int blockAlign = channels * bits / 8;
        int data = sampleRate * blockAlign * seconds;
        ByteBuffer b = ByteBuffer.allocate(44 + 26 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + 26 + data).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) channels).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) bits);
        b.put(ascii("LIST")).putInt(17).put(new byte[17]).put((byte) 0); // odd: padded to 18
        b.put(ascii("data")).putInt(data);
        return b.array();
    }

    static byte[] flac(int sampleRate, long samples) {
        ByteBuffer b = ByteBuffer.allocate(8 + 34);
        b.put(ascii("fLaC")).put((byte) 0x80).put((byte) 0).put((byte) 0).put((byte) 34); // last block, STREAMINFO
        b.putShort((short) 4096).putShort((short) 4096).put(new byte[6]);
        long packed = (long) sampleRate << 44 | 1L << 41 | 15L << 36 | samples; // rate, 2 channels, 16 bits, samples
        b.putLong(packed).put(new byte[16]);
        return b.array();
    }

    /** An ID3v2 tag of {@code tagBytes}, then one MPEG-1 layer III frame header: 128 kbit/s, 44.1 kHz. */
    static byte[] mp3(int tagBytes) {
        byte[] tag = concat(ascii("ID3"), new byte[] {4, 0, 0, (byte) (tagBytes >> 21 & 0x7F),
            (byte) (tagBytes >> 14 & 0x7F), (byte) (tagBytes >> 7 & 0x7F), (byte) (tagBytes & 0x7F)}, new byte[tagBytes]);
        return concat(tag, new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x00}, new byte[413]);
    }

    static byte[] oggVorbis(int sampleRate, int nominalBitRate) {
        ByteBuffer packet = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        packet.put((byte) 1).put(ascii("vorbis")).putInt(0).put((byte) 2).putInt(sampleRate).putInt(0)
                .putInt(nominalBitRate).putInt(0).put((byte) 0xB8).put((byte) 1);
        ByteBuffer page = ByteBuffer.allocate(27 + 1).order(ByteOrder.LITTLE_ENDIAN);
        page.put(ascii("OggS")).put((byte) 0).put((byte) 2).putLong(0).putInt(1).putInt(0).putInt(0).put((byte) 1)
                .put((byte) 30);
        return concat(page.array(), packet.array());
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] be32(long value) {
        return ByteBuffer.allocate(4).putInt((int) value).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
