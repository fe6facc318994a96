package dev.annotask.imports;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a COCO file (docs/COMPATIBILITY.md, "Imports"): a JSON file alone, its images given by
 * {@code coco_url}, {@code flickr_url} or an http(s) {@code file_name}, or a ZIP with one JSON
 * file and the images it names. Streamed with Gson's {@link JsonReader} in two passes over the
 * JSON, never held whole: the first reads {@code categories} and {@code images} (kept: the
 * small index of image ids to input ids and sizes), the second {@code annotations}, one at a
 * time. Boxes ({@code bbox}, pixels [x, y, width, height]) and polygons ({@code segmentation}
 * lists, pixels) become regions normalised by the image's width and height; a polygon of
 * several parts becomes one annotation a part; RLE masks (crowds) keep their box. Not
 * thread-safe.
 */
final class CocoReader {
    private final ImportArchive archive;
    private final PlanBuilder plan;
    private final ArchiveFiles files;
    private final Map<String, String> conceptByCategory = new HashMap<>();
    private final Map<String, ImageRef> images = new HashMap<>();
    private final Set<String> badImages = new HashSet<>();
    private long[] annotationIds = new long[1024];
    private int annotationIdCount;

    /** What the annotations pass needs of an image. */
    private record ImageRef(String inputId, double width, double height) {
    }

    CocoReader(ImportArchive archive, PlanBuilder plan) {
        this.archive = archive;
        this.plan = plan;
        this.files = new ArchiveFiles(archive.names());
    }

    void read() {
        String json = jsonFile();
        if (json == null) {
            return;
        }
        pass(json, true);
        pass(json, false);
        reportDuplicateAnnotationIds();
    }

    /** The one JSON file of the upload, or null (reported) when there is none or more than one. */
    private String jsonFile() {
        if (!archive.isZip()) {
            return ImportArchive.SINGLE;
        }
        List<String> jsons = archive.names().stream().filter(n -> ImportArchive.extension(n).equals("json")).toList();
        if (jsons.size() != 1) {
            plan.bad("archive", jsons.isEmpty() ? "a COCO import needs one .json file in the archive; there is none"
                    : "a COCO import needs one .json file in the archive; there are " + jsons.size() + ": "
                    + String.join(", ", jsons.subList(0, Math.min(5, jsons.size()))));
            return null;
        }
        return jsons.get(0);
    }

    private void pass(String json, boolean first) {
        try (JsonReader in = new JsonReader(new InputStreamReader(archive.open(json), StandardCharsets.UTF_8))) {
            if (in.peek() != JsonToken.BEGIN_OBJECT) {
                if (first) {
                    plan.bad(json, "a COCO file is a JSON object with images, annotations and categories");
                }
                return;
            }
            in.beginObject();
            // Categories may come after images; images are kept, categories needed only in pass two.
            while (in.hasNext()) {
                String name = in.nextName();
                if (first && name.equals("categories")) {
                    readArray(in, "categories", this::category);
                } else if (first && name.equals("images")) {
                    readArray(in, "images", this::image);
                } else if (!first && name.equals("annotations")) {
                    readArray(in, "annotations", this::annotation);
                } else {
                    in.skipValue();
                }
            }
            in.endObject();
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            plan.bad(json, "not valid JSON: " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface EntryReader {
        void read(String entry, Map<String, Object> fields);
    }

    private static void readArray(JsonReader in, String kind, EntryReader reader) throws IOException {
        if (in.peek() != JsonToken.BEGIN_ARRAY) {
            in.skipValue();
            return;
        }
        in.beginArray();
        for (int i = 0; in.hasNext(); i++) {
            reader.read(kind + "[" + i + "]", CocoValues.object(in));
        }
        in.endArray();
    }

    private void category(String entry, Map<String, Object> fields) {
        String key = CocoValues.key(fields.get("id"));
        Object name = fields.get("name");
        if (key == null || !(name instanceof String text) || text.isBlank()) {
            plan.bad(entry, "a category needs an id and a name");
            return;
        }
        String conceptId = ImportIds.of(text);
        if (plan.concept(entry, conceptId, text) && conceptByCategory.putIfAbsent(key, conceptId) != null) {
            plan.bad(entry, "category id " + key + " appears twice");
        }
    }

    private void image(String entry, Map<String, Object> fields) {
        String key = CocoValues.key(fields.get("id"));
        String fileName = fields.get("file_name") instanceof String s ? s : "";
        double width = CocoValues.number(fields.get("width"));
        double height = CocoValues.number(fields.get("height"));
        if (key == null) {
            plan.bad(entry, "an image needs an id");
            return;
        }
        badImages.add(key); // until it is planned
        entry = entry + " (id " + key + ")";
        if (!(width > 0) || !(height > 0)) {
            plan.bad(entry, "an image needs its width and height in pixels (boxes are normalised by them)");
            return;
        }
        String local = fileName.isEmpty() || !archive.isZip() ? null : files.find(fileName);
        String url = local != null ? "" : firstWebUrl(fields.get("coco_url"), fields.get("flickr_url"), fileName);
        if (local == null && url == null) {
            plan.bad(entry, fileName.isEmpty() ? "an image needs a file_name, coco_url or flickr_url"
                    : "'" + fileName + "' is not in the archive, and the image has no coco_url or flickr_url");
            return;
        }
        String inputId = plan.settings().inputIds() == dev.annotask.proto.imports.Import.InputIds.IMAGE_ID
                ? ImportIds.of(key) : ImportIds.of(ImportArchive.stem(fileName.isEmpty() ? url : fileName));
        Struct.Builder source = Struct.newBuilder().putFields("image_id", Value.newBuilder().setStringValue(key).build());
        if (!fileName.isEmpty()) {
            source.putFields("file_name", Value.newBuilder().setStringValue(fileName).build());
        }
        Struct metadata = Struct.newBuilder().putFields("coco", Value.newBuilder().setStructValue(source).build()).build();
        if (plan.input(entry, inputId, url == null ? "" : url, local == null ? "" : local, metadata)) {
            images.put(key, new ImageRef(inputId, width, height));
            badImages.remove(key);
        }
    }

    private static String firstWebUrl(Object... candidates) {
        for (Object candidate : candidates) {
            if (candidate instanceof String url && (url.startsWith("http://") || url.startsWith("https://"))
                    && url.length() <= 2048) {
                return url;
            }
        }
        return null;
    }

    private void annotation(String entry, Map<String, Object> fields) {
        String id = CocoValues.key(fields.get("id"));
        String imageKey = CocoValues.key(fields.get("image_id"));
        String categoryKey = CocoValues.key(fields.get("category_id"));
        if (id == null) {
            plan.bad(entry, "an annotation needs an id");
            return;
        }
        entry = entry + " (id " + id + ")";
        if (id.matches("-?\\d{1,18}")) {
            rememberAnnotationId(Long.parseLong(id));
        }
        ImageRef image = imageKey == null ? null : images.get(imageKey);
        String conceptId = categoryKey == null ? null : conceptByCategory.get(categoryKey);
        if (image == null) {
            // An image already reported as bad is not reported again through its annotations.
            if (imageKey == null || !badImages.contains(imageKey)) {
                plan.bad(entry, "image_id " + imageKey + " is not an image of the file (or a bad one)");
            }
            return;
        }
        if (conceptId == null) {
            plan.bad(entry, "category_id " + categoryKey + " is not a category of the file");
            return;
        }
        double score = fields.containsKey("score") ? CocoValues.number(fields.get("score")) : -1;
        if (fields.containsKey("score") && !(score >= 0 && score <= 1)) {
            plan.bad(entry, "score must be between 0 and 1");
            return;
        }
        Object segmentation = fields.get("segmentation");
        if (!plan.settings().boxesOnly() && segmentation instanceof List<?> parts && !parts.isEmpty()) {
            polygons(entry, id, image, conceptId, parts, score);
            return;
        }
        double[] bbox = CocoValues.numbers(fields.get("bbox"));
        if (bbox == null || bbox.length != 4 || !(bbox[2] > 0) || !(bbox[3] > 0)) {
            plan.bad(entry, "bbox must be [x, y, width, height] in pixels, width and height above 0");
            return;
        }
        double top = Shapes.unit(bbox[1] / image.height());
        double left = Shapes.unit(bbox[0] / image.width());
        double bottom = Shapes.unit((bbox[1] + bbox[3]) / image.height());
        double right = Shapes.unit((bbox[0] + bbox[2]) / image.width());
        if (Double.isNaN(top + left + bottom + right)) {
            plan.bad(entry, "bbox " + Arrays.toString(bbox) + " lies outside the image's " + (long) image.width()
                    + "x" + (long) image.height() + " pixels");
            return;
        }
        plan.annotation(entry, image.inputId(), id, Shapes.box(top, left, bottom, right, conceptId, score));
    }

    private void polygons(String entry, String id, ImageRef image, String conceptId, List<?> parts, double score) {
        List<double[]> rings = new ArrayList<>();
        for (Object part : parts) {
            double[] xy = CocoValues.numbers(part);
            if (xy == null || xy.length < 6 || xy.length % 2 != 0) {
                plan.bad(entry, "segmentation polygons are lists of x, y pixel pairs, at least three points each");
                return;
            }
            rings.add(xy);
        }
        for (int p = 0; p < rings.size(); p++) {
            double[] xy = rings.get(p);
            double[] rows = new double[xy.length / 2];
            double[] cols = new double[xy.length / 2];
            for (int i = 0; i < rows.length; i++) {
                cols[i] = Shapes.unit(xy[2 * i] / image.width());
                rows[i] = Shapes.unit(xy[2 * i + 1] / image.height());
                if (Double.isNaN(rows[i] + cols[i])) {
                    plan.bad(entry, "segmentation point (" + xy[2 * i] + ", " + xy[2 * i + 1] + ") lies outside the image");
                    return;
                }
            }
            String key = p == 0 ? id : id + "-" + (p + 1);
            plan.annotation(rings.size() == 1 ? entry : entry + " part " + (p + 1), image.inputId(), key,
                    Shapes.polygon(rows, cols, conceptId, score));
        }
    }

    private void rememberAnnotationId(long id) {
        if (annotationIdCount == annotationIds.length) {
            annotationIds = Arrays.copyOf(annotationIds, annotationIds.length * 2);
        }
        annotationIds[annotationIdCount++] = id;
    }

    /** Two annotations with one id would make one Annotask annotation: the file is reported, once per id. */
    private void reportDuplicateAnnotationIds() {
        long[] ids = Arrays.copyOf(annotationIds, annotationIdCount);
        Arrays.sort(ids);
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] == ids[i - 1] && (i == 1 || ids[i - 1] != ids[i - 2])) {
                plan.bad("annotations (id " + ids[i] + ")", "annotation id " + ids[i] + " appears more than once");
            }
        }
    }
}
