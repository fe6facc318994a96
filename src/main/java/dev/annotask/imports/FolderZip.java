package dev.annotask.imports;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The command line sends a folder as a ZIP made on the fly into a temporary file: images stored
 * as they are (they do not compress), annotation files deflated. Streamed, file by file.
 */
final class FolderZip {
    private FolderZip() {
    }

    static Path of(Path folder) {
        try {
            Path zip = Files.createTempFile("annotask-import", ".zip");
            zip.toFile().deleteOnExit();
            List<Path> files;
            try (Stream<Path> walk = Files.walk(folder)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
                for (Path path : files) {
                    String name = folder.relativize(path).toString().replace('\\', '/');
                    ZipEntry entry = new ZipEntry(name);
                    out.setLevel(ImageFiles.isImage(name) ? 0 : 6);
                    out.putNextEntry(entry);
                    Files.copy(path, out);
                    out.closeEntry();
                }
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** YOLO when the folder has class names the YOLO way, else COCO. */
    static boolean looksLikeYolo(List<String> names) {
        return names.stream().map(ImportArchive::baseName)
                .anyMatch(n -> n.matches("(?i)(data\\.ya?ml|classes\\.txt|.*\\.names)"));
    }
}
