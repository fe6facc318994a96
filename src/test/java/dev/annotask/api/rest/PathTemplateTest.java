package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Matching one {@code google.api.http} path template against the segments of a request path. */
class PathTemplateTest {
    private static final PathTemplate GET_TASK =
            PathTemplate.parse("/v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/tasks/{task_id}");

    private static List<String> segments(String path) {
        return List.of(path.substring(1).split("/"));
    }

    @Test
    void literalOnlyTemplateMatchesExactlyItsSegments() {
        PathTemplate template = PathTemplate.parse("/v2/inputs/status");

        assertThat(template.match(segments("/v2/inputs/status"))).contains(Map.of());
        assertThat(template.match(segments("/v2/inputs/statuses"))).isEmpty();
        assertThat(template.match(segments("/v2/Inputs/status"))).as("literals are case-sensitive").isEmpty();
    }

    @Test
    void variablesAreExtractedUnderTheirFieldPathsInTemplateOrder() {
        var variables = GET_TASK.match(segments("/v2/users/me/apps/pets/tasks/t-1"));

        assertThat(variables).hasValueSatisfying(v -> assertThat(v).containsExactly(
                Map.entry("user_app_id.user_id", "me"),
                Map.entry("user_app_id.app_id", "pets"),
                Map.entry("task_id", "t-1")));
    }

    @Test
    void aVariableTakesExactlyOneSegment() {
        assertThat(GET_TASK.match(segments("/v2/users/me/apps/pets/tasks"))).isEmpty();
        assertThat(GET_TASK.match(segments("/v2/users/me/apps/pets/tasks/t-1/extra"))).isEmpty();
        assertThat(GET_TASK.match(List.of("v2", "users", "me", "apps", "pets", "tasks", "")))
                .as("an empty segment is no value").isEmpty();
    }

    @Test
    void literalSegmentsAroundVariablesMustMatch() {
        assertThat(GET_TASK.match(segments("/v2/users/me/app/pets/tasks/t-1"))).isEmpty();
        assertThat(GET_TASK.match(segments("/v3/users/me/apps/pets/tasks/t-1"))).isEmpty();
    }

    @Test
    void rootTemplateHasNoSegments() {
        PathTemplate root = PathTemplate.parse("/");

        assertThat(root.match(List.of())).contains(Map.of());
        assertThat(root.match(List.of("v2"))).isEmpty();
    }

    @Test
    void aLiteralBeatsAVariableInTheSamePosition() {
        PathTemplate status = PathTemplate.parse("/v2/inputs/status");
        PathTemplate byId = PathTemplate.parse("/v2/inputs/{input_id}");

        assertThat(status.compareSpecificity(byId)).isNegative();
        assertThat(byId.compareSpecificity(status)).isPositive();
        assertThat(byId.compareSpecificity(PathTemplate.parse("/v2/inputs/{other_id}"))).isZero();
    }

    @Test
    void theEarliestDifferenceDecidesSpecificity() {
        PathTemplate literalFirst = PathTemplate.parse("/v2/inputs/{input_id}/annotations/{annotation_id}");
        PathTemplate variableFirst = PathTemplate.parse("/v2/{kind}/status/annotations/x");

        assertThat(literalFirst.compareSpecificity(variableFirst)).isNegative();
        assertThat(variableFirst.compareSpecificity(literalFirst)).isPositive();
    }

    @Test
    void templateTextIsKeptForMessages() {
        assertThat(GET_TASK).hasToString(
                "/v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/tasks/{task_id}");
    }

    @Test
    void multiSegmentAndUnclosedVariablesAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse("/v2/{name=projects/*}"))
                .withMessageContaining("/v2/{name=projects/*}");
        assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse("/v2/{task_id"));
        assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse("/v2/{task_id}:run"));
    }
}
