package dev.annotask.annotation;

import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.Data;
import dev.annotask.proto.api.Region;
import java.util.HashSet;
import java.util.Set;

/** PatchAnnotations' {@code remove}: drops the concepts and regions the patch names by id. Stateless. */
final class AnnotationPatches {
    private AnnotationPatches() {
    }

    static Data remove(Data current, Data named) {
        Set<String> concepts = new HashSet<>();
        named.getConceptsList().forEach(c -> concepts.add(c.getId()));
        Set<String> regions = new HashSet<>();
        named.getRegionsList().forEach(r -> regions.add(r.getId()));
        Data.Builder kept = current.toBuilder().clearConcepts().clearRegions();
        for (Concept concept : current.getConceptsList()) {
            if (!concepts.contains(concept.getId())) {
                kept.addConcepts(concept);
            }
        }
        for (Region region : current.getRegionsList()) {
            if (region.getId().isEmpty() || !regions.contains(region.getId())) {
                kept.addRegions(region);
            }
        }
        return kept.build();
    }
}
