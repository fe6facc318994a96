package dev.annotask.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Hit;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiDatasetInputResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.MultiSearchResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.LabelingWorld;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The app the search table runs against, one per database in the JVM's shared world, made once:
 * six inputs of four types with metadata, datasets, concepts given at upload, and annotations
 * by the owner and by a collaborator, plus a second app whose data must never show (its input
 * {@code aud1} has the id of one of the first app's, with what the first app's lacks).
 */
final class SearchWorld {
    /** The first app's inputs, in the order they were posted (the order hits come in). */
    static final List<String> INPUTS = List.of("img1", "img2", "txt1", "txt2", "vid1", "aud1");

    private static final Map<SqlDialect, SearchWorld> WORLDS = new EnumMap<>(SqlDialect.class);

    final LabelingWorld world;
    final DataFixtures app;
    final DataFixtures other;

    private SearchWorld(SqlDialect dialect) {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("searchtable");
        app.addCollaborators(world.ownerToken(), "w1");
        app.postConcepts("cat", "dog");
        app.postDatasets("train", "test");
        post(app, "{\"id\":\"img1\",\"data\":{\"image\":{\"url\":\"https://example.com/1.jpg\"},\"metadata\":{"
                + "\"kind\":\"cat-photo\",\"camera\":{\"make\":\"canon\",\"iso\":100},\"tags\":[\"a\",\"b\"]}},"
                + "\"dataset_ids\":[\"train\"]}");
        post(app, "{\"id\":\"img2\",\"data\":{\"image\":{\"url\":\"https://example.com/2.jpg\"},\"metadata\":{"
                + "\"kind\":\"dog-photo\",\"camera\":{\"make\":\"nikon\",\"iso\":200}}},\"dataset_ids\":[\"train\",\"test\"]}");
        post(app, "{\"id\":\"txt1\",\"data\":{\"text\":{\"raw\":\"hello\"},\"metadata\":{\"lang\":\"en\","
                + "\"camera\":{\"make\":\"canon\"}}}}");
        post(app, "{\"id\":\"txt2\",\"data\":{\"text\":{\"raw\":\"a cat\"},\"concepts\":[{\"id\":\"cat\",\"value\":1}]},"
                + "\"dataset_ids\":[\"test\"]}");
        post(app, "{\"id\":\"vid1\",\"data\":{\"video\":{\"url\":\"https://example.com/1.mp4\"},\"metadata\":{"
                + "\"tags\":[\"b\",\"c\"],\"n\":1}}}");
        post(app, "{\"id\":\"aud1\",\"data\":{\"audio\":{\"url\":\"https://example.com/1.mp3\"},\"metadata\":{"
                + "\"n\":1.0,\"flag\":true,\"nothing\":null}}}");
        annotate(app, "{\"annotations\":["
                + "{\"id\":\"a-img1\",\"input_id\":\"img1\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"name\":\"Kitty\",\"value\":1}]}},"
                + "{\"id\":\"a-img2\",\"input_id\":\"img2\",\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1},"
                + "{\"id\":\"cat\",\"value\":0}]}},"
                + "{\"id\":\"a-txt1\",\"input_id\":\"txt1\",\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}},"
                + "{\"id\":\"a-vid1\",\"input_id\":\"vid1\",\"status\":{\"code\":24151},\"data\":{\"regions\":[{"
                + "\"region_info\":{\"bounding_box\":{\"top_row\":0.1,\"left_col\":0.1,\"bottom_row\":0.5,\"right_col\":0.5}},"
                + "\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}}]}");
        var byWorker = new Labeler(world.client(), "w1", world.token("w1"), app).annotate("{\"annotations\":["
                + "{\"id\":\"a-aud1\",\"input_id\":\"aud1\",\"data\":{\"concepts\":[{\"id\":\"dog\",\"value\":1}]}}]}");
        assertThat(byWorker.code()).as(byWorker.body()).isEqualTo(10000);

        other = world.newBareApp("searchother");
        other.postConcepts("cat", "dog");
        other.postDatasets("train");
        post(other, "{\"id\":\"aud1\",\"data\":{\"image\":{\"url\":\"https://example.com/o.jpg\"},\"metadata\":{"
                + "\"kind\":\"cat-photo\",\"lang\":\"en\"}},\"dataset_ids\":[\"train\"]}");
        post(other, "{\"id\":\"other1\",\"data\":{\"text\":{\"raw\":\"x\"},\"metadata\":{\"kind\":\"cat-photo\"}}}");
        annotate(other, "{\"annotations\":[{\"input_id\":\"aud1\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}},"
                + "{\"input_id\":\"other1\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}");
    }

    static synchronized SearchWorld of(SqlDialect dialect) {
        return WORLDS.computeIfAbsent(dialect, SearchWorld::new);
    }

    static void post(DataFixtures app, String inputJson) {
        var reply = app.call("POST", "/v2/inputs", "{\"inputs\":[" + inputJson + "]}", MultiInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    static void annotate(DataFixtures app, String json) {
        var reply = app.call("POST", "/v2/annotations", json, MultiAnnotationResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    static void addToDataset(DataFixtures app, String datasetId, String... inputIds) {
        StringBuilder members = new StringBuilder();
        for (String id : inputIds) {
            members.append(members.length() == 0 ? "" : ",").append("{\"input\":{\"id\":\"").append(id).append("\"}}");
        }
        var reply = app.call("POST", "/v2/datasets/" + datasetId + "/inputs", "{\"dataset_inputs\":[" + members + "]}",
                MultiDatasetInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    /** POSTs the body to the path with the app's key, as a MultiSearchResponse. */
    static ApiClient.Reply<MultiSearchResponse> search(DataFixtures app, String path, String body) {
        return app.call("POST", path, body, MultiSearchResponse.getDefaultInstance());
    }

    /** The input ids of the hits. */
    static List<String> inputIds(MultiSearchResponse response) {
        return response.getHitsList().stream().map(h -> h.getInput().getId()).toList();
    }

    static List<String> annotationIds(MultiSearchResponse response) {
        return response.getHitsList().stream().map(Hit::getAnnotation).map(a -> a.getId()).toList();
    }
}
