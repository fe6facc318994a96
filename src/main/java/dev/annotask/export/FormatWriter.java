package dev.annotask.export;

import java.io.IOException;
import java.util.List;

/**
 * Writes one export format into the export's ZIP, a page of inputs at a time: nothing of
 * earlier pages is kept beyond what the format needs at its end (a COCO file's categories, a
 * YOLO data.yaml's class names), so memory does not grow with the number of inputs. Not
 * thread-safe: one writer per export.
 */
interface FormatWriter {
    /** Writes the page's inputs with their labels. */
    void writePage(List<ExportItem> page) throws IOException;

    /** Writes what follows the last page. */
    void finish() throws IOException;
}
