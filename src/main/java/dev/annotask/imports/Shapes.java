package dev.annotask.imports;

import dev.annotask.proto.api.BoundingBox;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.Polygon;
import dev.annotask.proto.api.Region;
import dev.annotask.proto.api.RegionInfo;

/**
 * Regions in Clarifai's convention, made from the pixel or normalised numbers of a file:
 * coordinates normalised to 0–1 of the image's height (rows, from the top) and width
 * (columns, from the left). A coordinate past an edge by at most {@link #SLACK} of the image
 * (rounding in the tool that wrote the file) is moved onto the edge; further out, the reader
 * reports the entry. Stateless.
 */
final class Shapes {
    static final double SLACK = 0.01;

    private Shapes() {
    }

    /** Clamped onto [0, 1], or NaN when out by more than {@link #SLACK}. */
    static double unit(double value) {
        if (!Double.isFinite(value) || value < -SLACK || value > 1 + SLACK) {
            return Double.NaN;
        }
        return Math.max(0, Math.min(1, value));
    }

    /** A box annotation's data; {@code score} in [0, 1] becomes the region's value, or is -1 for none. */
    static Data box(double top, double left, double bottom, double right, String conceptId, double score) {
        BoundingBox box = BoundingBox.newBuilder().setTopRow((float) top).setLeftCol((float) left)
                .setBottomRow((float) bottom).setRightCol((float) right).build();
        return region(RegionInfo.newBuilder().setBoundingBox(box).build(), conceptId, score);
    }

    /** A polygon annotation's data from normalised (row, col) pairs. */
    static Data polygon(double[] rows, double[] cols, String conceptId, double score) {
        Polygon.Builder polygon = Polygon.newBuilder();
        for (int i = 0; i < rows.length; i++) {
            polygon.addPoints(Point.newBuilder().setRow((float) rows[i]).setCol((float) cols[i]));
        }
        return region(RegionInfo.newBuilder().setPolygon(polygon).build(), conceptId, score);
    }

    private static Data region(RegionInfo info, String conceptId, double score) {
        Region.Builder region = Region.newBuilder().setRegionInfo(info)
                .setData(Data.newBuilder().addConcepts(Concept.newBuilder().setId(conceptId).setValue(1f)));
        if (score >= 0) {
            region.setValue((float) score);
        }
        return Data.newBuilder().addRegions(region).build();
    }
}
