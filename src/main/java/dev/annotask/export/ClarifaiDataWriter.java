package dev.annotask.export;

import com.google.protobuf.util.JsonFormat;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.InputBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;

/**
 * Clarifai's CLARIFAI_DATA_PROTOBUF and CLARIFAI_DATA_JSON layouts, as Clarifai's clients read
 * them: a first entry {@code mimetype} holding {@code application/x.clarifai-data+protobuf}
 * (or {@code +json}), then one entry per batch, {@code all/batch-{k}_n{count}}, holding an
 * InputBatch, serialized or as JSON; the {@code _n{count}} suffix is how the Python SDK counts
 * inputs without reading them. Each input has only {@code id} and {@code data}: the input's
 * data as the API shows it (hosted URL, image_info, metadata) with its labels merged in,
 * input-level concepts as {@code data.concepts} and each region as one of {@code data.regions}.
 */
final class ClarifaiDataWriter implements FormatWriter {
    static final String MIMETYPE_PROTOBUF = "application/x.clarifai-data+protobuf";
    static final String MIMETYPE_JSON = "application/x.clarifai-data+json";
    private static final JsonFormat.Printer JSON = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();

    private final ExportContext context;
    private final boolean json;
    private int batches;

    ClarifaiDataWriter(ExportContext context, boolean json) throws IOException {
        this.context = context;
        this.json = json;
        // Stored, not deflated, and first: the mimetype entry is read as is (like EPUB's).
        byte[] mimetype = (json ? MIMETYPE_JSON : MIMETYPE_PROTOBUF).getBytes(StandardCharsets.US_ASCII);
        ZipEntry entry = new ZipEntry("mimetype");
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(mimetype.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(mimetype);
        entry.setCrc(crc.getValue());
        context.zip().putNextEntry(entry);
        context.zip().write(mimetype);
        context.zip().closeEntry();
    }

    @Override
    public void writePage(List<ExportItem> page) throws IOException {
        if (page.isEmpty()) {
            return;
        }
        InputBatch.Builder batch = InputBatch.newBuilder();
        for (ExportItem item : page) {
            batch.addInputs(input(item));
        }
        String name = "all/batch-" + String.format("%06d", batches++) + "_n" + page.size();
        context.entry(name, json ? JSON.print(batch).getBytes(StandardCharsets.UTF_8) : batch.build().toByteArray());
    }

    private Input input(ExportItem item) {
        Data.Builder data = context.wire(item.input()).getData().toBuilder();
        for (Label label : item.labels()) {
            data.addAllConcepts(label.data().getConceptsList());
            data.addAllRegions(label.data().getRegionsList());
        }
        return Input.newBuilder().setId(item.input().id()).setData(data).build();
    }

    @Override
    public void finish() {
        // Every batch is written as its page comes.
    }
}
