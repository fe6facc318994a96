package dev.annotask.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiDatasetInputResponse;
import dev.annotask.proto.api.MultiSearchResponse;
import dev.annotask.proto.api.Search;
import dev.annotask.proto.api.SingleSearchResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.LabelingWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Saved searches (save, list, get, run by id, delete), pagination of hits, PostDatasetInputs
 * by search, who may search, and the answers malformed queries get: each a status body with
 * a fitting code, never a 500. On both databases, a fresh app per test.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class SavedSearchApiTest {
    private static final String BY_BATCH = "{\"query\":{\"filters\":[{\"input\":{\"data\":{\"metadata\":{\"batch\":1}}}}]}}";

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("saved");
        for (int i = 1; i <= 5; i++) {
            SearchWorld.post(app, "{\"id\":\"p" + i + "\",\"data\":{\"text\":{\"raw\":\"t\"},\"metadata\":{\"batch\":"
                    + (i % 2) + "}}}");
        }
    }

    private ApiClient.Reply<MultiSearchResponse> search(String path, String body) {
        return SearchWorld.search(app, path, body);
    }

    @Test
    void aSavedSearchIsListedReadRunAndDeleted() {
        var saved = search("/v2/inputs/searches", "{\"searches\":[{\"id\":\"odd\",\"name\":\"Odd ones\",\"save\":true,"
                + BY_BATCH.substring(1) + "]}");
        assertThat(saved.code()).as(saved.body()).isEqualTo(10000);
        assertThat(saved.message().getHitsList()).as("saving does not run").isEmpty();
        assertThat(saved.message().getId()).isEqualTo("odd");
        Search echoed = saved.message().getSearches(0);
        assertThat(echoed.getId()).isEqualTo("odd");
        assertThat(echoed.getApplicationId()).isEqualTo(app.appId());
        assertThat(echoed.hasCreatedAt()).isTrue();
        var generated = search("/v2/annotations/searches", "{\"searches\":[{\"save\":true,\"query\":{\"filters\":"
                + "[{\"annotation\":{\"user_id\":\"owner\"}}]}}]}");
        assertThat(generated.message().getId()).matches(DataFixtures.GENERATED_ID);

        var listed = app.call("GET", "/v2/searches", null, MultiSearchResponse.getDefaultInstance());
        assertThat(listed.message().getSearchesList()).extracting(Search::getId)
                .containsExactly("odd", generated.message().getId());
        var got = app.call("GET", "/v2/searches/odd", null, SingleSearchResponse.getDefaultInstance());
        assertThat(got.message().getSearch().getName()).isEqualTo("Odd ones");
        assertThat(got.message().getSearch().getQuery().getFilters(0).getInput().getData().getMetadata()
                .getFieldsOrThrow("batch").getNumberValue()).isEqualTo(1.0);

        var run = search("/v2/searches/odd", "{}");
        assertThat(SearchWorld.inputIds(run.message())).as(run.body()).containsExactly("p1", "p3", "p5");
        SearchWorld.post(app, "{\"id\":\"p7\",\"data\":{\"text\":{\"raw\":\"t\"},\"metadata\":{\"batch\":1}}}");
        assertThat(SearchWorld.inputIds(search("/v2/searches/odd", "{}").message()))
                .as("a saved search runs on the data of now").containsExactly("p1", "p3", "p5", "p7");
        var page = search("/v2/searches/odd", "{\"pagination\":{\"page\":2,\"per_page\":3}}");
        assertThat(SearchWorld.inputIds(page.message())).containsExactly("p7");
        var annotationsRun = search("/v2/searches/" + generated.message().getId(), "{}");
        assertThat(annotationsRun.code()).as(annotationsRun.body()).isEqualTo(10000);
        assertThat(annotationsRun.message().getHitsList()).as("no annotations yet").isEmpty();

        var deleted = app.call("DELETE", "/v2/searches/odd", null, BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);
        assertThat(app.call("GET", "/v2/searches/odd", null, SingleSearchResponse.getDefaultInstance()).code())
                .isEqualTo(11101);
        assertThat(search("/v2/searches/odd", "{}").code()).isEqualTo(11101);
        assertThat(app.call("DELETE", "/v2/searches/odd", null, BaseResponse.getDefaultInstance()).httpStatus())
                .isEqualTo(404);
    }

    @Test
    void hitsComePageByPageInArrivalOrder() {
        String all = "{\"searches\":[{\"query\":{}}],\"pagination\":{\"page\":%d,\"per_page\":2}}";
        assertThat(SearchWorld.inputIds(search("/v2/inputs/searches", all.formatted(1)).message())).containsExactly("p1", "p2");
        assertThat(SearchWorld.inputIds(search("/v2/inputs/searches", all.formatted(2)).message())).containsExactly("p3", "p4");
        assertThat(SearchWorld.inputIds(search("/v2/inputs/searches", all.formatted(3)).message())).containsExactly("p5");
        assertThat(SearchWorld.inputIds(search("/v2/inputs/searches", all.formatted(4)).message())).isEmpty();
    }

    @Test
    void aDatasetTakesTheInputsASearchMatches() {
        app.postDatasets("odd");
        SearchWorld.addToDataset(app, "odd", "p3");
        var added = app.call("POST", "/v2/datasets/odd/inputs", "{\"search\":" + BY_BATCH + "}",
                MultiDatasetInputResponse.getDefaultInstance());
        assertThat(added.code()).as(added.body()).isEqualTo(10000);
        assertThat(added.message().getDatasetInputsList()).extracting(d -> d.getInput().getId())
                .as("those not in it yet").containsExactly("p1", "p5");
        assertThat(search("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"filters\":[{\"input\":"
                + "{\"dataset_ids\":[\"odd\"]}}]}}]}").message().getHitsCount()).isEqualTo(3);

        search("/v2/inputs/searches", "{\"searches\":[{\"id\":\"even\",\"save\":true,\"query\":{\"filters\":"
                + "[{\"input\":{\"data\":{\"metadata\":{\"batch\":0}}}}]}}]}");
        var bySaved = app.call("POST", "/v2/datasets/odd/inputs", "{\"search\":{\"id\":\"even\"}}",
                MultiDatasetInputResponse.getDefaultInstance());
        assertThat(bySaved.message().getDatasetInputsList()).extracting(d -> d.getInput().getId())
                .as(bySaved.body()).containsExactly("p2", "p4");
        var both = app.call("POST", "/v2/datasets/odd/inputs", "{\"search\":{\"id\":\"even\"},"
                + "\"dataset_inputs\":[{\"input\":{\"id\":\"p1\"}}]}", MultiDatasetInputResponse.getDefaultInstance());
        assertThat(both.code()).as(both.body()).isEqualTo(11102);
    }

    @Test
    void malformedQueriesGetClearStatuses() {
        expect("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"ranks\":[{\"annotation\":{\"data\":{\"image\":"
                + "{\"url\":\"https://example.com/x.jpg\"}}}}]}}]}", 10040, 501, "ranking");
        expect("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"filters\":[{}]}}]}", 40002, 400,
                "searches[0].query.filters[0] is empty");
        expect("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"filters\":[{\"annotation\":{}}]}}]}", 40002, 400,
                "annotation");
        expect("/v2/annotations/searches", "{\"searches\":[{\"query\":{\"filters\":[{\"annotation\":"
                + "{\"model_version_id\":\"m1\"}}]}}]}", 40002, 400, "model_version_id is not supported");
        expect("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"filters\":[{\"input\":{\"data\":{\"image\":"
                + "{\"url\":\"https://example.com/x.jpg\"}}}}]}}]}", 40002, 400, "only {}");
        expect("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"filters\":[{\"input\":{\"data\":{\"metadata\":{}}}}]}}]}",
                40002, 400, "metadata is empty");
        expect("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"filters\":[{\"annotation\":{\"data\":{\"concepts\":"
                + "[{\"value\":1}]}}}]}}]}", 40002, 400, "id or name");
        expect("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"filters\":[{\"last_updated_time_range\":{"
                + "\"start_time\":\"2030-01-01T00:00:00Z\",\"end_time\":\"2020-01-01T00:00:00Z\"}}]}}]}", 40002, 400,
                "start_time is after end_time");
        expect("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"filters\":[{\"input\":{\"data\":{\"metadata\":"
                + "{\"a\\\"b\":1}}}}]}}]}", 40002, 400, "cannot be searched");
        expect("/v2/inputs/searches", "{\"searches\":[" + BY_BATCH + "," + BY_BATCH + "]}", 40002, 400, "one search");
        expect("/v2/inputs/searches", "{\"searches\":[]}", 40002, 400, "searches is required");
        expect("/v2/searches", "{\"query\":{\"ands\":[{\"input\":{\"id\":\"p1\"}}]}}", 10040, 501, "legacy");
        expect("/v2/inputs/searches", "{\"searches\":[{\"query\":{\"filters\":\"cat\"}}]}", 11100, 400, "filters");
        expect("/v2/searches/nope", "{}", 11101, 404, "nope");

        // A search that cannot run is not saved either, and a saved id is the app's once.
        expect("/v2/inputs/searches", "{\"searches\":[{\"id\":\"bad\",\"save\":true,\"query\":{\"filters\":[{}]}}]}",
                40002, 400, "empty");
        assertThat(app.call("GET", "/v2/searches/bad", null, SingleSearchResponse.getDefaultInstance()).code())
                .isEqualTo(11101);
        String twice = "{\"searches\":[{\"id\":\"once\",\"save\":true}]}";
        assertThat(search("/v2/inputs/searches", twice).code()).isEqualTo(10000);
        expect("/v2/inputs/searches", twice, 40010, 409, "once");
    }

    private void expect(String path, String body, int code, int http, String detail) {
        var reply = search(path, body);
        assertThat(reply.code()).as(reply.body()).isEqualTo(code);
        assertThat(reply.httpStatus()).as(reply.body()).isEqualTo(http);
        assertThat(reply.status().getDetails()).as(reply.body()).contains(detail);
        assertThat(reply.status().getReqId()).isNotEmpty();
    }

    @Test
    void searchesSeeOnlyTheKeysAppAndNeedItsScopes() {
        DataFixtures other = world.newBareApp("savedother");
        SearchWorld.post(other, "{\"id\":\"x1\",\"data\":{\"text\":{\"raw\":\"t\"},\"metadata\":{\"batch\":1}}}");
        search("/v2/inputs/searches", "{\"searches\":[{\"id\":\"mine\",\"save\":true}]}");

        var fromOther = SearchWorld.search(other, "/v2/inputs/searches", "{\"searches\":[" + BY_BATCH + "]}");
        assertThat(SearchWorld.inputIds(fromOther.message())).containsExactly("x1");
        assertThat(other.call("GET", "/v2/searches/mine", null, SingleSearchResponse.getDefaultInstance()).code())
                .as("another app's saved search").isEqualTo(11101);
        var crossing = world.client().send("POST", app.longPath() + "/inputs/searches", other.appKey(),
                "{\"searches\":[" + BY_BATCH + "]}", MultiSearchResponse.getDefaultInstance());
        assertThat(crossing.code()).as(crossing.body()).isEqualTo(11008);

        Fixtures fixtures = new Fixtures(world.client());
        String readOnly = fixtures.createAppKey(world.ownerToken(), app.appId(), "[\"Apps:Get\",\"Inputs:Get\"]");
        var refused = world.client().send("POST", "/v2/inputs/searches", readOnly, "{\"searches\":[" + BY_BATCH + "]}",
                MultiSearchResponse.getDefaultInstance());
        assertThat(refused.code()).as(refused.body()).isEqualTo(11007);
        assertThat(refused.status().getDetails()).contains("Search");
        String searcher = fixtures.createAppKey(world.ownerToken(), app.appId(), "[\"Apps:Get\",\"Annotations:Get\","
                + "\"Concepts:Get\",\"Inputs:Get\",\"Models:Get\",\"Search\",\"Workflows:Get\"]");
        var allowed = world.client().send("POST", "/v2/inputs/searches", searcher, "{\"searches\":[" + BY_BATCH + "]}",
                MultiSearchResponse.getDefaultInstance());
        assertThat(SearchWorld.inputIds(allowed.message())).as(allowed.body()).containsExactly("p1", "p3", "p5");
        var notToSave = world.client().send("DELETE", "/v2/searches/mine", searcher, null, BaseResponse.getDefaultInstance());
        assertThat(notToSave.code()).as("deleting needs SavedSearch:Delete").isEqualTo(11007);
    }
}
