package dev.annotask.export;

import com.google.protobuf.util.Timestamps;
import dev.annotask.input.Input;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.Region;
import dev.annotask.proto.api.status.StatusCode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;

/**
 * CSV (RFC 4180, UTF-8, CRLF): {@code labels.csv} with a header and one row per concept of each
 * label (a region with two concepts is two rows sharing {@code annotation_id} and
 * {@code region_id}); an input without labels is one row with the label columns empty. Boxes and
 * polygons in Clarifai's normalised coordinates (0–1 of the image, top-left origin), polygons
 * as {@code col row;col row;…}; times in RFC 3339.
 */
final class CsvWriter implements FormatWriter {
    static final List<String> HEADER = List.of("input_id", "input_url", "image_width", "image_height", "annotation_id",
            "task_id", "labeler", "reviewers", "status", "concept_id", "concept_name", "value", "region_id", "shape",
            "left", "top", "right", "bottom", "polygon", "created_at", "modified_at");

    private final ExportContext context;
    private final Writer out;

    CsvWriter(ExportContext context) throws IOException {
        this.context = context;
        context.zip().putNextEntry(new ZipEntry("labels.csv"));
        this.out = new BufferedWriter(new OutputStreamWriter(context.zip(), StandardCharsets.UTF_8), 1 << 16);
        row(HEADER);
    }

    @Override
    public void writePage(List<ExportItem> page) throws IOException {
        for (ExportItem item : page) {
            Input input = item.input();
            List<String> inputColumns = List.of(input.id(), CocoWriter.imageUrl(context.wire(input)),
                    input.image() == null ? "" : String.valueOf(input.image().width()),
                    input.image() == null ? "" : String.valueOf(input.image().height()));
            boolean any = false;
            for (Label label : item.labels()) {
                for (Concept concept : label.data().getConceptsList()) {
                    row(inputColumns, label, concept, null);
                    any = true;
                }
                for (Region region : label.data().getRegionsList()) {
                    for (Concept concept : region.getData().getConceptsList()) {
                        row(inputColumns, label, concept, region);
                        any = true;
                    }
                }
            }
            if (!any) {
                List<String> empty = new ArrayList<>(inputColumns);
                while (empty.size() < HEADER.size()) {
                    empty.add("");
                }
                row(empty);
            }
        }
    }

    private void row(List<String> input, Label label, Concept concept, Region region) throws IOException {
        List<String> row = new ArrayList<>(input);
        row.addAll(List.of(label.annotationId(), label.taskId(), label.labelerId(), String.join(" ", label.reviewers()),
                status(label.status())));
        row.add(concept.getId());
        row.add(context.concepts().name(concept));
        row.add(String.valueOf(concept.hasValue() ? concept.getValue() : 1.0f));
        Shapes.Box box = region == null ? null : Shapes.box(region);
        row.add(region == null ? "" : region.getId());
        row.add(region == null ? "" : Shapes.isPolygon(region) ? "polygon" : Shapes.isBox(region) ? "box" : "other");
        for (double side : box == null ? new double[0] : new double[] {box.left(), box.top(), box.right(), box.bottom()}) {
            row.add(YoloWriter.number(side));
        }
        while (row.size() < 18) {
            row.add("");
        }
        StringBuilder polygon = new StringBuilder();
        if (region != null && Shapes.isPolygon(region)) {
            for (Point p : region.getRegionInfo().getPolygon().getPointsList()) {
                polygon.append(polygon.isEmpty() ? "" : ";").append(YoloWriter.number(p.getCol())).append(' ')
                        .append(YoloWriter.number(p.getRow()));
            }
        }
        row.add(polygon.toString());
        row.add(Timestamps.toString(Timestamps.fromMillis(label.createdAt())));
        row.add(Timestamps.toString(Timestamps.fromMillis(label.modifiedAt())));
        row(row);
    }

    @Override
    public void finish() throws IOException {
        out.flush();
        context.zip().closeEntry();
    }

    static String status(int code) {
        StatusCode status = StatusCode.forNumber(code);
        return status == null ? String.valueOf(code) : status.name();
    }

    private void row(List<String> columns) throws IOException {
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(quote(columns.get(i)));
        }
        out.write("\r\n");
    }

    static String quote(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
