package dev.annotask.bench.jmh;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Identifiers shaped like the server's: input ids of 32 lowercase hex characters (what
 * {@code Ids.newId()} makes), and worker ids the way people choose user names. Drawn from a
 * fixed seed, so every run hashes the same ids and results stay comparable between runs.
 */
public final class BenchIds {
    /** How many distinct inputs a benchmark cycles through: enough to defeat branch history. */
    public static final int INPUT_RING = 1024;

    private BenchIds() {
    }

    public static String[] inputIds(int count) {
        SplittableRandom random = new SplittableRandom(20_260_128L);
        HexFormat hex = HexFormat.of();
        String[] ids = new String[count];
        byte[] bytes = new byte[16];
        for (int i = 0; i < count; i++) {
            random.nextBytes(bytes);
            ids[i] = hex.formatHex(bytes);
        }
        return ids;
    }

    public static List<String> workerIds(int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(String.format("labeler-%03d", i));
        }
        return ids;
    }
}
