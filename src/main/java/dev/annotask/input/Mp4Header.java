package dev.annotask.input;

import dev.annotask.proto.api.VideoInfo;
import java.util.Optional;

/**
 * Reads an MP4 or QuickTime (MOV) file's size, duration and frames from its boxes, never a
 * sample: {@code ftyp} says which container; {@code moov/mvhd} the duration; the first track
 * whose {@code mdia/hdlr} is {@code vide} gives the width and height ({@code tkhd}), its own
 * duration ({@code mdia/mdhd}) and its frames and their sizes ({@code mdia/minf/stbl/stsz}),
 * hence fps and average bit rate. Every box must lie inside its parent (a size that reaches
 * past it ends the walk), every step moves forward, the depth is fixed and at most
 * {@link #MAX_BOXES} boxes are looked at, so hostile sizes, loops and truncation end in an
 * empty or partial answer, never an exception. Boxes are skipped by their sizes, so a
 * {@code moov} after the media data costs no read of the data. Stateless.
 */
final class Mp4Header {
    static final int MAX_BOXES = 10_000;
    /** stsz entries summed for the bit rate: beyond this (hours of video), no bit rate. */
    private static final long MAX_SIZES = 1_000_000;

    private Mp4Header() {
    }

    /** A box: its type and where its content lies ({@code [start, end)} of the array). */
    private record Box(String type, long start, long end) {
    }

    /** Counts the boxes looked at, across the whole walk. */
    private static final class Budget {
        int left = MAX_BOXES;
    }

    static boolean looksLikeMp4(byte[] b) {
        return Bytes.matches(b, 4, "ftyp") || Bytes.matches(b, 4, "moov") || Bytes.matches(b, 4, "mdat")
                || Bytes.matches(b, 4, "wide") || Bytes.matches(b, 4, "free");
    }

    static Optional<VideoInfo> read(byte[] b) {
        if (!looksLikeMp4(b)) {
            return Optional.empty();
        }
        Budget budget = new Budget();
        Box ftyp = child(b, 0, b.length, "ftyp", budget);
        String format = ftyp != null && Bytes.matches(b, ftyp.start(), "qt  ") ? "MOV" : "MP4";
        Box moov = child(b, 0, b.length, "moov", budget);
        if (moov == null) {
            return Optional.empty();
        }
        VideoInfo.Builder info = VideoInfo.newBuilder().setVideoFormat(format);
        Box mvhd = child(b, moov.start(), moov.end(), "mvhd", budget);
        if (mvhd != null) {
            double seconds = seconds(b, mvhd, 12, 20);
            if (seconds > 0) {
                info.setDurationSeconds((float) seconds);
            }
        }
        videoTrack(b, moov, budget, info);
        return Optional.of(info.build());
    }

    /** Fills what the first video track states. */
    private static void videoTrack(byte[] b, Box moov, Budget budget, VideoInfo.Builder info) {
        long at = moov.start();
        while (true) {
            Box trak = next(b, at, moov.end(), budget);
            if (trak == null) {
                return;
            }
            at = trak.end();
            if (!trak.type().equals("trak")) {
                continue;
            }
            Box mdia = child(b, trak.start(), trak.end(), "mdia", budget);
            Box hdlr = mdia == null ? null : child(b, mdia.start(), mdia.end(), "hdlr", budget);
            if (hdlr == null || !Bytes.matches(b, hdlr.start() + 8, "vide")) {
                continue;
            }
            Box tkhd = child(b, trak.start(), trak.end(), "tkhd", budget);
            if (tkhd != null) {
                boolean v1 = Bytes.u8(b, tkhd.start()) == 1;
                long width = Bytes.be32(b, tkhd.start() + (v1 ? 88 : 76));
                long height = Bytes.be32(b, tkhd.start() + (v1 ? 92 : 80));
                if (width > 0 && height > 0 && (v1 ? 96 : 84) <= tkhd.end() - tkhd.start()) {
                    info.setWidth((int) (width >>> 16)).setHeight((int) (height >>> 16)); // 16.16 fixed point
                }
            }
            Box mdhd = child(b, mdia.start(), mdia.end(), "mdhd", budget);
            double seconds = mdhd == null ? 0 : seconds(b, mdhd, 12, 20);
            Box minf = child(b, mdia.start(), mdia.end(), "minf", budget);
            Box stbl = minf == null ? null : child(b, minf.start(), minf.end(), "stbl", budget);
            Box stsz = stbl == null ? null : child(b, stbl.start(), stbl.end(), "stsz", budget);
            if (stsz != null) {
                frames(b, stsz, seconds, info);
            }
            return;
        }
    }

    /** Frame count from {@code stsz}; fps and bit rate when the track's duration is known too. */
    private static void frames(byte[] b, Box stsz, double seconds, VideoInfo.Builder info) {
        long sampleSize = Bytes.be32(b, stsz.start() + 4);
        long count = Bytes.be32(b, stsz.start() + 8);
        if (sampleSize < 0 || count <= 0 || count > Integer.MAX_VALUE) {
            return;
        }
        info.setFrameCount((int) count);
        if (seconds <= 0) {
            return;
        }
        info.setFps((float) (count / seconds));
        long bytes;
        if (sampleSize > 0) {
            bytes = sampleSize * count;
        } else {
            // One size per frame, which must all lie inside the box.
            if (count > MAX_SIZES || stsz.start() + 12 + count * 4 > stsz.end()) {
                return;
            }
            bytes = 0;
            for (long i = 0; i < count; i++) {
                bytes += Bytes.be32(b, stsz.start() + 12 + i * 4);
            }
        }
        double bitRate = bytes * 8 / seconds;
        if (bitRate >= 1 && bitRate <= Integer.MAX_VALUE) {
            info.setBitRate((int) Math.round(bitRate));
        }
    }

    /**
     * A full box's duration in seconds: version 0 has 32-bit times with the timescale at
     * {@code v0} bytes into the content, version 1 64-bit ones with it at {@code v1}; the
     * duration follows the timescale. 0 when unknown (all ones means unknown in the format).
     */
    private static double seconds(byte[] b, Box box, int v0, int v1) {
        boolean version1 = Bytes.u8(b, box.start()) == 1;
        long timescale = Bytes.be32(b, box.start() + (version1 ? v1 : v0));
        long end = box.start() + (version1 ? v1 + 12 : v0 + 8);
        if (timescale <= 0 || end > box.end()) {
            return 0;
        }
        long duration = version1 ? Bytes.be64(b, box.start() + v1 + 4) : Bytes.be32(b, box.start() + v0 + 4);
        if (duration <= 0 || !version1 && duration == 0xFFFFFFFFL) {
            return 0;
        }
        return (double) duration / timescale;
    }

    /** The first child of this type in {@code [from, to)}, or null. */
    private static Box child(byte[] b, long from, long to, String type, Budget budget) {
        long at = from;
        while (true) {
            Box box = next(b, at, to, budget);
            if (box == null || box.type().equals(type)) {
                return box;
            }
            at = box.end();
        }
    }

    /** The box at {@code at}, if it lies whole inside {@code [at, to)} and the budget allows another. */
    private static Box next(byte[] b, long at, long to, Budget budget) {
        long limit = Math.min(to, b.length);
        if (budget.left-- <= 0 || at + 8 > limit) {
            return null;
        }
        long size = Bytes.be32(b, at);
        long header = 8;
        if (size == 1) {
            size = Bytes.be64(b, at + 8); // 64-bit size after the type
            header = 16;
        } else if (size == 0) {
            size = limit - at; // to the end of the parent
        }
        if (size < header || size > limit - at) {
            return null;
        }
        String type = new String(b, (int) at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        return new Box(type, at + header, at + size);
    }
}
