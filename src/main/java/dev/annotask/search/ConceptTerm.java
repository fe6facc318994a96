package dev.annotask.search;

/**
 * One concept a filter asks for: by id (or, without an id, by name), and whether it must be
 * present (value above 0) or marked absent (value 0, a negative label).
 */
record ConceptTerm(String id, String name, boolean present) {
    boolean byId() {
        return !id.isEmpty();
    }

    String key() {
        return byId() ? id : name;
    }
}
