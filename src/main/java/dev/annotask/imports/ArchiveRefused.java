package dev.annotask.imports;

/** An upload that is no readable archive or file, or one over {@link ArchiveLimits}: the import fails whole. */
final class ArchiveRefused extends RuntimeException {
    ArchiveRefused(String message) {
        super(message, null, false, false);
    }
}
