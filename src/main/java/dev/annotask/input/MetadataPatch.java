package dev.annotask.input;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Map;

/**
 * Clarifai's patch actions on a {@code metadata} Struct: {@code merge} merges objects key by
 * key at every depth (other values are replaced), {@code overwrite} replaces the whole
 * struct, {@code remove} deletes the keys the patch names (at the depth it names them).
 * Stateless.
 */
final class MetadataPatch {
    private MetadataPatch() {
    }

    static Struct apply(String action, Struct current, Struct patch) {
        return switch (action) {
            case "merge" -> merge(current, patch);
            case "overwrite" -> patch;
            case "remove" -> remove(current, patch);
            default -> throw new IllegalArgumentException(action);
        };
    }

    private static Struct merge(Struct current, Struct patch) {
        Struct.Builder merged = current.toBuilder();
        for (Map.Entry<String, Value> entry : patch.getFieldsMap().entrySet()) {
            Value existing = current.getFieldsMap().get(entry.getKey());
            Value incoming = entry.getValue();
            if (existing != null && existing.hasStructValue() && incoming.hasStructValue()) {
                merged.putFields(entry.getKey(), Value.newBuilder()
                        .setStructValue(merge(existing.getStructValue(), incoming.getStructValue())).build());
            } else {
                merged.putFields(entry.getKey(), incoming);
            }
        }
        return merged.build();
    }

    private static Struct remove(Struct current, Struct patch) {
        Struct.Builder kept = current.toBuilder();
        for (Map.Entry<String, Value> entry : patch.getFieldsMap().entrySet()) {
            Value existing = current.getFieldsMap().get(entry.getKey());
            Value named = entry.getValue();
            if (existing != null && existing.hasStructValue() && named.hasStructValue()
                    && named.getStructValue().getFieldsCount() > 0) {
                kept.putFields(entry.getKey(), Value.newBuilder()
                        .setStructValue(remove(existing.getStructValue(), named.getStructValue())).build());
            } else {
                kept.removeFields(entry.getKey());
            }
        }
        return kept.build();
    }
}
