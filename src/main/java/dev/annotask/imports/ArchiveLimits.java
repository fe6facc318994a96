package dev.annotask.imports;

import dev.annotask.input.InputRpcs;

/**
 * What an uploaded ZIP may expand to (docs/SECURITY.md, "Imports"): a ZIP's headers can lie,
 * and a few kilobytes can hold gigabytes of zeros, so these are checked on the central
 * directory first and then on the bytes actually inflated, whatever the headers said.
 *
 * @param maxEntries entries in the archive, folders included
 * @param maxImageBytes one image, inflated: what an input may hold
 * @param maxTextBytes one annotation file (COCO JSON, a YOLO label file, data.yaml), inflated
 * @param maxTotalBytes everything inflated, together
 * @param maxRatio how many times its compressed size an entry over a mebibyte may inflate to
 */
public record ArchiveLimits(int maxEntries, long maxImageBytes, long maxTextBytes, long maxTotalBytes, int maxRatio) {
    public static final ArchiveLimits DEFAULTS = new ArchiveLimits(1_000_000, InputRpcs.MAX_BYTES, 2L << 30, 64L << 30,
            100);
    /** Entries smaller than this are not held to {@link #maxRatio}: small files of zeros are no bomb. */
    static final long RATIO_FREE_BYTES = 1L << 20;
}
