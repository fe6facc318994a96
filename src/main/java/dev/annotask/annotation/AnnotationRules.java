package dev.annotask.annotation;

import dev.annotask.proto.api.Data;
import java.util.Set;

/**
 * The checks PostAnnotations holds an annotation's data to outside tasks, for code that must
 * know before it writes that a whole file of annotations will pass them (imports check every
 * entry first, so that a bad one is reported and nothing is written). Stateless.
 */
public final class AnnotationRules {
    private AnnotationRules() {
    }

    /** Throws an ApiException naming the field when the data would be refused; {@code concepts} are those it may use. */
    public static void checkOutsideTask(String field, Data data, Set<String> concepts) {
        AnnotationChecks.check(field, data, null, concepts);
    }
}
