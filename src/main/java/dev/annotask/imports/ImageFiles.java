package dev.annotask.imports;

import java.util.Set;

/** Which files of an archive are images, by extension. Stateless. */
final class ImageFiles {
    private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

    private ImageFiles() {
    }

    static boolean isImage(String path) {
        return EXTENSIONS.contains(ImportArchive.extension(path));
    }
}
