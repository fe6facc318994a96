package dev.annotask.imports;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a ZIP of a YOLO dataset (docs/COMPATIBILITY.md, "Imports"): images anywhere (usually
 * {@code images/} or {@code images/train/}), for each image the label file of the same path
 * with its {@code images} folder named {@code labels} and the extension {@code .txt}, and the
 * class names in data.yaml (or classes.txt, obj.names). A label line is
 * {@code class cx cy w h} (a box, normalised centre and size), {@code class x1 y1 … xn yn} (a
 * polygon, normalised), either followed by a confidence when the file holds a model's output.
 * An image without a label file is an input without annotations; a label file without an
 * image is reported. One file at a time, streamed. Not thread-safe.
 */
final class YoloReader {
    private final ImportArchive archive;
    private final PlanBuilder plan;
    private final List<String> conceptByClass = new ArrayList<>();

    YoloReader(ImportArchive archive, PlanBuilder plan) {
        this.archive = archive;
        this.plan = plan;
    }

    void read() {
        if (!archive.isZip()) {
            plan.bad("upload", "a YOLO import is a ZIP of the dataset's folder (images, labels, data.yaml)");
            return;
        }
        if (!readNames()) {
            return;
        }
        Set<String> labelsOfImages = new HashSet<>();
        for (String image : archive.names().stream().filter(ImageFiles::isImage).toList()) {
            String labels = labelsOf(image);
            labelsOfImages.add(labels);
            Struct metadata = Struct.newBuilder().putFields("yolo", Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("file", Value.newBuilder().setStringValue(image).build())).build()).build();
            String inputId = ImportIds.of(ImportArchive.stem(image));
            if (plan.input(image, inputId, "", image, metadata) && archive.has(labels)) {
                readLabels(labels, inputId);
            }
        }
        for (String name : archive.names()) {
            if (isLabelFile(name) && !labelsOfImages.contains(name)) {
                plan.bad(name, "a label file without its image (expected one of the same name in the images folder)");
            }
        }
    }

    private boolean readNames() {
        List<String> names = archive.names().stream()
                .filter(n -> ImportArchive.baseName(n).matches("(?i)data\\.ya?ml"))
                .min(Comparator.comparingInt(String::length))
                .map(yaml -> YoloNames.fromYaml(archive.open(yaml)))
                .orElse(List.of());
        if (names.isEmpty()) {
            names = archive.names().stream()
                    .filter(n -> ImportArchive.baseName(n).matches("(?i)(classes\\.txt|.*\\.names)"))
                    .min(Comparator.comparingInt(String::length))
                    .map(file -> YoloNames.fromLines(archive.open(file)))
                    .orElse(List.of());
        }
        if (names.isEmpty()) {
            plan.bad("archive", "a YOLO import needs the class names: data.yaml with names, or classes.txt");
            return false;
        }
        for (int i = 0; i < names.size(); i++) {
            String conceptId = ImportIds.of(names.get(i));
            conceptByClass.add(plan.concept("names[" + i + "]", conceptId, names.get(i)) ? conceptId : null);
        }
        return true;
    }

    /** images/train/a.jpg → labels/train/a.txt; a.jpg (no images folder) → a.txt. */
    static String labelsOf(String image) {
        String withoutExtension = image.substring(0, image.length() - ImportArchive.extension(image).length() - 1);
        int at = withoutExtension.lastIndexOf("images/");
        if (at >= 0 && (at == 0 || withoutExtension.charAt(at - 1) == '/')) {
            withoutExtension = withoutExtension.substring(0, at) + "labels/" + withoutExtension.substring(at + 7);
        }
        return withoutExtension + ".txt";
    }

    private static boolean isLabelFile(String name) {
        return ImportArchive.extension(name).equals("txt") && (name.startsWith("labels/") || name.contains("/labels/"));
    }

    private void readLabels(String file, String inputId) {
        try (InputStream in = archive.open(file);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            for (int number = 1; (line = reader.readLine()) != null; number++) {
                if (!line.isBlank()) {
                    label(file + ":" + number, inputId, number, line.trim().split("\\s+"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void label(String entry, String inputId, int line, String[] tokens) {
        double[] values = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            try {
                values[i] = Double.parseDouble(tokens[i]);
            } catch (NumberFormatException e) {
                plan.bad(entry, "'" + tokens[i] + "' is not a number");
                return;
            }
        }
        int kind = tokens.length;
        boolean box = kind == 5 || kind == 6;
        boolean polygon = kind >= 7;
        if (!box && !polygon) {
            plan.bad(entry, "a label line is 'class cx cy w h' or 'class x1 y1 x2 y2 x3 y3 …', not " + kind + " numbers");
            return;
        }
        double classIndex = values[0];
        if (classIndex != Math.rint(classIndex) || classIndex < 0 || classIndex >= conceptByClass.size()) {
            plan.bad(entry, "class " + tokens[0] + " is not one of the " + conceptByClass.size() + " class names");
            return;
        }
        String conceptId = conceptByClass.get((int) classIndex);
        if (conceptId == null) {
            return; // its name was reported
        }
        boolean scored = box ? kind == 6 : kind % 2 == 0;
        double score = scored ? values[kind - 1] : -1;
        if (scored && !(score >= 0 && score <= 1)) {
            plan.bad(entry, "the confidence " + tokens[kind - 1] + " must be between 0 and 1");
            return;
        }
        if (box) {
            double cx = values[1];
            double cy = values[2];
            double w = values[3];
            double h = values[4];
            double top = Shapes.unit(cy - h / 2);
            double left = Shapes.unit(cx - w / 2);
            double bottom = Shapes.unit(cy + h / 2);
            double right = Shapes.unit(cx + w / 2);
            if (!(w > 0) || !(h > 0) || Double.isNaN(top + left + bottom + right)) {
                plan.bad(entry, "the box must lie inside the image (normalised 0–1) with a width and height above 0");
                return;
            }
            plan.annotation(entry, inputId, String.valueOf(line), Shapes.box(top, left, bottom, right, conceptId, score));
            return;
        }
        int points = (kind - 1 - (scored ? 1 : 0)) / 2;
        double[] rows = new double[points];
        double[] cols = new double[points];
        for (int i = 0; i < points; i++) {
            cols[i] = Shapes.unit(values[1 + 2 * i]);
            rows[i] = Shapes.unit(values[2 + 2 * i]);
            if (Double.isNaN(rows[i] + cols[i])) {
                plan.bad(entry, "polygon point " + (i + 1) + " lies outside the image (normalised 0–1)");
                return;
            }
        }
        plan.annotation(entry, inputId, String.valueOf(line), Shapes.polygon(rows, cols, conceptId, score));
    }
}
