package dev.annotask.identity;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Scope sets as Clarifai writes them: {@code Resource:Verb} names ({@code Tasks:Add}) and
 * {@code All}, which grants every scope. Keys and collaborators each hold a set; a
 * collaborator acting through a key holds the intersection of the two. Stateless.
 */
public final class Scopes {
    public static final String ALL = "All";

    private Scopes() {
    }

    /** True when {@code held} covers every scope in {@code required}. */
    public static boolean grants(Set<String> held, Collection<String> required) {
        return held.contains(ALL) || held.containsAll(required);
    }

    /** The scopes that both sets grant, {@code All} acting as the whole set. */
    public static Set<String> intersect(Set<String> first, Set<String> second) {
        if (first.contains(ALL)) {
            return Set.copyOf(second);
        }
        if (second.contains(ALL)) {
            return Set.copyOf(first);
        }
        Set<String> both = new TreeSet<>(first);
        both.retainAll(second);
        return Set.copyOf(both);
    }

    /** The required scopes that {@code held} lacks, for an error's details. */
    public static Set<String> missing(Set<String> held, Collection<String> required) {
        if (held.contains(ALL)) {
            return Set.of();
        }
        Set<String> missing = new LinkedHashSet<>(required);
        missing.removeAll(held);
        return missing;
    }


    static Set<String> parse(String stored) {
        if (stored == null || stored.isBlank()) {
            return Set.of();
        }
        return Set.copyOf(Arrays.asList(stored.trim().split(" +")));
    }

    static String format(Set<String> scopes) {
        return scopes.stream().sorted().collect(Collectors.joining(" "));
    }
}
