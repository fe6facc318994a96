package dev.annotask.export;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Where an export's inputs and labels come from, read a page at a time by key: each page is
 * the next inputs after {@code afterSeq} in source order, with their labels. Callers read each
 * page in a transaction of its own, so memory and transactions stay short whatever the size.
 */
interface ExportSource {
    /** Up to {@code limit} inputs after {@code afterSeq}, in order, with their labels; empty at the end. */
    List<ExportItem> page(Handle handle, long afterSeq, int limit);

    /** The name exports of this source are downloaded as (without extension). */
    String fileName();
}
