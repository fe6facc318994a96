package dev.annotask.export;

import com.google.gson.stream.JsonWriter;
import dev.annotask.input.Input;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.Region;
import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;

/**
 * COCO (https://cocodataset.org/#format-data): one entry {@code annotations/instances.json}
 * with {@code info}, {@code licenses}, {@code images}, {@code annotations} and
 * {@code categories}, written in one pass: images go straight into the entry, annotations to a
 * scratch file copied in after the last image, categories last (JSON does not order keys).
 *
 * <p>Conventions (docs/COMPATIBILITY.md, "Export formats"): images are numbered from 1 in
 * source order, {@code file_name} is {@code {input id}.{ext}}, {@code width}/{@code height} come
 * from image_info (0 when unknown: such images get no region annotations, which need pixels);
 * a box is {@code bbox [x, y, w, h]} in pixels with an empty {@code segmentation}; a polygon is
 * {@code segmentation [[x1, y1, x2, y2, …]]} in pixels with its extent as {@code bbox} and its
 * area; categories are the app's concepts ({@code id} from 1, {@code name}, the concept id as
 * {@code supercategory}); input-level concepts marked present, which COCO's instance format
 * cannot hold, are listed per image as {@code category_ids}. Every annotation carries
 * {@code annotask_id} (the annotation's id) and every image {@code annotask_input_id}.
 */
final class CocoWriter implements FormatWriter {
    private final ExportContext context;
    private final Writer out;
    private final Path annotationsFile;
    private final Writer annotations;
    private long imageId;
    private long annotationId;

    CocoWriter(ExportContext context) throws IOException {
        this.context = context;
        context.zip().putNextEntry(new ZipEntry("annotations/instances.json"));
        this.out = new BufferedWriter(new OutputStreamWriter(context.zip(), StandardCharsets.UTF_8), 1 << 16);
        this.annotationsFile = Files.createTempFile(context.scratch(), "coco-annotations", ".json");
        this.annotations = Files.newBufferedWriter(annotationsFile, StandardCharsets.UTF_8);
        out.write("{\"info\":{\"description\":\"Annotask export\",\"version\":\"1.0\"},\"licenses\":[],\"images\":[");
    }

    @Override
    public void writePage(List<ExportItem> page) throws IOException {
        for (ExportItem item : page) {
            writeImage(++imageId, item);
        }
    }

    private void writeImage(long id, ExportItem item) throws IOException {
        Input input = item.input();
        int width = input.image() == null ? 0 : input.image().width();
        int height = input.image() == null ? 0 : input.image().height();
        List<Integer> imageLevel = new ArrayList<>();
        for (Label label : item.labels()) {
            for (Concept concept : Shapes.present(label.data())) {
                int category = context.concepts().index(concept) + 1;
                if (!imageLevel.contains(category)) {
                    imageLevel.add(category);
                }
            }
            if (width > 0 && height > 0) {
                for (Region region : Shapes.regions(label)) {
                    writeRegion(id, label, region, width, height);
                }
            }
        }
        JsonWriter json = open(out, id > 1);
        json.beginObject().name("id").value(id)
                .name("file_name").value(Shapes.fileName(input.id()) + "." + Shapes.extension(
                        input.image() == null ? null : input.image().format()))
                .name("width").value(width).name("height").value(height);
        String url = imageUrl(context.wire(input));
        if (!url.isEmpty()) {
            json.name("coco_url").value(url);
        }
        json.name("annotask_input_id").value(input.id());
        if (!imageLevel.isEmpty()) {
            json.name("category_ids").beginArray();
            for (int category : imageLevel) {
                json.value(category);
            }
            json.endArray();
        }
        json.endObject();
    }

    private void writeRegion(long image, Label label, Region region, int width, int height) throws IOException {
        Shapes.Box box = Shapes.box(region);
        if (box == null) {
            return;
        }
        for (Concept concept : Shapes.present(region.getData())) {
            JsonWriter json = open(annotations, annotationId > 0);
            json.beginObject().name("id").value(++annotationId).name("image_id").value(image)
                    .name("category_id").value(context.concepts().index(concept) + 1).name("iscrowd").value(0);
            json.name("bbox").beginArray().value(round(box.left() * width)).value(round(box.top() * height))
                    .value(round(box.width() * width)).value(round(box.height() * height)).endArray();
            json.name("segmentation").beginArray();
            double area = box.width() * width * box.height() * height;
            if (Shapes.isPolygon(region)) {
                List<double[]> points = new ArrayList<>();
                json.beginArray();
                for (Point p : region.getRegionInfo().getPolygon().getPointsList()) {
                    double x = p.getCol() * width;
                    double y = p.getRow() * height;
                    points.add(new double[] {x, y});
                    json.value(round(x)).value(round(y));
                }
                json.endArray();
                area = Shapes.polygonArea(points);
            }
            json.endArray().name("area").value(round(area)).name("annotask_id").value(label.annotationId());
            json.endObject();
        }
    }

    @Override
    public void finish() throws IOException {
        annotations.close();
        out.write("],\"annotations\":[");
        try (Reader in = Files.newBufferedReader(annotationsFile, StandardCharsets.UTF_8)) {
            in.transferTo(out);
        }
        Files.deleteIfExists(annotationsFile);
        out.write("],\"categories\":[");
        for (int i = 0; i < context.concepts().size(); i++) {
            JsonWriter json = open(out, i > 0);
            json.beginObject().name("id").value(i + 1).name("name").value(context.concepts().name(i))
                    .name("supercategory").value(context.concepts().id(i)).endObject();
        }
        out.write("]}");
        out.flush();
        context.zip().closeEntry();
    }

    static String imageUrl(dev.annotask.proto.api.Input wire) {
        return wire.getData().hasImage() ? wire.getData().getImage().getUrl() : "";
    }

    /** Pixel values to two decimals: exact enough, and short. */
    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** A JSON writer for one value in a list, after a comma when it is not the first. */
    private static JsonWriter open(Writer target, boolean comma) throws IOException {
        if (comma) {
            target.write(',');
        }
        JsonWriter json = new JsonWriter(new FilterWriter(target) {
            @Override
            public void close() {
                // the list's writer stays open
            }
        });
        json.setSerializeNulls(false);
        return json;
    }
}
