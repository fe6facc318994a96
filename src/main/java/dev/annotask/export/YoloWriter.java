package dev.annotask.export;

import dev.annotask.input.Input;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.Region;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * YOLO (Ultralytics layout): {@code labels/{input id}.txt} per input with regions or a stored
 * image, one line per region and concept: {@code class cx cy w h} for a box, {@code class x1 y1
 * x2 y2 …} (a segment) for a polygon, all normalised to 0–1, so no image size is needed;
 * {@code images/{input id}.{ext}} for inputs whose bytes the server stores; {@code data.yaml}
 * with {@code path}, {@code train}, {@code val} and {@code names} (class number → concept
 * name; the concept ids follow as a comment). Input-level concepts have no place in YOLO's
 * detection format and are left out (CSV and JSONL carry them).
 */
final class YoloWriter implements FormatWriter {
    private final ExportContext context;

    YoloWriter(ExportContext context) {
        this.context = context;
    }

    @Override
    public void writePage(List<ExportItem> page) throws IOException {
        for (ExportItem item : page) {
            StringBuilder lines = new StringBuilder();
            for (Label label : item.labels()) {
                for (Region region : Shapes.regions(label)) {
                    appendRegion(lines, region);
                }
            }
            Input input = item.input();
            boolean image = context.image("images", input);
            if (image || !lines.isEmpty()) {
                context.entry("labels/" + Shapes.fileName(input.id()) + ".txt", lines.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void appendRegion(StringBuilder lines, Region region) {
        Shapes.Box box = Shapes.box(region);
        if (box == null) {
            return;
        }
        for (Concept concept : Shapes.present(region.getData())) {
            lines.append(context.concepts().index(concept));
            if (Shapes.isPolygon(region)) {
                for (Point p : region.getRegionInfo().getPolygon().getPointsList()) {
                    lines.append(' ').append(number(p.getCol())).append(' ').append(number(p.getRow()));
                }
            } else {
                lines.append(' ').append(number((box.left() + box.right()) / 2))
                        .append(' ').append(number((box.top() + box.bottom()) / 2))
                        .append(' ').append(number(box.width())).append(' ').append(number(box.height()));
            }
            lines.append('\n');
        }
    }

    @Override
    public void finish() throws IOException {
        StringBuilder yaml = new StringBuilder("# Annotask export (YOLO)\npath: .\ntrain: images\nval: images\nnames:\n");
        for (int i = 0; i < context.concepts().size(); i++) {
            yaml.append("  ").append(i).append(": ").append(quoted(context.concepts().name(i)))
                    .append("  # ").append(context.concepts().id(i).replace('\n', ' ')).append('\n');
        }
        context.entry("data.yaml", yaml.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String number(double value) {
        return String.format(Locale.ROOT, "%.6f", Math.max(0, Math.min(1, value)));
    }

    /** A YAML double-quoted scalar. */
    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
