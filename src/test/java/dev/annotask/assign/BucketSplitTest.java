package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The split by bucket of PARTITIONED tasks: shares of a source follow the weights, each bucket
 * has k distinct owners, a new worker takes only what it wins, and places spread over buckets.
 */
class BucketSplitTest {
    private static final int PLACES = 100_000;

    private static Map<String, Double> weights(Object... pairs) {
        Map<String, Double> weights = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            weights.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
        }
        return weights;
    }

    /** Each worker's share of the places 1..PLACES (of the k × PLACES slots). */
    private static Map<String, Double> shares(BucketSplit split, List<String> workers, int k) {
        Map<String, Double> shares = new LinkedHashMap<>();
        for (String worker : workers) {
            int index = split.indexOf(worker);
            int mine = 0;
            for (long place = 1; place <= PLACES; place++) {
                if (split.owns(index, BucketSplit.bucketOf(place))) {
                    mine++;
                }
            }
            shares.put(worker, mine / (double) ((long) PLACES * k));
        }
        return shares;
    }

    @Test
    void sharesFollowTheWeightsWithinHalfAPoint() {
        Map<String, Double> ninetyTen = shares(BucketSplit.of(7, weights("a", 90, "b", 10), 1), List.of("a", "b"), 1);
        assertThat(ninetyTen.get("a")).isCloseTo(0.90, within(0.005));
        assertThat(ninetyTen.get("b")).isCloseTo(0.10, within(0.005));
        for (int k : new int[] {1, 2}) {
            Map<String, Double> even = shares(BucketSplit.of(11, weights("a", 1, "b", 1, "c", 1), k),
                    List.of("a", "b", "c"), k);
            assertThat(even.values()).as("k=%d", k).allSatisfy(share -> assertThat(share).isCloseTo(1 / 3.0, within(0.005)));
        }
        Map<String, Double> many = new LinkedHashMap<>();
        for (int i = 0; i < 32; i++) {
            many.put("w" + i, 1.0);
        }
        assertThat(shares(BucketSplit.of(13, many, 1), List.copyOf(many.keySet()), 1).values())
                .allSatisfy(share -> assertThat(share).isCloseTo(1 / 32.0, within(0.005)));
    }

    @Test
    void everyBucketHasKDistinctOwnersAndNextOwnedAgreesWithOwns() {
        BucketSplit split = BucketSplit.of(3, weights("a", 2, "b", 1, "c", 1, "d", 4), 2);
        int[] owned = new int[4];
        for (int bucket = 0; bucket < BucketSplit.BUCKETS; bucket++) {
            int owners = 0;
            for (int worker = 0; worker < 4; worker++) {
                if (split.owns(worker, bucket)) {
                    owners++;
                    owned[worker]++;
                    assertThat(split.nextOwned(worker, bucket)).isEqualTo(bucket);
                }
            }
            assertThat(owners).as("bucket %d", bucket).isEqualTo(2);
        }
        for (int worker = 0; worker < 4; worker++) {
            assertThat(split.ownedCount(worker)).isEqualTo(owned[worker]);
        }
        assertThat(split.indexOf("stranger")).isEqualTo(-1);
        assertThat(split.ownedCount(-1)).isZero();
    }

    @Test
    void aFourthWorkerTakesOnlyItsOwnQuarter() {
        BucketSplit three = BucketSplit.of(5, weights("a", 1, "b", 1, "c", 1), 1);
        BucketSplit four = BucketSplit.of(5, weights("a", 1, "b", 1, "c", 1, "d", 1), 1);
        int moved = 0;
        for (int bucket = 0; bucket < BucketSplit.BUCKETS; bucket++) {
            for (String worker : List.of("a", "b", "c")) {
                boolean before = three.owns(three.indexOf(worker), bucket);
                boolean after = four.owns(four.indexOf(worker), bucket);
                assertThat(after && !before).as("only the new worker takes buckets").isFalse();
                if (before && !after) {
                    assertThat(four.owns(four.indexOf("d"), bucket)).isTrue();
                    moved++;
                }
            }
        }
        assertThat(moved / (double) BucketSplit.BUCKETS).isBetween(0.24, 0.26);
    }

    @Test
    void consecutivePlacesFillEveryBucketOnceBeforeAnyTwice() {
        boolean[] seen = new boolean[BucketSplit.BUCKETS];
        for (long place = 1; place <= BucketSplit.BUCKETS; place++) {
            int bucket = BucketSplit.bucketOf(place);
            assertThat(seen[bucket]).as("place %d", place).isFalse();
            seen[bucket] = true;
        }
        assertThat(BucketSplit.bucketOf(5)).isEqualTo(BucketSplit.bucketOf(5 + BucketSplit.BUCKETS));
    }
}
