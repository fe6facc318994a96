package dev.annotask.imports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The class names of a YOLO dataset, by class index: the {@code names} of its data.yaml, in
 * any of the three forms Ultralytics writes (a flow list {@code [a, b]}, a block list of
 * {@code - a}, or a map of {@code 0: a}), or the lines of a classes.txt / obj.names. Only
 * that key is read, so no YAML library is needed. Stateless.
 */
final class YoloNames {
    private YoloNames() {
    }

    /** The names of a data.yaml; empty when it has none. */
    static List<String> fromYaml(InputStream yaml) {
        List<String> lines = lines(yaml);
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i));
            if (!line.startsWith("names:")) {
                continue;
            }
            String rest = line.substring("names:".length()).trim();
            if (rest.startsWith("[")) {
                StringBuilder flow = new StringBuilder(rest);
                for (int j = i + 1; !flow.toString().contains("]") && j < lines.size(); j++) {
                    flow.append(' ').append(stripComment(lines.get(j)).trim());
                }
                String inside = flow.substring(1, Math.max(1, flow.indexOf("]")));
                List<String> names = new ArrayList<>();
                for (String item : inside.split(",")) {
                    if (!item.isBlank()) {
                        names.add(unquote(item.trim()));
                    }
                }
                return names;
            }
            TreeMap<Integer, String> byIndex = new TreeMap<>();
            List<String> listed = new ArrayList<>();
            for (int j = i + 1; j < lines.size(); j++) {
                String raw = lines.get(j);
                if (raw.isBlank()) {
                    continue;
                }
                if (!Character.isWhitespace(raw.charAt(0)) && !raw.startsWith("-")) {
                    break; // the next top-level key
                }
                String item = stripComment(raw).trim();
                if (item.startsWith("- ") || item.equals("-")) {
                    listed.add(unquote(item.substring(1).trim()));
                } else if (item.contains(":")) {
                    String key = item.substring(0, item.indexOf(':')).trim();
                    try {
                        byIndex.put(Integer.parseInt(key), unquote(item.substring(item.indexOf(':') + 1).trim()));
                    } catch (NumberFormatException e) {
                        break;
                    }
                }
            }
            if (!listed.isEmpty()) {
                return listed;
            }
            List<String> names = new ArrayList<>();
            byIndex.forEach((index, name) -> {
                while (names.size() < index) {
                    names.add("");
                }
                names.add(name);
            });
            return names;
        }
        return List.of();
    }

    /** The non-empty lines of a classes.txt, trimmed. */
    static List<String> fromLines(InputStream text) {
        return lines(text).stream().map(String::trim).filter(line -> !line.isEmpty()).toList();
    }

    private static List<String> lines(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf(" #");
        return hash >= 0 ? line.substring(0, hash) : line.startsWith("#") ? "" : line;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'") || value.startsWith("\"")
                && value.endsWith("\""))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
