package dev.annotask.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where built exports live: {@code {data directory}/exports/{uid}.zip}, owner-only like the
 * rest of the data directory. A build writes {@code {uid}.{node}.part} and renames it when done,
 * so a file named {@code .zip} is always whole. With several nodes the directory must be shared
 * (docs/DEPLOYMENT.md): the node that builds an export is not always the one asked for it.
 * Thread-safe.
 */
final class ExportFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ExportFiles.class);
    private final Path directory;

    ExportFiles(Path dataDirectory) {
        this.directory = dataDirectory.resolve("exports");
        try {
            if (!Files.isDirectory(directory)) {
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(directory);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the exports directory " + directory, e);
        }
    }

    Path built(String uid) {
        return directory.resolve(uid + ".zip");
    }

    Path partial(String uid, String node) {
        return directory.resolve(uid + "." + node + ".part");
    }

    /** A scratch directory for one build, removed with {@link #deleteTree}. */
    Path scratch(String uid, String node) throws IOException {
        return Files.createDirectories(directory.resolve(uid + "." + node + ".scratch"));
    }

    void delete(String uid) {
        try {
            Files.deleteIfExists(built(uid));
        } catch (IOException e) {
            LOG.warn("could not delete the export file of {}: {}", uid, e.getMessage());
        }
    }

    static void deleteTree(Path path) {
        try (var walk = Files.walk(path)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // gone already, or not there
        }
    }

    /**
     * Removes what no export owns any more: built files whose export is gone ({@code owned}
     * false), and partial files and scratch directories untouched for {@code staleMillis} (their
     * build died with its node).
     */
    void sweep(Predicate<String> owned, long now, long staleMillis) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(entries::add);
        } catch (IOException e) {
            LOG.warn("cannot read the exports directory: {}", e.getMessage());
            return;
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            try {
                if (name.endsWith(".zip")) {
                    if (!owned.test(name.substring(0, name.length() - 4))) {
                        Files.deleteIfExists(entry);
                    }
                } else if (now - Files.getLastModifiedTime(entry).toMillis() > staleMillis) {
                    deleteTree(entry);
                }
            } catch (IOException e) {
                // removed meanwhile by another node
            }
        }
    }
}
