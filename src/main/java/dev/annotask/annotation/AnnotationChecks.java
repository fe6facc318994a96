package dev.annotask.annotation;

import dev.annotask.api.ApiException;
import dev.annotask.proto.api.BoundingBox;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Point;
import dev.annotask.proto.api.Region;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.status.StatusCode;
import java.util.Set;

/**
 * What an annotation's data must be: concepts with ids, at most one region, a box inside the
 * image with top above bottom and left before right, a polygon of at least three points inside
 * the image, and (in a task) only the task's concepts and the region kind its type asks for.
 * Failures answer ANNOTATION_INVALID_ARGUMENT with the field. Stateless.
 */
final class AnnotationChecks {
    private AnnotationChecks() {
    }

    /**
     * @param taskType the task's type, or null outside a task
     * @param allowed the concepts the annotation may use
     */
    static void check(String field, Data data, Task.TaskType taskType, Set<String> allowed) {
        checkConcepts(field + ".data.concepts", data, allowed);
        if (data.getRegionsCount() > 1) {
            throw invalid(field + ".data.regions: at most one region per annotation; post one annotation per region");
        }
        if (data.getRegionsCount() == 1) {
            Region region = data.getRegions(0);
            String regionField = field + ".data.regions[0]";
            checkConcepts(regionField + ".data.concepts", region.getData(), allowed);
            if (region.getRegionInfo().hasBoundingBox()) {
                checkBox(regionField + ".region_info.bounding_box", region.getRegionInfo().getBoundingBox());
                requireKind(regionField, taskType, Task.TaskType.BOUNDING_BOX_DETECTION, "bounding box");
            } else if (region.getRegionInfo().hasPolygon()) {
                checkPolygon(regionField + ".region_info.polygon", region.getRegionInfo().getPolygon().getPointsList());
                requireKind(regionField, taskType, Task.TaskType.POLYGON_DETECTION, "polygon");
            } else {
                throw invalid(regionField + ".region_info needs a bounding_box or a polygon");
            }
        } else if (taskType == Task.TaskType.BOUNDING_BOX_DETECTION || taskType == Task.TaskType.POLYGON_DETECTION) {
            if (data.getConceptsCount() == 0) {
                throw invalid(field + ".data: a detection task's annotation needs a region (or concepts for the whole input)");
            }
        } else if (data.getConceptsCount() == 0 && data.getFramesCount() == 0 && data.getTimeSegmentsCount() == 0) {
            throw invalid(field + ".data needs concepts or a region");
        }
        if (data.getFramesCount() > 1) {
            throw invalid(field + ".data.frames: at most one frame per annotation");
        }
    }

    private static void requireKind(String field, Task.TaskType taskType, Task.TaskType wanted, String kind) {
        if (taskType != null && taskType != wanted) {
            throw invalid(field + ": a " + kind + " does not fit a " + taskType + " task");
        }
    }

    private static void checkConcepts(String field, Data data, Set<String> allowed) {
        for (int i = 0; i < data.getConceptsCount(); i++) {
            Concept concept = data.getConcepts(i);
            if (concept.getId().isEmpty()) {
                throw invalid(field + "[" + i + "].id is required");
            }
            if (!allowed.contains(concept.getId())) {
                throw invalid(field + "[" + i + "]: concept '" + concept.getId() + "' is not "
                        + "one this annotation may use (the task's concepts, or the app's outside tasks)");
            }
            if (!Float.isFinite(concept.getValue()) || concept.getValue() < 0 || concept.getValue() > 1) {
                throw invalid(field + "[" + i + "].value must be between 0 and 1");
            }
        }
    }

    private static void checkBox(String field, BoundingBox box) {
        for (float coordinate : new float[] {box.getTopRow(), box.getLeftCol(), box.getBottomRow(), box.getRightCol()}) {
            if (!Float.isFinite(coordinate) || coordinate < 0 || coordinate > 1) {
                throw invalid(field + ": coordinates must be between 0 and 1");
            }
        }
        if (box.getTopRow() >= box.getBottomRow() || box.getLeftCol() >= box.getRightCol()) {
            throw invalid(field + ": top_row must be above bottom_row and left_col before right_col");
        }
    }

    private static void checkPolygon(String field, java.util.List<Point> points) {
        if (points.size() < 3) {
            throw invalid(field + ": a polygon needs at least 3 points");
        }
        for (Point point : points) {
            if (!Float.isFinite(point.getRow()) || !Float.isFinite(point.getCol()) || point.getRow() < 0
                    || point.getRow() > 1 || point.getCol() < 0 || point.getCol() > 1) {
                throw invalid(field + ": points must be between 0 and 1");
            }
        }
    }

    static ApiException invalid(String details) {
        return new ApiException(StatusCode.ANNOTATION_INVALID_ARGUMENT, details);
    }
}
