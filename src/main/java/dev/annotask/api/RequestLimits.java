package dev.annotask.api;

import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * The maximum size of every string a request may carry, by the field's name, so that no RPC
 * stores (or looks up) a string without bound. One table for all RPCs; docs/COMPATIBILITY.md
 * shows it to clients. The limits are far above what a labeling team writes (Clarifai documents
 * none), and low enough that a row, a log line or a listing page stays small.
 *
 * <p>Lengths of names, ids and texts count UTF-16 characters ({@link String#length()}); the raw
 * text of an input counts UTF-8 bytes, as it is stored; a {@code google.protobuf.Struct}
 * (metadata, weights) counts the bytes of its binary form, the same whatever the transport.
 * Immutable.
 */
public final class RequestLimits {
    /** Any id, in any field: {@code id}, {@code *_id}, {@code ids}, {@code *_ids}. New ids are held to 128 anyway. */
    public static final int ID_CHARS = 255;
    /** {@code name}, {@code first_name}, {@code company_name}, …: a concept's or app's display name. */
    public static final int NAME_CHARS = 1024;
    /**
     * {@code description}, {@code definition}, {@code notes}, {@code raw_text}, {@code comment}:
     * prose such as labeling instructions or a reviewer's comment.
     */
    public static final int PROSE_CHARS = 64 * 1024;
    /** {@code url}: long enough for a signed object-store URL. */
    public static final int URL_CHARS = 8 * 1024;
    /** {@code Text.raw}, the content of a text input. */
    public static final int RAW_TEXT_BYTES = 1024 * 1024;
    /** A {@code google.protobuf.Struct}: metadata, partition weights, annotation info. */
    public static final int STRUCT_BYTES = 64 * 1024;
    /** Every other string (actions, scopes, languages, additional fields, e-mail addresses). */
    public static final int OTHER_CHARS = 1024;
    /**
     * Items in any one list. Batches have lower limits of their own (128 inputs, 1,000 ids to
     * delete); this bounds the filters, whose ids become bound parameters of one statement, and
     * PostgreSQL takes at most 65,535 of those.
     */
    public static final int LIST_ITEMS = 10_000;

    private RequestLimits() {
    }

    /** How one string field is measured and bounded. */
    public record Limit(int max, boolean utf8Bytes, String what) {
        /** The size of the value in this limit's unit. */
        public int sizeOf(String value) {
            return utf8Bytes ? utf8Length(value) : value.length();
        }

        public String unit() {
            return utf8Bytes ? "bytes" : "characters";
        }
    }

    /** The limit of a string field, by its name. */
    public static Limit of(FieldDescriptor field) {
        String name = field.getName();
        if (name.equals("raw") && field.getContainingType().getName().equals("Text")) {
            return new Limit(RAW_TEXT_BYTES, true, "text");
        }
        if (name.equals("id") || name.endsWith("_id") || name.equals("ids") || name.endsWith("_ids")) {
            return new Limit(ID_CHARS, false, "id");
        }
        if (name.equals("name") || name.endsWith("_name")) {
            return new Limit(NAME_CHARS, false, "name");
        }
        if (name.equals("description") || name.equals("definition") || name.equals("notes") || name.equals("raw_text")
                || name.equals("comment")) {
            return new Limit(PROSE_CHARS, false, "text");
        }
        if (name.equals("url")) {
            return new Limit(URL_CHARS, false, "URL");
        }
        return new Limit(OTHER_CHARS, false, "value");
    }

    /** The UTF-8 length, without encoding a copy of a string that may be megabytes long. */
    private static int utf8Length(String value) {
        int bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
