package dev.annotask.imports;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the archive file a name in an annotation file means: the same path, else the only file
 * of that base name (tools write "000123.jpg" for "images/train/000123.jpg", or a folder the
 * archive does not have). Built once per archive. Not thread-safe.
 */
final class ArchiveFiles {
    private final Map<String, String> byPath = new HashMap<>();
    /** Base name to path; "" when two files share the base name. */
    private final Map<String, String> byBaseName = new HashMap<>();

    ArchiveFiles(List<String> paths) {
        for (String path : paths) {
            byPath.put(path, path);
            byBaseName.merge(ImportArchive.baseName(path), path, (a, b) -> "");
        }
    }

    /** The archive path, or null when none or more than one file fits. */
    String find(String name) {
        String normalized = name.replace('\\', '/');
        while (normalized.startsWith("./")) {
            normalized = normalized.substring(2);
        }
        if (byPath.containsKey(normalized)) {
            return normalized;
        }
        String base = byBaseName.get(ImportArchive.baseName(normalized));
        return base == null || base.isEmpty() ? null : base;
    }
}
