package dev.annotask.imports;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An uploaded file as the readers see it: a ZIP's files by path, or a single file (a COCO JSON)
 * as the one entry {@link #SINGLE}. Every stream it opens is held to {@link ArchiveLimits}
 * while it is read, so an archive that expands past them fails with {@link ArchiveRefused}
 * however its headers lie. Not thread-safe; close once.
 */
final class ImportArchive implements AutoCloseable {
    /** The name of the one entry of an upload that is no ZIP. */
    static final String SINGLE = "upload.json";

    private final ZipFile zip;
    private final Path single;
    private final ArchiveLimits limits;
    private final Map<String, ZipEntry> files = new LinkedHashMap<>();
    private final AtomicLong inflated = new AtomicLong();

    private ImportArchive(ZipFile zip, Path single, ArchiveLimits limits) {
        this.zip = zip;
        this.single = single;
        this.limits = limits;
    }

    /** Opens the file: a ZIP when it starts as one, else a single file. */
    static ImportArchive open(Path file, ArchiveLimits limits) {
        if (!isZip(file)) {
            return new ImportArchive(null, file, limits);
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new ArchiveRefused("the upload starts as a ZIP but is not one that can be read: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ImportArchive archive = new ImportArchive(zip, null, limits);
        try {
            archive.index();
        } catch (RuntimeException e) {
            archive.close();
            throw e;
        }
        return archive;
    }

    private static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the central directory: entry count, names and declared sizes checked before any byte is inflated. */
    private void index() {
        if (zip.size() > limits.maxEntries()) {
            throw new ArchiveRefused("the archive holds " + zip.size() + " entries; at most " + limits.maxEntries()
                    + " are read");
        }
        long declared = 0;
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            String name = entry.getName().replace('\\', '/');
            if (entry.isDirectory() || name.startsWith("__MACOSX/") || baseName(name).startsWith("._")) {
                continue;
            }
            if (name.startsWith("/") || name.contains("../")) {
                throw new ArchiveRefused("archive entry '" + name + "' names a path outside the archive");
            }
            long size = entry.getSize();
            if (size > capOf(name)) {
                throw new ArchiveRefused(overCap(name, capOf(name)));
            }
            declared += Math.max(size, 0);
            files.put(name, entry);
        }
        if (declared > limits.maxTotalBytes()) {
            throw new ArchiveRefused("the archive expands to " + declared + " bytes; at most " + limits.maxTotalBytes()
                    + " are read");
        }
    }

    boolean isZip() {
        return zip != null;
    }

    /** Every file's path, in archive order (folders and macOS metadata left out). */
    List<String> names() {
        return single != null ? List.of(SINGLE) : Collections.unmodifiableList(new ArrayList<>(files.keySet()));
    }

    boolean has(String name) {
        return single != null ? SINGLE.equals(name) : files.containsKey(name);
    }

    /** A file's bytes, streamed and bounded. */
    InputStream open(String name) {
        try {
            if (single != null) {
                return new BufferedInputStream(Files.newInputStream(single), 1 << 16);
            }
            ZipEntry entry = files.get(name);
            if (entry == null) {
                throw new IllegalArgumentException("no entry " + name);
            }
            return new BufferedInputStream(new Bounded(zip.getInputStream(entry), name, entry.getCompressedSize()),
                    1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A whole file, read into memory (images: at most {@link ArchiveLimits#maxImageBytes}). */
    byte[] read(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The declared inflated size of a file (-1 when the archive does not say). */
    long declaredSize(String name) {
        if (single != null) {
            try {
                return Files.size(single);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files.get(name).getSize();
    }

    private long capOf(String name) {
        return ImageFiles.isImage(name) ? limits.maxImageBytes() : limits.maxTextBytes();
    }

    private static String overCap(String name, long cap) {
        return "archive entry '" + name + "' expands beyond " + cap + " bytes, more than such a file may hold";
    }

    static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String stem(String path) {
        String base = baseName(path);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    static String extension(String path) {
        String base = baseName(path);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    @Override
    public void close() {
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException e) {
                // read-only: nothing is lost
            }
        }
    }

    /** Counts what an entry inflates to and stops it at its cap, its ratio and the archive's total. */
    private final class Bounded extends FilterInputStream {
        private final String name;
        private final long compressed;
        private long count;

        Bounded(InputStream in, String name, long compressed) {
            super(in);
            this.name = name;
            this.compressed = compressed;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) {
            count += n;
            long cap = capOf(name);
            if (count > cap) {
                throw new ArchiveRefused(overCap(name, cap));
            }
            if (count > ArchiveLimits.RATIO_FREE_BYTES && compressed > 0 && count / compressed > limits.maxRatio()) {
                throw new ArchiveRefused("archive entry '" + name + "' expands more than " + limits.maxRatio()
                        + " times its compressed size (" + compressed + " bytes): refused as a ZIP bomb");
            }
            if (inflated.addAndGet(n) > limits.maxTotalBytes()) {
                throw new ArchiveRefused("the archive expands beyond " + limits.maxTotalBytes() + " bytes in all");
            }
        }
    }
}
