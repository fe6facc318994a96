package dev.annotask.export;

import com.google.gson.stream.JsonWriter;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.annotask.input.Input;
import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;

/**
 * JSON Lines: {@code labels.jsonl}, one input per line:
 * {@code {"input_id", "input": <the Input as the API shows it>, "labels": [{"annotation_id",
 * "task_id", "labeler", "reviewers": [...], "status", "data": <the annotation's Data as the API
 * shows it>, "created_at", "modified_at"}]}}, so each line can be read with the same code as
 * the API's answers (concepts and regions in Clarifai's normalised coordinates).
 */
final class JsonlWriter implements FormatWriter {
    private static final JsonFormat.Printer PROTO = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();

    private final ExportContext context;
    private final Writer out;

    JsonlWriter(ExportContext context) throws IOException {
        this.context = context;
        context.zip().putNextEntry(new ZipEntry("labels.jsonl"));
        this.out = new BufferedWriter(new OutputStreamWriter(context.zip(), StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public void writePage(List<ExportItem> page) throws IOException {
        for (ExportItem item : page) {
            Input input = item.input();
            JsonWriter json = new JsonWriter(new FilterWriter(out) {
                @Override
                public void close() {
                    // the entry's writer stays open
                }
            });
            json.beginObject().name("input_id").value(input.id());
            json.name("input").jsonValue(PROTO.print(context.wire(input)));
            json.name("labels").beginArray();
            for (Label label : item.labels()) {
                json.beginObject().name("annotation_id").value(label.annotationId())
                        .name("task_id").value(label.taskId()).name("labeler").value(label.labelerId());
                json.name("reviewers").beginArray();
                for (String reviewer : label.reviewers()) {
                    json.value(reviewer);
                }
                json.endArray().name("status").value(CsvWriter.status(label.status()));
                json.name("data").jsonValue(PROTO.print(label.data()));
                json.name("created_at").value(Timestamps.toString(Timestamps.fromMillis(label.createdAt())))
                        .name("modified_at").value(Timestamps.toString(Timestamps.fromMillis(label.modifiedAt())));
                json.endObject();
            }
            json.endArray().endObject();
            out.write('\n');
        }
    }

    @Override
    public void finish() throws IOException {
        out.flush();
        context.zip().closeEntry();
    }
}
