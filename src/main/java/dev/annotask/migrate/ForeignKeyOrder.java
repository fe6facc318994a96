package dev.annotask.migrate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Orders tables so that every table comes after the tables its foreign keys point to: the
 * order in which rows can be inserted with every constraint checked as it goes. Ties are broken
 * by name, so the order is the same on every run. Stateless.
 */
final class ForeignKeyOrder {
    /** A foreign key from {@code child} to {@code parent}. */
    record Reference(String child, String parent) {
    }

    private ForeignKeyOrder() {
    }

    static List<String> of(Collection<String> tables, Collection<Reference> references) {
        Map<String, Set<String>> parentsOf = new TreeMap<>();
        tables.forEach(table -> parentsOf.put(table, new TreeSet<>()));
        for (Reference reference : references) {
            // A table referring to itself needs its rows in a fitting order, not the table in one.
            if (!reference.child().equals(reference.parent()) && parentsOf.containsKey(reference.child())
                    && parentsOf.containsKey(reference.parent())) {
                parentsOf.get(reference.child()).add(reference.parent());
            }
        }
        List<String> ordered = new ArrayList<>();
        while (!parentsOf.isEmpty()) {
            String next = parentsOf.entrySet().stream().filter(e -> ordered.containsAll(e.getValue()))
                    .map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new IllegalStateException("foreign keys form a cycle among " + parentsOf.keySet()));
            ordered.add(next);
            parentsOf.remove(next);
        }
        return ordered;
    }
}
