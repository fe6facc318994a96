package dev.annotask.export;

import dev.annotask.proto.api.Concept;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The classes of an export: the app's concepts in id order, numbered from 0, then any concept a
 * label names that the app no longer has, numbered as met. Formats number categories from it
 * (COCO from 1, YOLO from 0) and name them by the concept's name, else its id. Holds the app's
 * concept list in memory (not its inputs). Not thread-safe.
 */
final class ConceptIndex {
    private final Map<String, Integer> indexById = new HashMap<>();
    private final List<String> ids = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    ConceptIndex(List<Map.Entry<String, String>> appConcepts) {
        appConcepts.forEach(c -> add(c.getKey(), c.getValue()));
    }

    /** The concept's number, adding it when the app does not have it. */
    int index(Concept concept) {
        Integer known = indexById.get(concept.getId());
        return known != null ? known : add(concept.getId(), concept.getName());
    }

    /** The concept's name: the app's, else the one the label carries, else its id. */
    String name(Concept concept) {
        return names.get(index(concept));
    }

    int size() {
        return ids.size();
    }

    String id(int index) {
        return ids.get(index);
    }

    String name(int index) {
        return names.get(index);
    }

    private int add(String id, String name) {
        int index = ids.size();
        indexById.put(id, index);
        ids.add(id);
        names.add(name == null || name.isEmpty() ? id : name);
        return index;
    }
}
