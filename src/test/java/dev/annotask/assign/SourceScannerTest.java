package dev.annotask.assign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceScannerTest {
    @Test
    void bucketListsArePaddedToAFewSizesWithTheirLastNumber() {
        assertThat(SourceScanner.paddedToPowerOfTwo(List.of(7))).containsExactly(7);
        assertThat(SourceScanner.paddedToPowerOfTwo(List.of(7, 9))).containsExactly(7, 9);
        assertThat(SourceScanner.paddedToPowerOfTwo(List.of(7, 9, 12))).containsExactly(7, 9, 12, 12);
        assertThat(SourceScanner.paddedToPowerOfTwo(List.of(1, 2, 3, 4, 5))).containsExactly(1, 2, 3, 4, 5, 5, 5, 5);
        List<Integer> full = java.util.stream.IntStream.range(0, 256).boxed().toList();
        assertThat(SourceScanner.paddedToPowerOfTwo(full)).isEqualTo(full);
        assertThat(SourceScanner.paddedToPowerOfTwo(full.subList(0, 129))).hasSize(256);
    }
}
