package dev.annotask.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The id rule: letters, digits, '_', '-' and '.', starting with a letter or digit, at most 128. */
class ValidationTest {
    private static final Pattern RULE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    @Test
    void idsFollowTheDocumentedRule() {
        List<String> ids = List.of("a", "Z", "0", "cat-1", "a.b_c-d", "x".repeat(128), "x".repeat(129), "-a", ".a",
                "_a", "a b", "a/b", "é", "a\u0000", "ａ", "٣", "a+b", "a:b", "A9_.-", "9".repeat(127) + "-");
        for (String id : ids) {
            boolean valid = RULE.matcher(id).matches();
            if (valid) {
                assertThat(Validation.requireId("inputs[0].id", id)).isEqualTo(id);
            } else {
                assertThatThrownBy(() -> Validation.requireId("inputs[0].id", id)).as(id)
                        .isInstanceOf(ApiException.class).hasMessageContaining("is not a valid id");
            }
        }
        assertThatThrownBy(() -> Validation.requireId("inputs[0].id", "")).hasMessageContaining("is required");
    }
}
