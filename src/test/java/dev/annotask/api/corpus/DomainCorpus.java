package dev.annotask.api.corpus;

import static dev.annotask.api.corpus.CorpusCase.Expect.anything;
import static dev.annotask.api.corpus.CorpusCase.Expect.failure;

import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.annotask.api.HttpBindings;
import dev.annotask.api.RpcMethod;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.corpus.CorpusCase.Expect;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the corpus that needs to know what a field means: coordinates, concept values and
 * times that are NaN, infinite, negative or past 1 in every place a region can be (top level,
 * frames, time segments), degenerate polygons, repeated concepts, input URLs that are not web
 * URLs, LIKE metacharacters in the concept filter, and PatchCollaborators items that name
 * nobody, the owner, unknown scopes or an action other than {@code overwrite}. Each is sent
 * over REST and, made from the same JSON, over gRPC, against the main app (input {@code in1},
 * concept {@code cat}, annotation {@code a1}; no collaborators).
 */
final class DomainCorpus {
    private static final List<String> BAD_UNIT = List.of("\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "-0.5", "1.5",
            "1e30", "-0.001");
    private static final List<String> BAD_URLS = List.of("file:///etc/passwd", "javascript:alert(1)",
            "data:image/png;base64,AAAA", "ftp://127.0.0.1/a.jpg", "http://", "https:///a.jpg", "//127.0.0.1/a.jpg",
            "not a url", "http://exa mple.com/a.jpg", "gopher://127.0.0.1/");

    private final RpcRegistry registry;
    private final Corpus.Target target;
    private final List<CorpusCase> cases = new ArrayList<>();

    private DomainCorpus(RpcRegistry registry, Corpus.Target target) {
        this.registry = registry;
        this.target = target;
    }

    static List<CorpusCase> of(RpcRegistry registry, Corpus.Target target) {
        DomainCorpus corpus = new DomainCorpus(registry, target);
        corpus.annotations();
        corpus.inputUrls();
        corpus.conceptFilter();
        corpus.collaboratorPatches();
        return corpus.cases;
    }

    private void annotations() {
        String[] box = {"0.1", "0.1", "0.5", "0.5"};
        String[] names = {"top_row", "left_col", "bottom_row", "right_col"};
        for (int c = 0; c < 4; c++) {
            for (String bad : BAD_UNIT) {
                String[] coordinates = box.clone();
                coordinates[c] = bad;
                String region = region(boxJson(names, coordinates));
                annotation("box " + names[c] + " = " + bad, "{\"regions\":[" + region + "]}");
            }
        }
        for (int i = 0; i < BAD_UNIT.size(); i++) {
            String bad = BAD_UNIT.get(i);
            String inFrame = region(boxJson(names, new String[] {bad, "0.1", "0.5", "0.5"}));
            annotation("box in a frame, top_row = " + bad, "{\"frames\":[{\"data\":{\"regions\":[" + inFrame + "]}}]}");
            String polygon = region(polygonJson("{\"row\":" + bad + ",\"col\":0.1}", "{\"row\":0.5,\"col\":0.1}",
                    "{\"row\":0.5,\"col\":0.5}"));
            annotation("polygon row = " + bad, "{\"regions\":[" + polygon + "]}");
            annotation("polygon in a time segment, row = " + bad, "{\"time_segments\":[{\"time_info\":{\"begin_time\":0,"
                    + "\"end_time\":1},\"data\":{\"regions\":[" + polygon + "]}}]}");
            annotation("concept value = " + bad, "{\"concepts\":[{\"id\":\"cat\",\"value\":" + bad + "}]}");
            annotation("time segment begin_time = " + bad, "{\"time_segments\":[{\"time_info\":{\"begin_time\":"
                    + (bad.equals("1.5") ? "3" : bad) + ",\"end_time\":2},\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}");
            patch("overwrite with a box, left_col = " + bad, "{\"regions\":[" + region(boxJson(names,
                    new String[] {"0.1", bad, "0.5", "0.5"})) + "]}");
        }
        String p1 = "{\"row\":0.1,\"col\":0.1}";
        String p2 = "{\"row\":0.2,\"col\":0.2}";
        annotation("polygon of two points", "{\"regions\":[" + region(polygonJson(p1, p2)) + "]}");
        annotation("polygon of one point three times", "{\"regions\":[" + region(polygonJson(p1, p1, p1)) + "]}");
        annotation("polygon on a line", "{\"regions\":[" + region(polygonJson(p1, p2, "{\"row\":0.3,\"col\":0.3}")) + "]}");
        annotation("polygon with no points", "{\"regions\":[" + region(polygonJson()) + "]}");
        annotation("concept twice", "{\"concepts\":[{\"id\":\"cat\",\"value\":1},{\"id\":\"cat\",\"value\":0}]}");
        annotation("two frames", "{\"frames\":[{\"data\":{}},{\"data\":{}}]}");
        annotation("a region without region_info", "{\"regions\":[{\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}");
        patch("merge adding the same concept again", "{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}", "merge");
    }

    private static String boxJson(String[] names, String[] values) {
        StringBuilder json = new StringBuilder("{\"bounding_box\":{");
        for (int i = 0; i < names.length; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(names[i]).append("\":").append(values[i]);
        }
        return json.append("}}").toString();
    }

    private static String polygonJson(String... points) {
        return "{\"polygon\":{\"points\":[" + String.join(",", points) + "]}}";
    }

    private static String region(String regionInfo) {
        return "{\"region_info\":" + regionInfo + ",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}";
    }

    private void annotation(String what, String data) {
        both("PostAnnotations", what, failure(24), "{\"annotations\":[{\"input_id\":\"in1\",\"data\":" + data + "}]}");
    }

    private void patch(String what, String data) {
        patch(what, data, "overwrite");
    }

    private void patch(String what, String data, String action) {
        both("PatchAnnotations", what, failure(24), "{\"action\":\"" + action + "\",\"annotations\":[{\"id\":\"a1\","
                + "\"input_id\":\"in1\",\"data\":" + data + "}]}");
    }

    private void inputUrls() {
        for (String kind : List.of("image", "video", "audio", "text")) {
            for (String url : BAD_URLS) {
                both("PostInputs", kind + ".url = " + url, failure(30), "{\"inputs\":[{\"id\":\"u1\",\"data\":{\"" + kind
                        + "\":{\"url\":\"" + url + "\"}}}]}");
            }
        }
    }

    private void conceptFilter() {
        RpcMethod list = method("ListConcepts");
        for (String text : HostileValues.TEXT) {
            cases.add(new CorpusCase(list.name(), "id filter " + RestCorpus.abbreviate(text), anything(),
                    new CorpusCase.Rest("GET", "/v2/users/" + target.ownerId() + "/apps/" + target.appId()
                            + "/concepts?id=" + RestCorpus.encode(text), null, target.tokenFor(list)), null));
        }
    }

    private void collaboratorPatches() {
        String item = "{\"user\":{\"id\":\"%s\"},\"scopes\":[\"Apps:Get\"]}";
        for (String action : List.of("merge", "remove", "", "Overwrite", "overwrite ", "\u0000")) {
            collaborators("action '" + action + "'", action, String.format(item, "somebody"));
        }
        for (String text : HostileValues.TEXT) {
            collaborators("user.id " + RestCorpus.abbreviate(text), "overwrite",
                    "{\"user\":{\"id\":" + new JsonPrimitive(text) + "},\"scopes\":[\"All\"]}");
        }
        collaborators("no such user", "overwrite", String.format(item, "ghost"));
        collaborators("the owner", "overwrite", String.format(item, target.ownerId()));
        collaborators("no collaborator id", "overwrite", "{\"id\":\"ghost\",\"scopes\":[\"All\"]}");
        collaborators("nobody named", "overwrite", "{\"scopes\":[\"All\"]}");
        collaborators("no scopes", "overwrite", "{\"user\":{\"id\":\"" + target.ownerId() + "\"}}");
        collaborators("an unknown scope", "overwrite", "{\"user\":{\"id\":\"ghost\"},\"scopes\":[\"Tasks:Fly\"]}");
    }

    private void collaborators(String what, String action, String item) {
        both("PatchCollaborators", what, failure(11), "{\"action\":" + new JsonPrimitive(action)
                + ",\"collaborators\":[" + item + "]}");
    }

    /** The JSON as a REST body to the RPC's primary path in the main app, and as the same message over gRPC. */
    private void both(String rpc, String what, Expect expect, String json) {
        RpcMethod method = method(rpc);
        String path = HttpBindings.pathOf(method.http()).replace("{user_app_id.user_id}", target.ownerId())
                .replace("{user_app_id.app_id}", target.appId());
        cases.add(new CorpusCase(rpc, what, expect, new CorpusCase.Rest(HttpBindings.verbOf(method.http()), path, json,
                target.tokenFor(method)), null));
        Message.Builder request = method.requestPrototype().newBuilderForType();
        try {
            JsonFormat.parser().merge("{\"user_app_id\":{\"user_id\":\"" + target.ownerId() + "\",\"app_id\":\""
                    + target.appId() + "\"}," + json.substring(1), request);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corpus JSON for " + rpc + " does not parse: " + json, e);
        }
        cases.add(new CorpusCase(rpc, what, expect, null, new CorpusCase.Grpc(method.fullName(),
                method.responsePrototype(), request.build(), null, target.tokenFor(method))));
    }

    private RpcMethod method(String name) {
        return registry.methods().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }
}
