package dev.annotask.assign;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Weighted rendezvous (highest-random-weight) hashing: which {@code k} workers of a task an
 * input belongs to.
 *
 * <p>Each (input, worker) pair gets a deterministic pseudo-random {@code u} in (0, 1) and the
 * score {@code weight / -ln(u)}; the input goes to the {@code k} highest scores. With k = 1 a
 * worker wins an input with probability weight / Σweights exactly, and adding or removing a
 * worker moves only the inputs that worker wins or held (the ideal fraction). With k > 1 and
 * equal weights every worker gets k/n of the inputs; with unequal weights the top-k choice
 * leans slightly toward the heavier workers (documented in docs/ARCHITECTURE.md).
 *
 * <p>Nothing is stored: any node computes the same answer from the task's seed, the input id
 * and the worker ids, which is what lets creating a task cost nothing per input. Immutable and
 * thread-safe.
 */
public final class Rendezvous {
    private final long seed;
    private final String[] workers;
    private final double[] weights;
    private final byte[][] workerBytes;

    /**
     * @param seed per-task salt, so two tasks over the same inputs split them independently
     * @param weightByWorker every worker with a positive weight (equal weights for EVENLY)
     */
    public Rendezvous(long seed, Map<String, Double> weightByWorker) {
        this.seed = seed;
        List<String> sorted = new ArrayList<>(weightByWorker.keySet());
        sorted.sort(Comparator.naturalOrder());
        this.workers = sorted.toArray(String[]::new);
        this.weights = sorted.stream().mapToDouble(weightByWorker::get).toArray();
        this.workerBytes = sorted.stream().map(w -> w.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    /** The k workers the input belongs to, best score first (k is capped at the number of workers). */
    public List<String> owners(String inputId, int k) {
        int n = workers.length;
        int wanted = Math.min(k, n);
        long inputHash = fnv1a(seed, inputId.getBytes(StandardCharsets.UTF_8));
        double[] scores = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            scores[i] = score(inputHash, i);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        List<String> owners = new ArrayList<>(wanted);
        for (int i = 0; i < wanted; i++) {
            owners.add(workers[order[i]]);
        }
        return owners;
    }

    /** True when the worker is among the input's k owners (without building the list). */
    public boolean owns(String worker, String inputId, int k) {
        int index = Arrays.binarySearch(workers, worker);
        if (index < 0) {
            return false;
        }
        long inputHash = fnv1a(seed, inputId.getBytes(StandardCharsets.UTF_8));
        double mine = score(inputHash, index);
        int better = 0;
        for (int i = 0; i < workers.length && better < k; i++) {
            if (i != index) {
                double other = score(inputHash, i);
                // Ties (practically impossible) go to the smaller worker id, as in owners().
                if (other > mine || (other == mine && i < index)) {
                    better++;
                }
            }
        }
        return better < k;
    }

    /**
     * The k owners of each of the buckets {@code 0 .. buckets - 1}, as indexes into the workers
     * in id order: bucket b's owners are {@code [b * k, b * k + k)} of the result, best first
     * (k capped at the number of workers). The same weighted top-k choice as {@link #owners},
     * keyed by the bucket's number instead of an input id, so a bucket goes to a worker with
     * probability weight / Σweights (k = 1) and a new worker takes only the buckets it wins.
     */
    int[] bucketOwners(int buckets, int k) {
        int n = workers.length;
        int wanted = Math.min(k, n);
        long[] workerHashes = new long[n];
        for (int i = 0; i < n; i++) {
            workerHashes[i] = mix(fnv1a(seed, workerBytes[i]));
        }
        int[] owners = new int[buckets * wanted];
        double[] best = new double[wanted];
        // With equal weights weight / -ln(u) ranks as u does: the same owners without a logarithm.
        boolean equal = java.util.Arrays.stream(weights).allMatch(w -> w == weights[0]);
        for (int bucket = 0; bucket < buckets; bucket++) {
            long bucketHash = mix(seed ^ (bucket + 1) * 0x9e3779b97f4a7c15L);
            int base = bucket * wanted;
            java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                long mixed = mix(bucketHash ^ workerHashes[i]);
                double u = ((mixed >>> 11) + 0.5) / (1L << 53);
                double score = equal ? u : weights[i] / -Math.log(u);
                // Insertion into the sorted top-k; a tie keeps the smaller index first, as owners() does.
                int at = wanted;
                while (at > 0 && score > best[at - 1]) {
                    at--;
                }
                if (at < wanted) {
                    System.arraycopy(best, at, best, at + 1, wanted - at - 1);
                    System.arraycopy(owners, base + at, owners, base + at + 1, wanted - at - 1);
                    best[at] = score;
                    owners[base + at] = i;
                }
            }
        }
        return owners;
    }

    /** The workers in id order, the order {@link #bucketOwners} indexes. */
    List<String> workers() {
        return List.of(workers);
    }

    private double score(long inputHash, int worker) {
        long mixed = mix(fnv1a(inputHash, workerBytes[worker]));
        double u = ((mixed >>> 11) + 0.5) / (1L << 53); // strictly inside (0, 1)
        return weights[worker] / -Math.log(u);
    }

    private static long fnv1a(long start, byte[] bytes) {
        long hash = start ^ 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** SplitMix64's finaliser: spreads FNV's weak low bits over the whole word. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
