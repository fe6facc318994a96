package dev.annotask.annotation;

import dev.annotask.api.ApiException;
import dev.annotask.proto.api.BoundingBox;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Frame;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.Region;
import dev.annotask.proto.api.RegionInfo;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TimeInfo;
import dev.annotask.proto.api.TimeSegment;
import dev.annotask.proto.api.status.StatusCode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an annotation's data must be: concepts with ids, each at most once per list, values in
 * [0, 1]; at most one region and one frame; a box inside the image with top above bottom and
 * left before right; a polygon of at least three distinct points inside the image enclosing an
 * area; and (in a task) only the task's concepts and the region kind its type asks for. The
 * data of a frame and of a time segment is held to the same rules as the annotation's own, so
 * a video annotation cannot carry what an image annotation may not. Failures answer
 * ANNOTATION_INVALID_ARGUMENT with the field. Stateless.
 */
public final class AnnotationChecks {
    /**
     * A polygon enclosing less of the image than this is a line or a point: about a 30th of a
     * pixel of a 4K frame, so no polygon a person draws is refused, and float rounding of
     * collinear points (which gives areas near 1e-16) is.
     */
    private static final double MIN_POLYGON_AREA = 1e-9;

    private AnnotationChecks() {
    }

    /**
     * @param taskType the task's type, or null outside a task
     * @param allowed the concepts the annotation may use
     */
    public static void check(String field, Data data, Task.TaskType taskType, Set<String> allowed) {
        String dataField = field + ".data";
        checkContent(dataField, data, taskType, allowed);
        if (data.getRegionsCount() == 0) {
            if (taskType == Task.TaskType.BOUNDING_BOX_DETECTION || taskType == Task.TaskType.POLYGON_DETECTION) {
                if (data.getConceptsCount() == 0 && data.getFramesCount() == 0) {
                    throw invalid(dataField + ": a detection task's annotation needs a region (or concepts for the whole input)");
                }
            } else if (data.getConceptsCount() == 0 && data.getFramesCount() == 0 && data.getTimeSegmentsCount() == 0) {
                throw invalid(dataField + " needs concepts or a region");
            }
        }
        if (data.getFramesCount() > 1) {
            throw invalid(dataField + ".frames: at most one frame per annotation");
        }
        for (int i = 0; i < data.getFramesCount(); i++) {
            Frame frame = data.getFrames(i);
            String frameField = dataField + ".frames[" + i + "].data";
            requireNoNesting(frameField, frame.getData());
            checkContent(frameField, frame.getData(), taskType, allowed);
        }
        for (int i = 0; i < data.getTimeSegmentsCount(); i++) {
            TimeSegment segment = data.getTimeSegments(i);
            String segmentField = dataField + ".time_segments[" + i + "]";
            requireNoNesting(segmentField + ".data", segment.getData());
            checkContent(segmentField + ".data", segment.getData(), taskType, allowed);
            checkTime(segmentField + ".time_info", segment.getTimeInfo());
        }
    }

    /** Every concept id anywhere in the data: its own, its region's, its frames' and time segments'. */
    static Set<String> conceptIds(Data data) {
        Set<String> ids = new HashSet<>();
        collectConceptIds(data, ids);
        return ids;
    }

    private static void collectConceptIds(Data data, Set<String> ids) {
        data.getConceptsList().forEach(c -> ids.add(c.getId()));
        data.getRegionsList().forEach(r -> collectConceptIds(r.getData(), ids));
        data.getFramesList().forEach(f -> collectConceptIds(f.getData(), ids));
        data.getTimeSegmentsList().forEach(s -> collectConceptIds(s.getData(), ids));
    }

    /** Concepts and the one region of a piece of data: the annotation's, a frame's or a time segment's. */
    private static void checkContent(String dataField, Data data, Task.TaskType taskType, Set<String> allowed) {
        checkConcepts(dataField + ".concepts", data, allowed);
        if (data.getRegionsCount() > 1) {
            throw invalid(dataField + ".regions: at most one region per annotation; post one annotation per region");
        }
        if (data.getRegionsCount() == 1) {
            checkRegion(dataField + ".regions[0]", data.getRegions(0), taskType, allowed);
        }
    }

    private static void checkRegion(String regionField, Region region, Task.TaskType taskType, Set<String> allowed) {
        requireNoNesting(regionField + ".data", region.getData());
        if (region.getData().getRegionsCount() > 0) {
            throw invalid(regionField + ".data.regions: a region cannot hold regions");
        }
        checkConcepts(regionField + ".data.concepts", region.getData(), allowed);
        requireUnitInterval(regionField + ".value", region.getValue());
        RegionInfo info = region.getRegionInfo();
        String infoField = regionField + ".region_info";
        if (info.hasBoundingBox() && info.hasPolygon()) {
            throw invalid(infoField + " holds both a bounding_box and a polygon; use one annotation for each");
        }
        if (info.hasBoundingBox()) {
            checkBox(infoField + ".bounding_box", info.getBoundingBox());
            requireKind(regionField, taskType, Task.TaskType.BOUNDING_BOX_DETECTION, "bounding box");
        } else if (info.hasPolygon()) {
            checkPolygon(infoField + ".polygon.points", info.getPolygon().getPointsList());
            requireKind(regionField, taskType, Task.TaskType.POLYGON_DETECTION, "polygon");
        } else {
            throw invalid(infoField + " needs a bounding_box or a polygon");
        }
        if (info.hasPoint()) {
            checkPoint(infoField + ".point", info.getPoint());
        }
        for (int i = 0; i < info.getKeypointLocationsCount(); i++) {
            checkPoint(infoField + ".keypoint_locations[" + i + "]", info.getKeypointLocations(i));
        }
    }

    /** Frames and time segments hold one level of data; deeper, nothing would check or show it. */
    private static void requireNoNesting(String dataField, Data data) {
        if (data.getFramesCount() > 0 || data.getTimeSegmentsCount() > 0) {
            throw invalid(dataField + ": frames and time segments cannot be nested");
        }
    }

    private static void requireKind(String field, Task.TaskType taskType, Task.TaskType wanted, String kind) {
        if (taskType != null && taskType != wanted) {
            throw invalid(field + ": a " + kind + " does not fit a " + taskType + " task");
        }
    }

    private static void checkConcepts(String field, Data data, Set<String> allowed) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < data.getConceptsCount(); i++) {
            Concept concept = data.getConcepts(i);
            if (concept.getId().isEmpty()) {
                throw invalid(field + "[" + i + "].id is required");
            }
            if (!allowed.contains(concept.getId())) {
                throw invalid(field + "[" + i + "]: concept '" + concept.getId() + "' is not "
                        + "one this annotation may use (the task's concepts, or the app's outside tasks)");
            }
            if (!seen.add(concept.getId())) {
                throw invalid(field + "[" + i + "]: concept '" + concept.getId() + "' is given twice; "
                        + "give each concept once, with its value");
            }
            requireUnitInterval(field + "[" + i + "].value", concept.getValue());
        }
    }

    private static void checkBox(String field, BoundingBox box) {
        for (float coordinate : new float[] {box.getTopRow(), box.getLeftCol(), box.getBottomRow(), box.getRightCol()}) {
            if (!isUnit(coordinate)) {
                throw invalid(field + ": coordinates must be between 0 and 1");
            }
        }
        if (box.getTopRow() >= box.getBottomRow() || box.getLeftCol() >= box.getRightCol()) {
            throw invalid(field + ": top_row must be above bottom_row and left_col before right_col");
        }
    }

    private static void checkPolygon(String field, List<Point> points) {
        if (points.size() < 3) {
            throw invalid(field + ": a polygon needs at least 3 points");
        }
        Set<List<Float>> distinct = new HashSet<>();
        for (int i = 0; i < points.size(); i++) {
            checkPoint(field + "[" + i + "]", points.get(i));
            distinct.add(List.of(points.get(i).getRow(), points.get(i).getCol()));
        }
        if (distinct.size() < 3) {
            throw invalid(field + ": a polygon needs at least 3 distinct points, not " + distinct.size());
        }
        if (Math.abs(shoelaceArea(points)) < MIN_POLYGON_AREA) {
            throw invalid(field + ": the polygon encloses no area (its points lie on one line)");
        }
    }

    /** The signed area of the polygon, in the image's unit square, by the shoelace formula. */
    private static double shoelaceArea(List<Point> points) {
        double twiceArea = 0;
        for (int i = 0; i < points.size(); i++) {
            Point a = points.get(i);
            Point b = points.get((i + 1) % points.size());
            twiceArea += (double) a.getCol() * b.getRow() - (double) b.getCol() * a.getRow();
        }
        return twiceArea / 2;
    }

    private static void checkPoint(String field, Point point) {
        if (!isUnit(point.getRow()) || !isUnit(point.getCol())) {
            throw invalid(field + ": points must be between 0 and 1");
        }
    }

    private static void checkTime(String field, TimeInfo time) {
        if (!Float.isFinite(time.getBeginTime()) || !Float.isFinite(time.getEndTime())
                || time.getBeginTime() < 0 || time.getEndTime() < 0) {
            throw invalid(field + ": begin_time and end_time must be finite and not negative");
        }
        if (time.getEndTime() < time.getBeginTime()) {
            throw invalid(field + ": end_time must not be before begin_time");
        }
    }

    private static void requireUnitInterval(String field, float value) {
        if (!isUnit(value)) {
            throw invalid(field + " must be between 0 and 1");
        }
    }

    /** Finite and in [0, 1] (NaN fails every comparison, so it is named explicitly). */
    private static boolean isUnit(float value) {
        return Float.isFinite(value) && value >= 0 && value <= 1;
    }

    static ApiException invalid(String details) {
        return new ApiException(StatusCode.ANNOTATION_INVALID_ARGUMENT, details);
    }
}
