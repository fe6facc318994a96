package dev.annotask.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The memory budget: what it grants, in which order, and that everything comes back. */
class MemoryBudgetTest {
    @Test
    void grantsAtOnceWhatFitsAndQueuesTheRestInArrivalOrder() {
        MemoryBudget budget = new MemoryBudget(100);
        List<String> granted = new ArrayList<>();
        List<MemoryBudget.Reservation> held = new ArrayList<>();

        assertThat(budget.reserve(60, r -> { granted.add("a"); held.add(r); })).isEmpty();
        Optional<MemoryBudget.Waiter> b = budget.reserve(50, r -> { granted.add("b"); held.add(r); });
        // c would fit now, but b asked first: no one passes a request waiting ahead of it.
        Optional<MemoryBudget.Waiter> c = budget.reserve(30, r -> { granted.add("c"); held.add(r); });
        assertThat(b).isPresent();
        assertThat(c).isPresent();
        assertThat(granted).containsExactly("a");
        assertThat(budget.waiting()).isEqualTo(2);

        held.get(0).close();
        assertThat(granted).containsExactly("a", "b", "c");
        assertThat(budget.available()).isEqualTo(20);

        held.forEach(MemoryBudget.Reservation::close);
        held.get(1).close(); // closing twice gives nothing back twice
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aCancelledWaiterIsNeverGranted() {
        MemoryBudget budget = new MemoryBudget(100);
        List<MemoryBudget.Reservation> held = new ArrayList<>();
        budget.reserve(100, held::add);
        MemoryBudget.Waiter waiter = budget.reserve(10, held::add).orElseThrow();

        assertThat(waiter.cancel()).isTrue();
        held.get(0).close();

        assertThat(held).hasSize(1);
        assertThat(waiter.cancel()).as("already out of the queue").isFalse();
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void resizeShrinksAlwaysAndGrowsOnlyIntoFreeMemory() {
        MemoryBudget budget = new MemoryBudget(100);
        List<MemoryBudget.Reservation> held = new ArrayList<>();
        budget.reserve(40, held::add);
        MemoryBudget.Reservation reservation = held.get(0);

        assertThat(reservation.resize(90)).isTrue();
        assertThat(reservation.resize(101)).isFalse();
        assertThat(reservation.bytes()).isEqualTo(90);
        assertThat(reservation.resize(10)).isTrue();
        assertThat(budget.available()).isEqualTo(90);
        reservation.close();
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aBlockingReservationGivesUpAfterItsWait() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        try (MemoryBudget.Reservation all = budget.reserveWithin(100, Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> budget.reserveWithin(1, Duration.ofMillis(50)))
                    .isInstanceOf(TimeoutException.class);
            assertThat(budget.waiting()).as("the waiter left the queue").isZero();
            assertThat(all.bytes()).isEqualTo(100);
        }
        assertThat(budget.available()).isEqualTo(100);
        assertThatThrownBy(() -> budget.reserve(101, r -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
