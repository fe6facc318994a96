package dev.annotask.api.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code google.api.http} path template such as
 * {@code /v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/tasks/{task_id}}: literal
 * segments and single-segment variables named by a field path. Immutable.
 *
 * <p>When templates overlap ({@code /v2/inputs/status} and {@code /v2/inputs/{input_id}}),
 * the one with a literal where the other has a variable is more specific and wins; see
 * {@link #compareSpecificity}.
 */
final class PathTemplate {
    private final String text;
    private final List<String> segments;

    private PathTemplate(String text, List<String> segments) {
        this.text = text;
        this.segments = segments;
    }

    static PathTemplate parse(String template) {
        List<String> segments = new ArrayList<>();
        for (String segment : template.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.startsWith("{") && (!segment.endsWith("}") || segment.contains("="))) {
                throw new IllegalArgumentException("unsupported path variable in " + template);
            }
            segments.add(segment);
        }
        return new PathTemplate(template, List.copyOf(segments));
    }

    /** The variables of the path (field path to decoded value), or empty when it does not match. */
    Optional<Map<String, String>> match(List<String> pathSegments) {
        if (pathSegments.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            String actual = pathSegments.get(i);
            if (isVariable(segment)) {
                if (actual.isEmpty()) {
                    return Optional.empty();
                }
                variables.put(segment.substring(1, segment.length() - 1), actual);
            } else if (!segment.equals(actual)) {
                return Optional.empty();
            }
        }
        return Optional.of(variables);
    }

    /**
     * Orders templates so that, among those of one length (only they can match the same path),
     * the one with a literal where the other has a variable comes first. Shorter templates
     * sort before longer ones, which keeps the order total.
     */
    int compareSpecificity(PathTemplate other) {
        if (segments.size() != other.segments.size()) {
            return Integer.compare(segments.size(), other.segments.size());
        }
        for (int i = 0; i < Math.min(segments.size(), other.segments.size()); i++) {
            boolean mine = isVariable(segments.get(i));
            boolean theirs = isVariable(other.segments.get(i));
            if (mine != theirs) {
                return mine ? 1 : -1;
            }
        }
        return 0;
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{");
    }

    @Override
    public String toString() {
        return text;
    }
}
