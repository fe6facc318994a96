package dev.annotask.export;

import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * The shapes of a label as the formats need them: its region (box, polygon, or none for an
 * input-level label), the box around it in Clarifai's normalised coordinates (0 top/left, 1
 * bottom/right), and its concepts marked present. Stateless.
 */
final class Shapes {
    /** A box in normalised coordinates. */
    record Box(double left, double top, double right, double bottom) {
        double width() {
            return right - left;
        }

        double height() {
            return bottom - top;
        }
    }

    /** One region of a label, or null for input-level concepts. */
    static Region region(Label label) {
        return label.data().getRegionsCount() == 0 ? null : label.data().getRegions(0);
    }

    /** Every region of a label (annotations hold one; older data may hold more). */
    static List<Region> regions(Label label) {
        return label.data().getRegionsList();
    }

    static boolean isPolygon(Region region) {
        return region.getRegionInfo().hasPolygon() && region.getRegionInfo().getPolygon().getPointsCount() >= 3;
    }

    static boolean isBox(Region region) {
        return region.getRegionInfo().hasBoundingBox();
    }

    /** The box of a region: its bounding box, else the extent of its polygon; null for neither. */
    static Box box(Region region) {
        if (isBox(region)) {
            var b = region.getRegionInfo().getBoundingBox();
            return new Box(b.getLeftCol(), b.getTopRow(), b.getRightCol(), b.getBottomRow());
        }
        if (isPolygon(region)) {
            double left = 1, top = 1, right = 0, bottom = 0;
            for (Point p : region.getRegionInfo().getPolygon().getPointsList()) {
                left = Math.min(left, p.getCol());
                right = Math.max(right, p.getCol());
                top = Math.min(top, p.getRow());
                bottom = Math.max(bottom, p.getRow());
            }
            return new Box(left, top, right, bottom);
        }
        return null;
    }

    /** The concepts of a data marked present (value above 0.5, Clarifai's "positive"). */
    static List<Concept> present(Data data) {
        List<Concept> present = new ArrayList<>();
        for (Concept concept : data.getConceptsList()) {
            if (!concept.hasValue() || concept.getValue() > 0.5f) {
                present.add(concept);
            }
        }
        return present;
    }

    /** A polygon's area in the unit the points are given in (shoelace formula). */
    static double polygonArea(List<double[]> points) {
        double twice = 0;
        for (int i = 0; i < points.size(); i++) {
            double[] a = points.get(i);
            double[] b = points.get((i + 1) % points.size());
            twice += a[0] * b[1] - b[0] * a[1];
        }
        return Math.abs(twice) / 2;
    }

    /** A file name for an input id: characters a path could misread replaced by '_'. */
    static String fileName(String inputId) {
        String safe = inputId.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() || safe.chars().allMatch(c -> c == '.') ? "_" + safe : safe;
    }

    /** The file extension of a stored image's format ("JPEG" → "jpg"), "bin" when unknown. */
    static String extension(String imageFormat) {
        if (imageFormat == null) {
            return "bin";
        }
        return switch (imageFormat) {
            case "JPEG" -> "jpg";
            case "PNG" -> "png";
            case "GIF" -> "gif";
            case "WEBP" -> "webp";
            case "BMP" -> "bmp";
            default -> "bin";
        };
    }

    private Shapes() {
    }
}
