package dev.annotask.annotation;

import dev.annotask.proto.api.BoundingBox;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.Region;
import dev.annotask.proto.api.RegionInfo;
import java.awt.geom.Area;
import java.awt.geom.Path2D;
import java.awt.geom.PathIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * When two labelers "labeled an input the same way" (docs/ARCHITECTURE.md, "The labeling workflow"): the sets of concepts they
 * marked present (value > 0.5) are equal, and their regions pair up one-to-one, per concept,
 * with an intersection over union of at least 0.5. Boxes and polygons are compared by exact
 * area ({@link Area} clips the shapes). Stateless.
 */
public final class Agreement {
    static final double MIN_IOU = 0.5;

    private Agreement() {
    }

    /** One labeler's work on one input: the data of each of their annotations. */
    public record Labeling(String userId, List<Data> annotations) {
    }

    public static boolean agree(Labeling first, Labeling second) {
        if (!presentConcepts(first).equals(presentConcepts(second))) {
            return false;
        }
        Map<String, List<Area>> mine = regionsByConcepts(first);
        Map<String, List<Area>> theirs = regionsByConcepts(second);
        if (!mine.keySet().equals(theirs.keySet())) {
            return false;
        }
        for (Map.Entry<String, List<Area>> entry : mine.entrySet()) {
            if (!pairUp(entry.getValue(), theirs.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> presentConcepts(Labeling labeling) {
        Set<String> present = new TreeSet<>();
        for (Data data : labeling.annotations()) {
            for (Concept concept : data.getConceptsList()) {
                if (concept.getValue() > 0.5f) {
                    present.add(concept.getId());
                }
            }
        }
        return present;
    }

    private static Map<String, List<Area>> regionsByConcepts(Labeling labeling) {
        Map<String, List<Area>> byConcepts = new HashMap<>();
        for (Data data : labeling.annotations()) {
            for (Region region : data.getRegionsList()) {
                Area shape = shape(region.getRegionInfo());
                if (shape == null) {
                    continue;
                }
                Set<String> concepts = new TreeSet<>();
                region.getData().getConceptsList().stream().filter(c -> c.getValue() > 0.5f)
                        .forEach(c -> concepts.add(c.getId()));
                byConcepts.computeIfAbsent(String.join(",", concepts), k -> new ArrayList<>()).add(shape);
            }
        }
        return byConcepts;
    }

    static Area shape(RegionInfo info) {
        Path2D.Double path = new Path2D.Double();
        if (info.hasBoundingBox()) {
            BoundingBox box = info.getBoundingBox();
            path.moveTo(box.getLeftCol(), box.getTopRow());
            path.lineTo(box.getRightCol(), box.getTopRow());
            path.lineTo(box.getRightCol(), box.getBottomRow());
            path.lineTo(box.getLeftCol(), box.getBottomRow());
        } else if (info.hasPolygon() && info.getPolygon().getPointsCount() >= 3) {
            List<Point> points = info.getPolygon().getPointsList();
            path.moveTo(points.get(0).getCol(), points.get(0).getRow());
            for (Point point : points.subList(1, points.size())) {
                path.lineTo(point.getCol(), point.getRow());
            }
        } else {
            return null;
        }
        path.closePath();
        return new Area(path);
    }

    static double iou(Area first, Area second) {
        Area intersection = new Area(first);
        intersection.intersect(second);
        Area union = new Area(first);
        union.add(second);
        double unionArea = area(union);
        return unionArea == 0 ? 0 : area(intersection) / unionArea;
    }

    /** The area enclosed by a flattened shape (shoelace over each closed sub-path). */
    static double area(Area shape) {
        double total = 0;
        double[] coords = new double[6];
        double startX = 0;
        double startY = 0;
        double lastX = 0;
        double lastY = 0;
        for (PathIterator it = shape.getPathIterator(null, 1e-9); !it.isDone(); it.next()) {
            switch (it.currentSegment(coords)) {
                case PathIterator.SEG_MOVETO -> {
                    startX = lastX = coords[0];
                    startY = lastY = coords[1];
                }
                case PathIterator.SEG_LINETO -> {
                    total += lastX * coords[1] - coords[0] * lastY;
                    lastX = coords[0];
                    lastY = coords[1];
                }
                case PathIterator.SEG_CLOSE -> {
                    total += lastX * startY - startX * lastY;
                    lastX = startX;
                    lastY = startY;
                }
                default -> { }
            }
        }
        return Math.abs(total) / 2;
    }

    /** True when the shapes pair up one-to-one with IoU ≥ 0.5 (a perfect bipartite matching). */
    private static boolean pairUp(List<Area> mine, List<Area> theirs) {
        if (mine.size() != theirs.size()) {
            return false;
        }
        int n = mine.size();
        boolean[][] fits = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                fits[i][j] = iou(mine.get(i), theirs.get(j)) >= MIN_IOU;
            }
        }
        int[] partnerOf = new int[n];
        Arrays.fill(partnerOf, -1);
        for (int i = 0; i < n; i++) {
            if (!augment(i, fits, partnerOf, new boolean[n])) {
                return false;
            }
        }
        return true;
    }

    private static boolean augment(int i, boolean[][] fits, int[] partnerOf, boolean[] visited) {
        for (int j = 0; j < fits.length; j++) {
            if (fits[i][j] && !visited[j]) {
                visited[j] = true;
                if (partnerOf[j] < 0 || augment(partnerOf[j], fits, partnerOf, visited)) {
                    partnerOf[j] = i;
                    return true;
                }
            }
        }
        return false;
    }
}
