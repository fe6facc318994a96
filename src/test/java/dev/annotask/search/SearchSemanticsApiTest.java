package dev.annotask.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.store.SqlDialect;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What searches match, as a table: each case a query (the {@code filters} of one search) and
 * the hits it must give, in order, run on SQLite and on PostgreSQL against the same data
 * ({@link SearchWorld}), so the two databases are held to one answer. The second app's data,
 * which would match many of these queries, must never show.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class SearchSemanticsApiTest {
    @Parameter
    SqlDialect dialect;

    static Stream<Arguments> inputCases() {
        return Stream.of(
                // Concepts: on annotations (top level or in a region) and given at upload; value 0 is a negative label.
                inputs("cat on an annotation or at upload", "[" + concepts("{\"id\":\"cat\",\"value\":1}") + "]",
                        "img1", "txt2", "vid1"),
                inputs("cat marked absent (value 0)", "[" + concepts("{\"id\":\"cat\",\"value\":0}") + "]", "img2"),
                inputs("a concept's value left out means present", "[" + concepts("{\"id\":\"dog\"}") + "]",
                        "img2", "txt1", "aud1"),
                inputs("a concept by name", "[" + concepts("{\"name\":\"Kitty\"}") + "]", "img1"),
                inputs("concepts of one filter are ORed", "[" + concepts("{\"id\":\"cat\"},{\"id\":\"dog\"}") + "]",
                        "img1", "img2", "txt1", "txt2", "vid1", "aud1"),
                inputs("filters are ANDed", "[" + concepts("{\"id\":\"cat\"}") + ",{\"input\":{\"dataset_ids\":[\"train\"]}}]",
                        "img1"),
                inputs("negate", "[{\"negate\":true," + concepts("{\"id\":\"cat\"}").substring(1) + "]", "img2", "txt1", "aud1"),
                // Metadata: containment (PostgreSQL's @>), nested objects, arrays, numbers, booleans, null.
                inputs("metadata string", "[" + metadata("{\"kind\":\"cat-photo\"}") + "]", "img1"),
                inputs("nested metadata", "[" + metadata("{\"camera\":{\"make\":\"canon\"}}") + "]", "img1", "txt1"),
                inputs("nested metadata, two keys deep", "[" + metadata("{\"camera\":{\"make\":\"canon\",\"iso\":100}}") + "]",
                        "img1"),
                inputs("nested metadata that differs", "[" + metadata("{\"camera\":{\"make\":\"canon\",\"iso\":200}}") + "]"),
                inputs("an array contains an element", "[" + metadata("{\"tags\":[\"b\"]}") + "]", "img1", "vid1"),
                inputs("an array contains all, in any order", "[" + metadata("{\"tags\":[\"b\",\"a\"]}") + "]", "img1"),
                inputs("an array lacks one", "[" + metadata("{\"tags\":[\"c\",\"a\"]}") + "]"),
                inputs("a scalar is not an array", "[" + metadata("{\"tags\":\"a\"}") + "]"),
                inputs("1 and 1.0 are the same number", "[" + metadata("{\"n\":1}") + "]", "vid1", "aud1"),
                inputs("a boolean", "[" + metadata("{\"flag\":true}") + "]", "aud1"),
                inputs("null", "[" + metadata("{\"nothing\":null}") + "]", "aud1"),
                inputs("a metadata filter's keys are ORed", "[" + metadata("{\"kind\":\"dog-photo\",\"lang\":\"en\"}") + "]",
                        "img2", "txt1"),
                inputs("negated metadata holds for inputs without metadata",
                        "[{\"negate\":true,\"input\":{\"data\":{\"metadata\":{\"kind\":\"cat-photo\"}}}}]",
                        "img2", "txt1", "txt2", "vid1", "aud1"),
                // Inputs: datasets (ORed), types (ORed), id, status.
                inputs("a dataset", "[{\"input\":{\"dataset_ids\":[\"test\"]}}]", "img2", "txt2"),
                inputs("datasets are ORed", "[{\"input\":{\"dataset_ids\":[\"train\",\"test\"]}}]", "img1", "img2", "txt2"),
                inputs("not in a dataset", "[{\"negate\":true,\"input\":{\"dataset_ids\":[\"train\"]}}]",
                        "txt1", "txt2", "vid1", "aud1"),
                inputs("images", "[{\"input\":{\"data\":{\"image\":{}}}}]", "img1", "img2"),
                inputs("texts or audio", "[{\"input\":{\"data\":{\"text\":{},\"audio\":{}}}}]", "txt1", "txt2", "aud1"),
                inputs("videos", "[{\"input\":{\"data\":{\"video\":{}}}}]", "vid1"),
                inputs("an input by id", "[{\"input\":{\"id\":\"txt1\"}}]", "txt1"),
                inputs("an input status", "[{\"input\":{\"status\":{\"code\":30000}}}]", SearchWorld.INPUTS.toArray(String[]::new)),
                inputs("an input's own concepts", "[{\"input\":{\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}}]", "txt2"),
                // Annotations: their author, status, id, input; several conditions of one filter hold on one annotation.
                inputs("annotated by a collaborator", "[{\"annotation\":{\"user_id\":\"w1\"}}]", "aud1"),
                inputs("annotated by the owner (worker.user.id)", "[{\"annotation\":{\"worker\":{\"user\":{\"id\":\"owner\"}}}}]",
                        "img1", "img2", "txt1", "vid1"),
                inputs("a pending annotation", "[{\"annotation\":{\"status\":{\"code\":24151}}}]", "vid1"),
                inputs("cat on a successful annotation",
                        "[{\"annotation\":{\"status\":{\"code\":24150},\"data\":{\"concepts\":[{\"id\":\"cat\"}]}}}]", "img1"),
                inputs("dog by the owner, on one annotation",
                        "[{\"annotation\":{\"user_id\":\"owner\",\"data\":{\"concepts\":[{\"id\":\"dog\"}]}}}]", "img2", "txt1"),
                inputs("not annotated by the collaborator", "[{\"negate\":true,\"annotation\":{\"user_id\":\"w1\"}}]",
                        "img1", "img2", "txt1", "txt2", "vid1"),
                inputs("an annotation by id", "[{\"annotation\":{\"id\":\"a-txt1\"}}]", "txt1"),
                // Time: last_updated_time_range, inclusive; an empty query matches everything.
                inputs("updated before the year 3000", "[{\"last_updated_time_range\":{\"end_time\":\"3000-01-01T00:00:00Z\"}}]",
                        SearchWorld.INPUTS.toArray(String[]::new)),
                inputs("updated after the year 3000", "[{\"last_updated_time_range\":{\"start_time\":\"3000-01-01T00:00:00Z\"}}]"),
                inputs("no filters", "[]", SearchWorld.INPUTS.toArray(String[]::new)));
    }

    static Stream<Arguments> annotationCases() {
        return Stream.of(
                annotations("cat (annotations only, not upload concepts)", "[" + concepts("{\"id\":\"cat\"}") + "]",
                        "a-img1", "a-vid1"),
                annotations("by the collaborator", "[{\"annotation\":{\"user_id\":\"w1\"}}]", "a-aud1"),
                annotations("dog on an input of a dataset", "[" + concepts("{\"id\":\"dog\"}")
                        + ",{\"input\":{\"dataset_ids\":[\"train\"]}}]", "a-img2"),
                annotations("not pending", "[{\"negate\":true,\"annotation\":{\"status\":{\"code\":24151}}}]",
                        "a-img1", "a-img2", "a-txt1", "a-aud1"),
                annotations("on images", "[{\"input\":{\"data\":{\"image\":{}}}}]", "a-img1", "a-img2"),
                annotations("updated before the year 3000",
                        "[{\"last_updated_time_range\":{\"end_time\":\"3000-01-01T00:00:00Z\"}}]",
                        "a-img1", "a-img2", "a-txt1", "a-vid1", "a-aud1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputCases")
    void inputSearchesMatch(String name, String filters, List<String> expected) {
        SearchWorld data = SearchWorld.of(dialect);
        var reply = SearchWorld.search(data.app, "/v2/inputs/searches", body(filters));

        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(SearchWorld.inputIds(reply.message())).as(name).containsExactlyElementsOf(expected);
        assertThat(reply.message().getHitsList()).allSatisfy(hit -> {
            assertThat(hit.getScore()).isEqualTo(1.0f);
            assertThat(hit.getAppId()).isEqualTo(data.app.appId());
            assertThat(hit.getUserId()).isEqualTo("owner");
            assertThat(hit.hasAnnotation()).isFalse();
        });
        // The legacy PostSearches answers the same.
        var legacy = SearchWorld.search(data.app, "/v2/searches", body(filters));
        assertThat(SearchWorld.inputIds(legacy.message())).as(legacy.body()).containsExactlyElementsOf(expected);
        // And the count agrees.
        var counted = SearchWorld.search(data.app, "/v2/inputs/searches",
                "{\"only_count\":true,\"searches\":[{\"query\":{\"filters\":" + filters + "}}]}");
        assertThat(counted.message().getHitCounts(0).getEstimatedTotal()).as(counted.body()).isEqualTo(expected.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("annotationCases")
    void annotationSearchesMatch(String name, String filters, List<String> expected) {
        SearchWorld data = SearchWorld.of(dialect);
        var reply = SearchWorld.search(data.app, "/v2/annotations/searches", body(filters));

        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(SearchWorld.annotationIds(reply.message())).as(name).containsExactlyElementsOf(expected);
        assertThat(reply.message().getHitsList()).allSatisfy(hit ->
                assertThat(hit.getInput().getId()).isEqualTo(hit.getAnnotation().getInputId()));
    }

    private static String body(String filters) {
        return "{\"searches\":[{\"query\":{\"filters\":" + filters + "}}]}";
    }

    private static String concepts(String concepts) {
        return "{\"annotation\":{\"data\":{\"concepts\":[" + concepts + "]}}}";
    }

    private static String metadata(String metadata) {
        return "{\"input\":{\"data\":{\"metadata\":" + metadata + "}}}";
    }

    private static Arguments inputs(String name, String filters, String... expected) {
        return Arguments.of(name, filters, List.of(expected));
    }

    private static Arguments annotations(String name, String filters, String... expected) {
        return Arguments.of(name, filters, List.of(expected));
    }
}
