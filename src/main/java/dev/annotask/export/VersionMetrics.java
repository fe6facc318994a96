package dev.annotask.export;

import com.google.protobuf.UInt64Value;
import dev.annotask.proto.api.DatasetVersionMetrics;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Region;
import dev.annotask.store.Json;
import java.util.List;

/**
 * Counts a version's metrics from its snapshot and final annotations, a page at a time (as an
 * export reads them), for {@code DatasetVersion.metrics["/"]}: inputs, inputs without a positive
 * final label ("unlabeled"), inputs with metadata, regions (boxes, polygons, points), inputs
 * with regions, and positive concepts at input and region level. Not thread-safe.
 */
final class VersionMetrics {
    /** The key of the whole version's metrics, as Clarifai keys them. */
    static final String WHOLE_VERSION = "/";

    private long inputs;
    private long unlabeled;
    private long withMetadata;
    private long regions;
    private long boxes;
    private long polygons;
    private long points;
    private long regionInputs;
    private long inputTags;
    private long regionTags;

    void add(List<ExportItem> page) {
        for (ExportItem item : page) {
            inputs++;
            // Parsed only when it may hold metadata: most inputs' data does not, and parsing is the cost.
            if (item.input().dataJson().contains("\"metadata\"")) {
                Data stored = Json.read(item.input().dataJson(), Data.newBuilder()).build();
                if (stored.hasMetadata() && stored.getMetadata().getFieldsCount() > 0) {
                    withMetadata++;
                }
            }
            long positive = 0;
            long regionsHere = 0;
            for (Label label : item.labels()) {
                long tags = Shapes.present(label.data()).size();
                inputTags += tags;
                positive += tags;
                for (Region region : label.data().getRegionsList()) {
                    regionsHere++;
                    if (Shapes.isPolygon(region)) {
                        polygons++;
                    } else if (Shapes.isBox(region)) {
                        boxes++;
                    } else if (region.getRegionInfo().hasPoint()) {
                        points++;
                    }
                    long regionPositive = Shapes.present(region.getData()).size();
                    regionTags += regionPositive;
                    positive += regionPositive;
                }
            }
            regions += regionsHere;
            if (regionsHere > 0) {
                regionInputs++;
            }
            if (positive == 0) {
                unlabeled++;
            }
        }
    }

    DatasetVersionMetrics metrics() {
        return DatasetVersionMetrics.newBuilder()
                .setInputsCount(count(inputs))
                .setUnlabeledInputsCount(count(unlabeled))
                .setInputsWithMetadataCount(count(withMetadata))
                .setRegionsCount(count(regions))
                .setBoundingBoxesCount(count(boxes))
                .setPolygonsCount(count(polygons))
                .setPointsCount(count(points))
                .setRegionInputsCount(count(regionInputs))
                .setPositiveInputTagsCount(count(inputTags))
                .setPositiveRegionTagsCount(count(regionTags))
                .build();
    }

    private static UInt64Value count(long value) {
        return UInt64Value.of(value);
    }
}
