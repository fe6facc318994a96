package dev.annotask.search;

/**
 * What a search answers: inputs (PostInputsSearches, the legacy PostSearches) or annotations
 * (PostAnnotationsSearches). A saved search keeps its kind, so PostSearchesByID answers the
 * same hits as the call that saved it.
 */
public enum SearchKind {
    INPUTS("inputs"),
    ANNOTATIONS("annotations");

    private final String stored;

    SearchKind(String stored) {
        this.stored = stored;
    }

    String stored() {
        return stored;
    }

    static SearchKind ofStored(String stored) {
        return stored.equals(ANNOTATIONS.stored) ? ANNOTATIONS : INPUTS;
    }
}
