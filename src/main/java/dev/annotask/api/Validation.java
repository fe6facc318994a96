package dev.annotask.api;

import dev.annotask.proto.api.status.StatusCode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks shared by every feature's request validation; each failure names the field. Stateless. */
public final class Validation {
    /** Clarifai-style ids: letters, digits, '_', '-' and '.', not starting with a separator; at most 128. */
    private static final int MAX_ID_CHARS = 128;

    private Validation() {
    }

    /** Requires a well-formed id in the named field. */
    public static String requireId(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw ApiException.invalid(field + " is required");
        }
        if (!isWellFormedId(id)) {
            throw ApiException.invalid(field + " '" + id + "' is not a valid id: use up to 128 letters, digits,"
                    + " '_', '-' or '.', starting with a letter or digit");
        }
        return id;
    }

    /** {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,127}}, checked without a regular expression (every upload checks 128). */
    private static boolean isWellFormedId(String id) {
        if (id.length() > MAX_ID_CHARS || !isAsciiLetterOrDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Requires between one and {@code max} items in a batch field. */
    public static void requireBatch(String field, int size, int max) {
        if (size == 0) {
            throw ApiException.invalid(field + " must hold at least one item");
        }
        if (size > max) {
            throw ApiException.invalid(field + " holds " + size + " items; at most " + max + " per request");
        }
    }

    /**
     * Requires that a request creating objects does not give two of them one id: the same
     * collision as with an existing object, so the same status (DATABASE_DUPLICATE_KEY).
     */
    public static void requireUniqueNewIds(String field, List<String> ids) {
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, field + " names '" + id + "' twice");
            }
        }
    }

    /** Requires one of Clarifai's patch actions for data: merge, overwrite or remove. */
    public static String requirePatchAction(String action) {
        if (!action.equals("merge") && !action.equals("overwrite") && !action.equals("remove")) {
            throw ApiException.invalid("action must be merge, overwrite or remove, not '" + action + "'");
        }
        return action;
    }

    /** Requires that no id appears twice in one request. */
    public static void requireDistinct(String field, List<String> ids) {
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                throw ApiException.invalid(field + " names '" + id + "' twice");
            }
        }
    }
}
