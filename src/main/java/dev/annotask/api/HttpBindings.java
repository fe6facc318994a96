package dev.annotask.api;

import com.google.api.HttpRule;

/** Reads the verb and path template out of a {@code google.api.http} rule. Stateless. */
public final class HttpBindings {
    private HttpBindings() {
    }

    public static String verbOf(HttpRule rule) {
        return switch (rule.getPatternCase()) {
            case GET -> "GET";
            case POST -> "POST";
            case PUT -> "PUT";
            case PATCH -> "PATCH";
            case DELETE -> "DELETE";
            case CUSTOM -> rule.getCustom().getKind().toUpperCase();
            case PATTERN_NOT_SET -> "";
        };
    }

    public static String pathOf(HttpRule rule) {
        return switch (rule.getPatternCase()) {
            case GET -> rule.getGet();
            case POST -> rule.getPost();
            case PUT -> rule.getPut();
            case PATCH -> rule.getPatch();
            case DELETE -> rule.getDelete();
            case CUSTOM -> rule.getCustom().getPath();
            case PATTERN_NOT_SET -> "";
        };
    }
}
