package dev.annotask.bench.jmh;

import dev.annotask.annotation.Agreement;
import dev.annotask.proto.api.BoundingBox;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.Polygon;
import dev.annotask.proto.api.Region;
import dev.annotask.proto.api.RegionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Labelers' work on one street-scene image, as consensus compares it: either image-level
 * concepts, or one annotation per object (boxes or octagons, the concept on the region). Two
 * people never draw the same box, so each labeler's shapes are the scene's shapes moved by up
 * to {@value #JITTER} per coordinate, seeded by the labeler: they still agree (IoU well above
 * 0.5). A dissenter marks one concept differently, or draws one object a box-width off.
 */
public final class Labelings {
    /** Objects in the scene: two cars, two people, two bicycles. */
    public static final int OBJECTS = 6;

    private static final double JITTER = 0.01;
    private static final double SIDE = 0.12;
    private static final List<String> TASK_CONCEPTS = List.of("car", "person", "bicycle", "dog", "traffic-light");

    /** What the labelers annotate. */
    public enum Kind { CONCEPTS, BOXES, POLYGONS }

    private Labelings() {
    }

    /** The labeler's version of the scene, agreeing with every other labeler's. */
    public static Agreement.Labeling agreeing(Kind kind, int labeler) {
        return labeling(kind, labeler, false);
    }

    /** The labeler's version with one difference that breaks agreement with all others. */
    public static Agreement.Labeling dissenting(Kind kind, int labeler) {
        return labeling(kind, labeler, true);
    }

    private static Agreement.Labeling labeling(Kind kind, int labeler, boolean dissents) {
        String userId = BenchIds.workerIds(labeler + 1).get(labeler);
        SplittableRandom random = new SplittableRandom(labeler * 7919L + 17);
        List<Data> annotations = new ArrayList<>();
        if (kind == Kind.CONCEPTS) {
            Data.Builder data = Data.newBuilder();
            for (String concept : TASK_CONCEPTS) {
                boolean present = dissents ? !concept.equals("bicycle") && !concept.equals("traffic-light")
                        : !concept.equals("dog") && !concept.equals("traffic-light");
                data.addConcepts(Concept.newBuilder().setId(concept).setName(concept).setValue(present ? 1 : 0));
            }
            annotations.add(data.build());
        } else {
            for (int object = 0; object < OBJECTS; object++) {
                // A 3 x 2 grid with gaps wider than a box, so a box moved one width overlaps nothing.
                double left = 0.05 + (object % 3) * 0.3 + (dissents && object == OBJECTS - 1 ? SIDE : 0);
                double top = 0.1 + (object / 3) * 0.4;
                RegionInfo shape = kind == Kind.BOXES ? box(left, top, random) : octagon(left, top, random);
                String concept = TASK_CONCEPTS.get(object % 3);
                annotations.add(Data.newBuilder().addRegions(Region.newBuilder().setRegionInfo(shape)
                        .setData(Data.newBuilder().addConcepts(Concept.newBuilder().setId(concept).setName(concept)
                                .setValue(1)))).build());
            }
        }
        return new Agreement.Labeling(userId, annotations);
    }

    private static RegionInfo box(double left, double top, SplittableRandom random) {
        return RegionInfo.newBuilder().setBoundingBox(BoundingBox.newBuilder()
                .setLeftCol(jitter(left, random)).setTopRow(jitter(top, random))
                .setRightCol(jitter(left + SIDE, random)).setBottomRow(jitter(top + SIDE, random))).build();
    }

    private static RegionInfo octagon(double left, double top, SplittableRandom random) {
        Polygon.Builder polygon = Polygon.newBuilder();
        double centreCol = left + SIDE / 2;
        double centreRow = top + SIDE / 2;
        for (int vertex = 0; vertex < 8; vertex++) {
            double angle = vertex * Math.PI / 4;
            polygon.addPoints(Point.newBuilder()
                    .setCol(jitter(centreCol + Math.cos(angle) * SIDE / 2, random))
                    .setRow(jitter(centreRow + Math.sin(angle) * SIDE / 2, random)));
        }
        return RegionInfo.newBuilder().setPolygon(polygon).build();
    }

    private static float jitter(double coordinate, SplittableRandom random) {
        return (float) (coordinate + random.nextDouble(-JITTER, JITTER));
    }
}
