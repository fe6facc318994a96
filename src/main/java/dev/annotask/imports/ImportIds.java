package dev.annotask.imports;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How names in a file become Clarifai ids (docs/COMPATIBILITY.md, "Imports"): ids are up to
 * 128 letters, digits, '_', '-' and '.', starting with a letter or digit. A name that is one
 * already is kept as it is; otherwise every other character becomes '_' (and a leading
 * separator is dropped). The same file always gives the same ids, which is what makes a
 * re-import find what it wrote. Annotation ids are made from the input's id and the entry's own
 * id or line, so two files whose annotation ids overlap (tools number them from 1) do not
 * collide unless they label the same input. Stateless.
 */
final class ImportIds {
    static final int MAX = 128;

    private ImportIds() {
    }

    /** The id a name becomes, or null when nothing of it is left. */
    static String of(String name) {
        StringBuilder id = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (id.length() == 0 && !plain) {
                continue;
            }
            id.append(plain || c == '_' || c == '-' || c == '.' ? c : '_');
        }
        if (id.length() == 0) {
            return null;
        }
        return id.length() <= MAX ? id.toString() : hashed(id.toString());
    }

    /**
     * An annotation's id: the input's id and the entry's key ("42", "3", "42-2"), and the
     * pre-label model version when it is one, joined by '-'; a hash of them when that is too long.
     */
    static String annotation(String inputId, String key, String modelVersionId) {
        String id = inputId + "-" + key + (modelVersionId.isEmpty() ? "" : "-" + modelVersionId);
        return id.length() <= MAX ? id : hashed(id);
    }

    private static String hashed(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return "h" + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
