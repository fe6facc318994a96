package dev.annotask.input;

import dev.annotask.api.ApiException;
import dev.annotask.proto.api.InputIDConflictResolution;
import dev.annotask.proto.api.status.StatusCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settles input ids that are already taken, per the request's
 * {@code input_id_conflict_resolution}: refuse (not set), skip the input (SKIP), or give it the
 * first free id of the form {@code id-1}, {@code id-2}, … (SUFFIX). Stateless.
 */
final class InputIds {
    private InputIds() {
    }

    static List<InputStore.NewInput> resolve(List<InputStore.NewInput> batch, Set<String> taken,
                                             InputIDConflictResolution onConflict) {
        Set<String> used = new HashSet<>(taken);
        List<InputStore.NewInput> resolved = new ArrayList<>();
        for (InputStore.NewInput next : batch) {
            String id = next.input().id();
            if (!used.contains(id)) {
                used.add(id);
                resolved.add(next);
                continue;
            }
            switch (onConflict) {
                case SKIP -> { }
                case SUFFIX -> {
                    String free = firstFree(id, used);
                    used.add(free);
                    resolved.add(new InputStore.NewInput(withId(next, free), next.bytes(), next.datasetIds()));
                }
                default -> throw new ApiException(StatusCode.DATABASE_DUPLICATE_KEY, "input id '" + id
                        + "' already exists; set input_id_conflict_resolution to SKIP or SUFFIX to accept it");
            }
        }
        return resolved;
    }

    private static String firstFree(String id, Set<String> used) {
        for (int n = 1; ; n++) {
            String candidate = id + "-" + n;
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
    }

    private static Input withId(InputStore.NewInput next, String id) {
        return next.input().withId(id);
    }
}
