package dev.annotask.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages depend on each other without cycles, so each feature can be read and
 * changed from its own package downwards (docs/ARCHITECTURE.md, "Packages"). Read from the
 * sources' imports and same-package-free qualified names; generated proto classes are outside
 * the graph.
 */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package (dev\\.annotask[\\w.]*);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.annotask(?:\\.[a-z]\\w*)+)\\.[A-Z]");

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        assertThat(graph).as("the graph was read").hasSizeGreaterThan(10);
        List<List<String>> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<String> cycle = shortestCycle(graph, start);
            if (cycle != null && cycle.get(0).equals(cycle.stream().min(String::compareTo).orElseThrow())) {
                cycles.add(cycle);
            }
        }
        assertThat(cycles).as("package cycles (each shown from its smallest package)").isEmpty();
    }

    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher declared = PACKAGE.matcher(source);
                if (!declared.find()) {
                    continue;
                }
                String own = declared.group(1);
                Set<String> uses = graph.computeIfAbsent(own, p -> new TreeSet<>());
                Matcher reference = REFERENCE.matcher(source);
                while (reference.find()) {
                    String used = reference.group(1);
                    if (!used.equals(own) && !used.startsWith("dev.annotask.proto")) {
                        uses.add(used);
                    }
                }
            }
        }
        return graph;
    }

    /** The shortest path from the package back to itself, or null (breadth first). */
    private static List<String> shortestCycle(Map<String, Set<String>> graph, String start) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(graph.getOrDefault(start, Set.of()));
        graph.getOrDefault(start, Set.of()).forEach(next -> cameFrom.put(next, start));
        while (!queue.isEmpty()) {
            String at = queue.poll();
            if (at.equals(start)) {
                List<String> cycle = new ArrayList<>();
                String step = cameFrom.get(start);
                cycle.add(start);
                while (!step.equals(start)) {
                    cycle.add(1, step);
                    step = cameFrom.get(step);
                }
                cycle.add(start);
                return cycle;
            }
            for (String next : graph.getOrDefault(at, Set.of())) {
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, at);
                    queue.add(next);
                }
            }
        }
        return null;
    }
}
