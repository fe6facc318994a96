package dev.annotask.search;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of a statement a query compiles to: every value of the query is bound, never
 * written into the SQL, each under a name of its own ({@code :q0}, {@code :q1}, …). Not
 * thread-safe: one per compilation.
 */
final class SqlParams {
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** Binds the value and answers its placeholder. */
    String add(Object value) {
        String name = "q" + values.size();
        values.put(name, value);
        return ":" + name;
    }

    Map<String, Object> values() {
        return values;
    }
}
