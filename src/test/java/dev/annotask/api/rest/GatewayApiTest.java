package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.annotask.proto.api.MultiAppResponse;
import dev.annotask.proto.api.MultiCollaboratorsResponse;
import dev.annotask.proto.api.MultiStatusCodeResponse;
import dev.annotask.proto.api.PatchAnnotationsStatusResponse;
import dev.annotask.proto.api.SingleAppResponse;
import dev.annotask.proto.api.SingleStatusCodeResponse;
import dev.annotask.proto.api.SingleUserResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST gateway end to end: routing failures, transcoding rules and the operator endpoints. */
class GatewayApiTest {
    private static final String ADMIN = RunningServer.ADMIN_TOKEN;

    private static RunningServer server;
    private static int tests;

    private ApiClient api;
    private Fixtures fixtures;
    /** This test's users: every test of the class works on one server, so each has people of its own. */
    private String aliceId;
    private String bobId;
    private String carolId;

    @BeforeAll
    static void startServer() {
        server = RunningServer.start(SqlDialect.SQLITE);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void newPeople() {
        api = server.client();
        fixtures = new Fixtures(api);
        int test = ++tests;
        aliceId = "alice" + test;
        bobId = "bob" + test;
        carolId = "carol" + test;
    }

    /** Sends the request and checks what every reply has: a status with a fresh 32-hex request id. */
    private <T extends Message> ApiClient.Reply<T> send(String verb, String path, String token, String json, T type) {
        ApiClient.Reply<T> reply = api.send(verb, path, token, json, type);
        assertThat(reply.status().getReqId()).as(reply.body()).matches("[0-9a-f]{32}");
        return reply;
    }

    private List<String> collaboratorsOf(String token, String appId) {
        return send("GET", "/v2/users/me/apps/" + appId + "/collaborators", token, null,
                MultiCollaboratorsResponse.getDefaultInstance()).message().getCollaboratorsList().stream()
                .map(c -> c.getUser().getId()).toList();
    }

    @Test
    void unknownPathAnswersDoesNotExistWithAJsonBody() {
        var reply = send("GET", "/v2/no/such/endpoint", ADMIN, null, BaseResponse.getDefaultInstance());

        assertThat(reply.httpStatus()).isEqualTo(404);
        assertThat(reply.code()).isEqualTo(11101);
        assertThat(reply.status().getDetails()).contains("/v2/no/such/endpoint");
        assertThat(api.raw("/v2/no/such/endpoint").headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    }

    @Test
    void wrongVerbOnAKnownPathAnswersMethodNotAllowedInThatRpcsResponseType() {
        var user = send("PUT", "/v2/users/admin", ADMIN, null, SingleUserResponse.getDefaultInstance());
        assertThat(user.httpStatus()).isEqualTo(405);
        assertThat(user.code()).isEqualTo(11103);
        assertThat(user.status().getDetails()).contains("PUT");

        var apps = send("PATCH", "/v2/users/me/apps", ADMIN, "{}", MultiAppResponse.getDefaultInstance());
        assertThat(apps.code()).isEqualTo(11103);
        assertThat(apps.body()).contains("\"apps\":[]");
    }

    @Test
    void malformedRequestsAnswerBadRequestWithTheAlwaysEmittedList() {
        String alice = fixtures.createUserWithToken(aliceId);

        var body = send("POST", "/v2/users/me/apps", alice, "{not json", MultiAppResponse.getDefaultInstance());
        assertThat(body.httpStatus()).isEqualTo(400);
        assertThat(body.code()).isEqualTo(11100);
        assertThat(body.body()).contains("\"apps\":[]");

        var query = send("GET", "/v2/users/me/apps?per_page=many", alice, null, MultiAppResponse.getDefaultInstance());
        assertThat(query.httpStatus()).isEqualTo(400);
        assertThat(query.code()).isEqualTo(11102);
        assertThat(query.status().getDetails()).contains("per_page");
        assertThat(query.body()).contains("\"apps\":[]");
    }

    @Test
    void javaClientBodyIsReadAsUtf8WithUnknownFieldsIgnored() {
        String alice = fixtures.createUserWithToken(aliceId);
        String json = "{\"flavor\":{\"x\":[1]},\"apps\":[{\"id\":\"cafe\",\"colour\":\"red\","
                + "\"description\":\"caf\u00e9 \u2615\"}]}";

        var created = api.send("POST", "/v2/users/me/apps", "Key " + alice, "application/json; charset=utf8", json,
                MultiAppResponse.getDefaultInstance());

        assertThat(created.code()).as(created.body()).isEqualTo(10000);
        assertThat(send("GET", "/v2/users/me/apps/cafe", alice, null, SingleAppResponse.getDefaultInstance())
                .message().getApp().getDescription()).isEqualTo("caf\u00e9 \u2615");
    }

    @Test
    void pathWinsOverUserAppIdRepeatedInBodyOrQuery() {
        String alice = fixtures.createUserWithToken(aliceId);
        fixtures.createUserWithToken(bobId);
        fixtures.createApp(alice, "pets");
        fixtures.createApp(alice, "other");

        var added = send("POST", "/v2/users/" + aliceId + "/apps/pets/collaborators", alice,
                "{\"user_app_id\":{\"user_id\":\"" + bobId + "\",\"app_id\":\"other\"},"
                        + "\"collaborators\":[{\"user\":{\"id\":\"" + bobId + "\"},\"scopes\":[\"All\"]}]}",
                MultiCollaboratorsResponse.getDefaultInstance());
        assertThat(added.code()).as(added.body()).isEqualTo(10000);
        assertThat(collaboratorsOf(alice, "pets")).containsExactly(bobId);
        assertThat(collaboratorsOf(alice, "other")).isEmpty();

        var app = send("GET", "/v2/users/" + aliceId + "/apps/pets?user_app_id.app_id=other&user_app_id.user_id="
                + bobId, alice, null, SingleAppResponse.getDefaultInstance());
        assertThat(app.code()).isEqualTo(10000);
        assertThat(app.message().getApp().getId()).isEqualTo("pets");
        assertThat(app.message().getApp().getUserId()).isEqualTo(aliceId);
    }

    @Test
    void meInThePathIsTheCallerAndTheShortPathTakesTheAppFromTheAppKey() {
        String alice = fixtures.createUserWithToken(aliceId);
        fixtures.createApp(alice, "pets");
        String appKey = fixtures.createAppKey(alice, "pets", "[\"All\"]");

        assertThat(send("GET", "/v2/users/me", alice, null, SingleUserResponse.getDefaultInstance())
                .message().getUser().getId()).isEqualTo(aliceId);
        assertThat(send("GET", "/v2/users/me/apps/pets", alice, null, SingleAppResponse.getDefaultInstance())
                .message().getApp().getUserId()).isEqualTo(aliceId);
        var viaAppKey = send("GET", "/v2/app", appKey, null, SingleAppResponse.getDefaultInstance());
        assertThat(viaAppKey.code()).isEqualTo(10000);
        assertThat(viaAppKey.message().getApp().getId()).isEqualTo("pets");
    }

    @Test
    void deleteCarriesItsRequestInAJsonBody() {
        String alice = fixtures.createUserWithToken(aliceId);
        fixtures.createUserWithToken(bobId);
        fixtures.createUserWithToken(carolId);
        fixtures.createApp(alice, "pets");
        fixtures.addCollaborator(alice, aliceId, "pets", bobId, "[\"All\"]");
        fixtures.addCollaborator(alice, aliceId, "pets", carolId, "[\"All\"]");

        var reply = send("DELETE", "/v2/users/" + aliceId + "/apps/pets/collaborators", alice,
                "{\"collaborator_ids\":[\"" + bobId + "\"]}", BaseResponse.getDefaultInstance());

        assertThat(reply.code()).isEqualTo(10000);
        assertThat(collaboratorsOf(alice, "pets")).containsExactly(carolId);
    }

    @Test
    void statusCodesArePublicAndLookedUpByNumberOrName() {
        var list = send("GET", "/v2/status_codes", null, null, MultiStatusCodeResponse.getDefaultInstance());
        assertThat(list.httpStatus()).isEqualTo(200);
        assertThat(list.message().getStatusesList()).anySatisfy(s -> {
            assertThat(s.getCodeValue()).isEqualTo(11008);
            assertThat(s.getDescription()).isEqualTo("Invalid API key or Invalid API key/application pair");
        }).noneSatisfy(s -> assertThat(s.getCodeValue()).isZero());

        var single = SingleStatusCodeResponse.getDefaultInstance();
        var byNumber = send("GET", "/v2/status_codes/10000", null, null, single);
        assertThat(byNumber.code()).isEqualTo(10000);
        assertThat(byNumber.status().getDescription()).isEqualTo("Ok");
        assertThat(send("GET", "/v2/status_codes/CONN_KEY_INVALID", null, null, single).code()).isEqualTo(11008);
        var unknown = send("GET", "/v2/status_codes/NO_SUCH_CODE", null, null, single);
        assertThat(unknown.code()).isEqualTo(11101);
        assertThat(unknown.status().getDetails()).contains("NO_SUCH_CODE");
    }

    @Test
    void rpcInTheSchemaButNotServedAnswersNotImplementedToAnAuthorizedCaller() {
        String alice = fixtures.createUserWithToken(aliceId);
        fixtures.createApp(alice, "pets");
        PatchAnnotationsStatusResponse patched = PatchAnnotationsStatusResponse.getDefaultInstance();
        String path = "/v2/users/" + aliceId + "/apps/pets/task/t1/annotations/status";
        String body = "{\"action\":\"overwrite\",\"status_code\":\"ANNOTATION_SUCCESS\"}";

        var reply = send("PATCH", path, alice, body, patched);
        assertThat(reply.httpStatus()).isEqualTo(501);
        assertThat(reply.code()).isEqualTo(10040);
        assertThat(reply.body()).contains("\"req_id\"");

        var anonymous = send("PATCH", path, null, body, patched);
        assertThat(anonymous.code()).as("authorization comes first").isEqualTo(11102);
    }

    @Test
    void healthAndMetricsAreServed() {
        assertThat(api.raw("/healthz").statusCode()).isEqualTo(200);
        assertThat(api.raw("/livez").statusCode()).isEqualTo(200);
        assertThat(api.raw("/livez").body()).isEqualTo("{\"status\":\"ok\"}");
        send("GET", "/v2/users/me", ADMIN, null, SingleUserResponse.getDefaultInstance());

        var metrics = api.raw("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body().lines()).anySatisfy(line -> assertThat(line)
                .startsWith("annotask_rpc_requests").contains("rpc=\"GetUser\"").contains("code=\"10000\""));
    }

    @Test
    void literalPathSegmentReachesItsOwnRpcThroughTheServer() {
        String alice = fixtures.createUserWithToken(aliceId);
        fixtures.createApp(alice, "pets");

        send("DELETE", "/v2/users/me/apps/pets/inputs/annotations", alice, "{\"input_ids\":[\"i1\"]}",
                BaseResponse.getDefaultInstance());

        List<String> reached = Pattern.compile("annotask_rpc_requests\\S*\\{[^}]*rpc=\"(\\w+)\"")
                .matcher(api.raw("/metrics").body()).results().map(m -> m.group(1)).distinct().toList();
        assertThat(reached).as("RPCs counted in /metrics").contains("DeleteAnnotations").doesNotContain("DeleteInput");
    }
}
