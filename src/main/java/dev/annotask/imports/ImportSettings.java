package dev.annotask.imports;

import dev.annotask.proto.imports.Import;

/**
 * An import's options, resolved: the dataset its inputs join, whether annotations are pre-labels
 * and of which model and version, how input ids are made, whether COCO polygons become boxes.
 */
record ImportSettings(Import.Format format, String datasetId, Import.InputIds inputIds, String modelId,
                      String modelVersionId, boolean boxesOnly) {
    static ImportSettings of(Import spec) {
        String model = spec.getPrelabelModelId();
        String version = spec.getPrelabelModelVersionId().isEmpty() ? model : spec.getPrelabelModelVersionId();
        return new ImportSettings(spec.getFormat(), spec.getDatasetId().isEmpty() ? spec.getId() : spec.getDatasetId(),
                spec.getInputIds(), model, model.isEmpty() ? "" : version, spec.getBoxesOnly());
    }

    boolean prelabels() {
        return !modelId.isEmpty();
    }
}
