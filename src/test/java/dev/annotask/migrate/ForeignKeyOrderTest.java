package dev.annotask.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForeignKeyOrderTest {
    @Test
    void parentsComeFirstAndTiesGoByName() {
        List<ForeignKeyOrder.Reference> references = List.of(
                new ForeignKeyOrder.Reference("apps", "users"),
                new ForeignKeyOrder.Reference("inputs", "apps"),
                new ForeignKeyOrder.Reference("annotations", "inputs"),
                new ForeignKeyOrder.Reference("users", "users"));
        assertThat(ForeignKeyOrder.of(List.of("annotations", "inputs", "concepts", "apps", "users"), references))
                .containsExactly("concepts", "users", "apps", "inputs", "annotations");
    }

    @Test
    void aCycleIsRefusedRatherThanCopiedHalfway() {
        assertThatThrownBy(() -> ForeignKeyOrder.of(List.of("a", "b"), List.of(
                new ForeignKeyOrder.Reference("a", "b"), new ForeignKeyOrder.Reference("b", "a"))))
                .hasMessageContaining("cycle");
    }
}
