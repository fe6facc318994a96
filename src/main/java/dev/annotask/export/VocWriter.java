package dev.annotask.export;

import dev.annotask.input.Input;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Region;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pascal VOC: {@code Annotations/{input id}.xml} per input, with {@code filename}, {@code size}
 * (from image_info; 0 when unknown) and one {@code object} per region and concept present:
 * {@code name} (the concept's name), {@code pose} Unspecified, {@code truncated} and
 * {@code difficult} 0, and {@code bndbox} in whole pixels, 1-based as VOC counts them
 * ({@code xmin = round(left × width) + 1}, {@code xmax = round(right × width)}); a polygon
 * appears as the box around it (VOC has no polygons). Regions of images of unknown size are
 * left out, since VOC needs pixels. {@code JPEGImages/{input id}.{ext}} for stored images.
 */
final class VocWriter implements FormatWriter {
    private final ExportContext context;

    VocWriter(ExportContext context) {
        this.context = context;
    }

    @Override
    public void writePage(List<ExportItem> page) throws IOException {
        for (ExportItem item : page) {
            Input input = item.input();
            String file = Shapes.fileName(input.id()) + "." + Shapes.extension(
                    input.image() == null ? null : input.image().format());
            int width = input.image() == null ? 0 : input.image().width();
            int height = input.image() == null ? 0 : input.image().height();
            StringBuilder xml = new StringBuilder("<annotation>\n  <folder>JPEGImages</folder>\n");
            xml.append("  <filename>").append(escape(file)).append("</filename>\n");
            xml.append("  <source><database>Annotask</database><annotation>").append(escape(input.id()))
                    .append("</annotation></source>\n");
            xml.append("  <size><width>").append(width).append("</width><height>").append(height)
                    .append("</height><depth>3</depth></size>\n  <segmented>0</segmented>\n");
            if (width > 0 && height > 0) {
                for (Label label : item.labels()) {
                    for (Region region : Shapes.regions(label)) {
                        appendObjects(xml, region, width, height);
                    }
                }
            }
            xml.append("</annotation>\n");
            context.entry("Annotations/" + Shapes.fileName(input.id()) + ".xml", xml.toString().getBytes(StandardCharsets.UTF_8));
            context.image("JPEGImages", input);
        }
    }

    private void appendObjects(StringBuilder xml, Region region, int width, int height) {
        Shapes.Box box = Shapes.box(region);
        if (box == null) {
            return;
        }
        // Rounded, not floored: stored coordinates are floats (0.6 × 40 is 24.000001).
        long xmin = Math.max(1, Math.round(box.left() * width) + 1);
        long ymin = Math.max(1, Math.round(box.top() * height) + 1);
        long xmax = Math.min(width, Math.max(xmin, Math.round(box.right() * width)));
        long ymax = Math.min(height, Math.max(ymin, Math.round(box.bottom() * height)));
        for (Concept concept : Shapes.present(region.getData())) {
            xml.append("  <object>\n    <name>").append(escape(context.concepts().name(concept))).append("</name>\n")
                    .append("    <pose>Unspecified</pose>\n    <truncated>0</truncated>\n    <difficult>0</difficult>\n")
                    .append("    <bndbox><xmin>").append(xmin).append("</xmin><ymin>").append(ymin)
                    .append("</ymin><xmax>").append(xmax).append("</xmax><ymax>").append(ymax)
                    .append("</ymax></bndbox>\n  </object>\n");
        }
    }

    @Override
    public void finish() {
        // One file per input, written as it comes.
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
