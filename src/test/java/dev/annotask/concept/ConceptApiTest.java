package dev.annotask.concept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.MultiConceptResponse;
import dev.annotask.proto.api.SingleConceptResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concepts through the REST API: PostConcepts, ListConcepts, GetConcept and PatchConcepts,
 * app-scoped, on the short paths with an app key and the long paths with a token. One
 * server per database vendor, a fresh app per test.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class ConceptApiTest {
    private static final String OWNER = "owner";

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("concepts");
    }

    private ApiClient.Reply<MultiConceptResponse> post(String json) {
        return app.call("POST", "/v2/concepts", json, MultiConceptResponse.getDefaultInstance());
    }

    private ApiClient.Reply<SingleConceptResponse> get(String conceptId) {
        return app.call("GET", "/v2/concepts/" + conceptId, null, SingleConceptResponse.getDefaultInstance());
    }

    private List<String> listedIds(String query) {
        var reply = app.call("GET", "/v2/concepts" + query, null, MultiConceptResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getConceptsList().stream().map(Concept::getId).toList();
    }

    @Test
    void postedConceptsComeBackWithValueAndNameDefaultingToId() {
        var reply = post("{\"concepts\":[{\"id\":\"cat\",\"name\":\"Cat\"},{\"id\":\"dog\"}]}");

        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.httpStatus()).isEqualTo(200);
        assertThat(reply.message().getConceptsList()).extracting(Concept::getId, Concept::getName)
                .containsExactly(tuple("cat", "Cat"),
                        tuple("dog", "dog"));
        assertThat(reply.body()).as("value is always printed").contains("\"value\":1");
        assertThat(reply.message().getConcepts(0).hasValue()).isTrue();

        var dog = get("dog");
        assertThat(dog.code()).as(dog.body()).isEqualTo(10000);
        assertThat(dog.message().getConcept().getId()).isEqualTo("dog");
        assertThat(dog.message().getConcept().getName()).isEqualTo("dog");
        assertThat(get("cat").message().getConcept().getName()).isEqualTo("Cat");
    }

    @Test
    void conceptIdIsRequiredAndFollowsTheIdRules() {
        var missing = post("{\"concepts\":[{\"name\":\"No id\"}]}");
        assertThat(missing.code()).as(missing.body()).isEqualTo(11102);
        assertThat(missing.httpStatus()).isEqualTo(400);
        assertThat(missing.status().getDetails()).contains("concepts[0].id");
        assertThat(missing.body()).contains("\"concepts\":[]");

        var malformed = post("{\"concepts\":[{\"id\":\"ok\"},{\"id\":\"not ok!\"}]}");
        assertThat(malformed.code()).as(malformed.body()).isEqualTo(11102);
        assertThat(malformed.status().getDetails()).contains("concepts[1].id");
        assertThat(get("ok").code()).as("nothing written").isEqualTo(11101);
        assertThat(listedIds("")).isEmpty();
    }

    @Test
    void takenIdIsDuplicateKeyAndWritesNothing() {
        assertThat(post("{\"concepts\":[{\"id\":\"cat\"}]}").code()).isEqualTo(10000);

        var taken = post("{\"concepts\":[{\"id\":\"cow\"},{\"id\":\"cat\",\"name\":\"Other\"}]}");
        assertThat(taken.code()).as(taken.body()).isEqualTo(40010);
        assertThat(taken.httpStatus()).isEqualTo(409);
        assertThat(taken.body()).contains("\"concepts\":[]");
        assertThat(get("cow").code()).as("cow must not have been created").isEqualTo(11101);
        assertThat(get("cat").message().getConcept().getName()).isEqualTo("cat");

        var twice = post("{\"concepts\":[{\"id\":\"pig\"},{\"id\":\"pig\"}]}");
        assertThat(twice.code()).as(twice.body()).isEqualTo(40010);
        assertThat(twice.httpStatus()).isEqualTo(409);
        assertThat(get("pig").code()).isEqualTo(11101);
        assertThat(listedIds("")).containsExactly("cat");
    }

    @Test
    void listConceptsPages() {
        for (String id : new String[] {"c1", "c2", "c3", "c4", "c5"}) {
            assertThat(post("{\"concepts\":[{\"id\":\"" + id + "\"}]}").code()).isEqualTo(10000);
        }

        List<String> seen = new ArrayList<>();
        List<String> first = listedIds("?per_page=2&page=1");
        List<String> second = listedIds("?per_page=2&page=2");
        List<String> third = listedIds("?per_page=2&page=3");
        assertThat(first).hasSize(2);
        assertThat(second).hasSize(2);
        assertThat(third).hasSize(1);
        seen.addAll(first);
        seen.addAll(second);
        seen.addAll(third);
        assertThat(seen).containsExactlyInAnyOrder("c1", "c2", "c3", "c4", "c5");
        var past = app.call("GET", "/v2/concepts?per_page=2&page=4", null, MultiConceptResponse.getDefaultInstance());
        assertThat(past.code()).isEqualTo(10000);
        assertThat(past.body()).contains("\"concepts\":[]");
        assertThat(listedIds("")).hasSize(5);
    }

    @Test
    void theListFilterIsLiteralTextNotALikePattern() {
        assertThat(post("{\"concepts\":[{\"id\":\"a_b\"},{\"id\":\"axb\"},{\"id\":\"off\",\"name\":\"50% off!\"},"
                + "{\"id\":\"fifty\",\"name\":\"50 off\"}]}").code()).isEqualTo(10000);

        assertThat(listedIds("?id=_")).containsExactly("a_b");
        assertThat(listedIds("?id=a_b")).containsExactly("a_b");
        assertThat(listedIds("?id=%25")).containsExactly("off");
        assertThat(listedIds("?id=0%25%20")).containsExactly("off");
        assertThat(listedIds("?id=!")).containsExactly("off");
        assertThat(listedIds("?id=%5C")).isEmpty();
        assertThat(listedIds("?id=AXB")).as("still case-insensitive").containsExactly("axb");
    }

    @Test
    void getOfAMissingConceptDoesNotExist() {
        var reply = get("unicorn");
        assertThat(reply.code()).isEqualTo(11101);
        assertThat(reply.httpStatus()).isEqualTo(404);
    }

    @Test
    void patchOverwritesTheNameAndRefusesOtherActionsAndMissingConcepts() {
        post("{\"concepts\":[{\"id\":\"cat\",\"name\":\"Cat\"},{\"id\":\"dog\",\"name\":\"Dog\"}]}");

        var renamed = app.call("PATCH", "/v2/concepts",
                "{\"action\":\"overwrite\",\"concepts\":[{\"id\":\"cat\",\"name\":\"Kitty\"}]}",
                MultiConceptResponse.getDefaultInstance());
        assertThat(renamed.code()).as(renamed.body()).isEqualTo(10000);
        assertThat(renamed.message().getConceptsList()).extracting(Concept::getName).containsExactly("Kitty");
        assertThat(get("cat").message().getConcept().getName()).isEqualTo("Kitty");
        assertThat(get("dog").message().getConcept().getName()).isEqualTo("Dog");

        var merge = app.call("PATCH", "/v2/concepts",
                "{\"action\":\"merge\",\"concepts\":[{\"id\":\"cat\",\"name\":\"Tom\"}]}",
                MultiConceptResponse.getDefaultInstance());
        assertThat(merge.code()).as(merge.body()).isEqualTo(11102);
        assertThat(merge.httpStatus()).isEqualTo(400);
        assertThat(merge.status().getDetails()).contains("action");

        var missing = app.call("PATCH", "/v2/concepts",
                "{\"action\":\"overwrite\",\"concepts\":[{\"id\":\"unicorn\",\"name\":\"Unicorn\"}]}",
                MultiConceptResponse.getDefaultInstance());
        assertThat(missing.code()).as(missing.body()).isEqualTo(11101);
        assertThat(missing.httpStatus()).isEqualTo(404);
        assertThat(get("cat").message().getConcept().getName()).isEqualTo("Kitty");
        assertThat(get("unicorn").code()).as("patch does not create").isEqualTo(11101);
    }

    @Test
    void conceptsBelongToTheirAppAndTheLongPathReachesThem() {
        var viaLongPath = world.client().send("POST", app.longPath() + "/concepts", world.ownerToken(),
                "{\"concepts\":[{\"id\":\"cat\"}]}", MultiConceptResponse.getDefaultInstance());
        assertThat(viaLongPath.code()).as(viaLongPath.body()).isEqualTo(10000);
        assertThat(get("cat").code()).isEqualTo(10000);
        assertThat(world.client().send("GET", app.longPath() + "/concepts/cat", world.ownerToken(), null,
                SingleConceptResponse.getDefaultInstance()).message().getConcept().getId()).isEqualTo("cat");

        DataFixtures other = world.newBareApp("concepts");
        assertThat(other.call("GET", "/v2/concepts/cat", null, SingleConceptResponse.getDefaultInstance()).code())
                .isEqualTo(11101);
        assertThat(other.call("GET", "/v2/concepts", null, MultiConceptResponse.getDefaultInstance())
                .message().getConceptsList()).isEmpty();
        var sameIdElsewhere = other.call("POST", "/v2/concepts", "{\"concepts\":[{\"id\":\"cat\"}]}",
                MultiConceptResponse.getDefaultInstance());
        assertThat(sameIdElsewhere.code()).as("ids are unique per app only").isEqualTo(10000);
    }
}
