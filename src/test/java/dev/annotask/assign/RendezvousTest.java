package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The split of inputs among workers: shares, determinism, distinct owners, and little movement. */
class RendezvousTest {
    private static final int INPUTS = 10_000;

    private static Map<String, Double> weights(Object... pairs) {
        Map<String, Double> weights = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            weights.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
        }
        return weights;
    }

    private static Map<String, Double> shares(Rendezvous rendezvous, int k) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < INPUTS; i++) {
            for (String owner : rendezvous.owners("input-" + i, k)) {
                counts.merge(owner, 1, Integer::sum);
            }
        }
        Map<String, Double> shares = new HashMap<>();
        counts.forEach((worker, count) -> shares.put(worker, count / (double) (INPUTS * k)));
        return shares;
    }

    @Test
    void weightedSharesFollowWeightsWithinOnePoint() {
        Map<String, Double> shares = shares(new Rendezvous(7, weights("a", 90, "b", 10)), 1);
        assertThat(shares.get("a")).isCloseTo(0.90, within(0.01));
        assertThat(shares.get("b")).isCloseTo(0.10, within(0.01));
    }

    @Test
    void equalWeightsSplitEvenlyForOneAndTwoWorkersPerInput() {
        Rendezvous rendezvous = new Rendezvous(11, weights("a", 1, "b", 1, "c", 1));
        for (int k : new int[] {1, 2}) {
            Map<String, Double> shares = shares(rendezvous, k);
            for (String worker : List.of("a", "b", "c")) {
                assertThat(shares.get(worker)).as("k=%d %s", k, worker).isCloseTo(1 / 3.0, within(0.01));
            }
        }
    }

    @Test
    void ownersAreDistinctDeterministicAndAgreeWithOwns() {
        Rendezvous rendezvous = new Rendezvous(3, weights("a", 2, "b", 1, "c", 1, "d", 4));
        Rendezvous again = new Rendezvous(3, weights("d", 4, "c", 1, "b", 1, "a", 2));
        for (int i = 0; i < 500; i++) {
            List<String> owners = rendezvous.owners("i" + i, 2);
            assertThat(owners).hasSize(2).doesNotHaveDuplicates();
            assertThat(again.owners("i" + i, 2)).isEqualTo(owners);
            for (String worker : List.of("a", "b", "c", "d")) {
                assertThat(rendezvous.owns(worker, "i" + i, 2)).isEqualTo(owners.contains(worker));
            }
        }
        assertThat(rendezvous.owns("stranger", "i1", 2)).isFalse();
    }

    @Test
    void aFourthWorkerTakesOnlyItsOwnQuarter() {
        Rendezvous three = new Rendezvous(5, weights("a", 1, "b", 1, "c", 1));
        Rendezvous four = new Rendezvous(5, weights("a", 1, "b", 1, "c", 1, "d", 1));
        int moved = 0;
        for (int i = 0; i < INPUTS; i++) {
            String before = three.owners("x" + i, 1).get(0);
            String after = four.owners("x" + i, 1).get(0);
            if (!before.equals(after)) {
                assertThat(after).as("only the new worker takes inputs").isEqualTo("d");
                moved++;
            }
        }
        assertThat(moved / (double) INPUTS).isBetween(0.23, 0.27);
    }

    @Test
    void differentTasksSplitTheSameInputsIndependently() {
        Rendezvous first = new Rendezvous(1, weights("a", 1, "b", 1));
        Rendezvous second = new Rendezvous(2, weights("a", 1, "b", 1));
        int same = 0;
        for (int i = 0; i < INPUTS; i++) {
            if (first.owners("i" + i, 1).equals(second.owners("i" + i, 1))) {
                same++;
            }
        }
        assertThat(same / (double) INPUTS).isBetween(0.45, 0.55);
    }
}
