package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.admin.MultiUserResponse;
import dev.annotask.proto.api.MultiAppResponse;
import dev.annotask.proto.api.MultiCollaboratorsResponse;
import dev.annotask.proto.api.MultiCollaborationsResponse;
import dev.annotask.proto.api.MultiKeyResponse;
import dev.annotask.proto.api.MultiScopeResponse;
import dev.annotask.proto.api.SingleAppResponse;
import dev.annotask.proto.api.SingleKeyResponse;
import dev.annotask.proto.api.SingleUserResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Users, apps, keys and collaborators through the REST API, on SQLite and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class IdentityApiTest {
    private static final String ADMIN = RunningServer.ADMIN_TOKEN;

    @Parameter
    SqlDialect dialect;

    private static RunningServer server;
    private static int tests;

    private ApiClient api;
    private Fixtures fixtures;
    /** This test's users: every test of the class works on one server, so each has people of its own. */
    private String aliceId;
    private String bobId;
    private String carolId;

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        server = RunningServer.start(dialect);
    }

    @AfterParameterizedClassInvocation
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

    /** A path under alice's user: {@code /v2/users/{alice}} and the rest. */
    private String ofAlice(String rest) {
        return "/v2/users/" + aliceId + rest;
    }

    @Test
    void bootstrapAdminReadsItself() {
        var reply = api.send("GET", "/v2/users/admin", ADMIN, null, SingleUserResponse.getDefaultInstance());
        assertThat(reply.httpStatus()).isEqualTo(200);
        assertThat(reply.code()).isEqualTo(10000);
        assertThat(reply.message().getUser().getId()).isEqualTo("admin");
        assertThat(reply.status().getReqId()).matches("[0-9a-f]{32}");
        assertThat(api.send("GET", "/v2/users/me", ADMIN, null, SingleUserResponse.getDefaultInstance())
                .message().getUser().getId()).isEqualTo("admin");
    }

    @Test
    void onlyTheAdminCreatesUsersAndTakenIdsWriteNothing() {
        String alice = fixtures.createUserWithToken(aliceId);
        var denied = api.send("POST", "/v2/users", alice, "{\"users\":[{\"id\":\"mallory\"}]}",
                MultiUserResponse.getDefaultInstance());
        assertThat(denied.code()).isEqualTo(11007);
        assertThat(denied.httpStatus()).isEqualTo(403);

        var duplicate = api.send("POST", "/v2/users", ADMIN,
                "{\"users\":[{\"id\":\"" + carolId + "\"},{\"id\":\"" + aliceId + "\"}]}",
                MultiUserResponse.getDefaultInstance());
        assertThat(duplicate.code()).isEqualTo(40010);
        assertThat(duplicate.httpStatus()).isEqualTo(409);
        assertThat(duplicate.body()).contains("\"users\":[]");
        var carol = api.send("GET", "/v2/users/" + carolId, ADMIN, null, SingleUserResponse.getDefaultInstance());
        assertThat(carol.code()).as("carol must not have been created").isEqualTo(11101);
    }

    @Test
    void ownerCreatesAppKeyAndCollaboratorWhoReadsTheAppWithOwnToken() {
        String alice = fixtures.createUserWithToken(aliceId);
        String bob = fixtures.createUserWithToken(bobId);
        fixtures.createApp(alice, "pets");
        String appKey = fixtures.createAppKey(alice, "pets", "[\"All\"]");

        var viaAppKey = api.send("GET", "/v2/app", appKey, null, SingleAppResponse.getDefaultInstance());
        assertThat(viaAppKey.code()).isEqualTo(10000);
        assertThat(viaAppKey.message().getApp().getId()).isEqualTo("pets");
        assertThat(viaAppKey.message().getApp().getUserId()).isEqualTo(aliceId);

        var beforeInvite = api.send("GET", ofAlice("/apps/pets"), bob, null, SingleAppResponse.getDefaultInstance());
        assertThat(beforeInvite.code()).isEqualTo(11008);
        assertThat(beforeInvite.httpStatus()).isEqualTo(401);

        fixtures.addCollaborator(alice, aliceId, "pets", bobId, "[\"Apps:Get\",\"Workflows:Get\",\"Tasks:Get\"]");
        var asCollaborator = api.send("GET", ofAlice("/apps/pets"), bob, null, SingleAppResponse.getDefaultInstance());
        assertThat(asCollaborator.code()).isEqualTo(10000);
        assertThat(asCollaborator.message().getApp().getId()).isEqualTo("pets");

        var scopes = api.send("GET", ofAlice("/apps/pets/myscopes"), bob, null,
                MultiScopeResponse.getDefaultInstance());
        assertThat(scopes.message().getScopesList()).containsExactly("Apps:Get", "Tasks:Get", "Workflows:Get");

        var collaborations = api.send("GET", "/v2/users/me/collaborations", bob, null,
                MultiCollaborationsResponse.getDefaultInstance());
        assertThat(collaborations.message().getCollaborationsList()).singleElement()
                .satisfies(c -> assertThat(c.getApp().getId()).isEqualTo("pets"));
    }

    @Test
    void collaboratorScopesLimitWhatTheyMayCall() {
        String alice = fixtures.createUserWithToken(aliceId);
        String bob = fixtures.createUserWithToken(bobId);
        fixtures.createApp(alice, "pets");
        fixtures.addCollaborator(alice, aliceId, "pets", bobId, "[\"Apps:Get\"]");

        var reply = api.send("GET", ofAlice("/apps/pets"), bob, null, SingleAppResponse.getDefaultInstance());
        assertThat(reply.code()).isEqualTo(11007);
        assertThat(reply.httpStatus()).isEqualTo(403);
        assertThat(reply.status().getDetails()).contains("Workflows:Get");

        var delete = api.send("DELETE", ofAlice("/apps/pets"), bob, null, BaseResponse.getDefaultInstance());
        assertThat(delete.code()).as("a collaborator's token is not the owner's").isIn(11007, 11008);
        assertThat(api.send("GET", ofAlice("/apps/pets"), alice, null, SingleAppResponse.getDefaultInstance())
                .code()).isEqualTo(10000);
    }

    @Test
    void removedCollaboratorLosesAccessAndCanBeInvitedAgain() {
        String alice = fixtures.createUserWithToken(aliceId);
        String bob = fixtures.createUserWithToken(bobId);
        fixtures.createApp(alice, "pets");
        fixtures.addCollaborator(alice, aliceId, "pets", bobId, "[\"All\"]");

        var removed = api.send("DELETE", ofAlice("/apps/pets/collaborators"), alice,
                "{\"collaborator_ids\":[\"" + bobId + "\"]}", BaseResponse.getDefaultInstance());
        assertThat(removed.code()).isEqualTo(10000);
        assertThat(api.send("GET", ofAlice("/apps/pets"), bob, null, SingleAppResponse.getDefaultInstance())
                .code()).isEqualTo(11008);

        var all = api.send("GET", ofAlice("/apps/pets/collaborators?list_all_collaborators=true"), alice, null,
                MultiCollaboratorsResponse.getDefaultInstance());
        assertThat(all.message().getCollaboratorsList()).singleElement()
                .satisfies(c -> assertThat(c.hasDeletedAt()).isTrue());
        assertThat(all.message().getAppOwner().getId()).isEqualTo(aliceId);

        fixtures.addCollaborator(alice, aliceId, "pets", bobId, "[\"All\"]");
        assertThat(api.send("GET", ofAlice("/apps/pets"), bob, null, SingleAppResponse.getDefaultInstance())
                .code()).isEqualTo(10000);
    }

    @Test
    void eachAuthFailureHasItsOwnStatus() {
        String alice = fixtures.createUserWithToken(aliceId);
        fixtures.createApp(alice, "pets");
        fixtures.createApp(alice, "other");
        String appKey = fixtures.createAppKey(alice, "pets", "[\"All\"]");
        SingleAppResponse app = SingleAppResponse.getDefaultInstance();

        var missing = api.send("GET", ofAlice("/apps/pets"), null, null, app);
        assertThat(missing.code()).isEqualTo(11102);
        assertThat(missing.httpStatus()).isEqualTo(400);
        assertThat(missing.status().getDetails()).isEqualTo(
                "Empty or malformed authorization header. Please provide an API key or session token.");

        var lowerCase = api.send("GET", ofAlice("/apps/pets"), "key " + alice, "application/json", null, app);
        assertThat(lowerCase.code()).as(lowerCase.body()).isEqualTo(11102);
        var bearer = api.send("GET", ofAlice("/apps/pets"), "Bearer " + alice, "application/json", null, app);
        assertThat(bearer.code()).isEqualTo(11102);

        var unknown = api.send("GET", ofAlice("/apps/pets"), "0123456789abcdef0123456789abcdef", null, app);
        assertThat(unknown.code()).isEqualTo(11008);
        assertThat(unknown.httpStatus()).isEqualTo(401);
        assertThat(unknown.status().getDescription()).isEqualTo("Invalid API key or Invalid API key/application pair");

        var tokenWithoutApp = api.send("GET", "/v2/app", alice, null, app);
        assertThat(tokenWithoutApp.code()).isEqualTo(11008);
        assertThat(tokenWithoutApp.status().getDetails()).isEqualTo("Must provide app external ID in API authorizer");

        var appKeyOnOtherApp = api.send("GET", ofAlice("/apps/other"), appKey, null, app);
        assertThat(appKeyOnOtherApp.code()).isEqualTo(11008);
        assertThat(appKeyOnOtherApp.httpStatus()).isEqualTo(401);

        var appKeyOnPatOnly = api.send("GET", "/v2/users/me/apps", appKey, null, MultiAppResponse.getDefaultInstance());
        assertThat(appKeyOnPatOnly.code()).isEqualTo(11200);
        assertThat(appKeyOnPatOnly.httpStatus()).isEqualTo(403);
        assertThat(appKeyOnPatOnly.body()).contains("\"apps\":[]");
    }

    @Test
    void appKeyScopesAreEnforced() {
        String alice = fixtures.createUserWithToken(aliceId);
        fixtures.createApp(alice, "pets");
        String readOnly = fixtures.createAppKey(alice, "pets", "[\"Apps:Get\"]");
        var reply = api.send("GET", "/v2/app", readOnly, null, SingleAppResponse.getDefaultInstance());
        assertThat(reply.code()).isEqualTo(11007);
        assertThat(reply.status().getDetails()).isEqualTo("Missing scopes: Workflows:Get");

        var escalation = api.send("POST", "/v2/users/me/keys", alice, "{\"keys\":[{\"scopes\":[\"Tasks:Fly\"],"
                + "\"type\":\"personal_access_token\"}]}", MultiKeyResponse.getDefaultInstance());
        assertThat(escalation.code()).isEqualTo(11102);
        assertThat(escalation.status().getDetails()).contains("unknown scope 'Tasks:Fly'");
    }

    @Test
    void secretsAreShownOnceAndStoredHashed() {
        String alice = fixtures.createUserWithToken(aliceId);
        fixtures.createApp(alice, "pets");
        String appKey = fixtures.createAppKey(alice, "pets", "[\"All\"]");

        var listed = api.send("GET", "/v2/users/me/keys", alice, null, MultiKeyResponse.getDefaultInstance());
        assertThat(listed.message().getKeysList()).hasSize(2);
        assertThat(listed.body()).doesNotContain(alice).doesNotContain(appKey);

        String stored = server.server().database().jdbi().withHandle(handle ->
                handle.createQuery("SELECT token_hash || fingerprint || description AS row_text FROM api_keys"
).mapTo(String.class).list().toString());
        KeyHasher hasher = KeyHasher.forDatabase(server.server().database().jdbi());
        assertThat(stored).doesNotContain(alice).doesNotContain(appKey).contains(hasher.hash(appKey))
                .as("not the bare SHA-256").doesNotContain(KeyHasher.legacyHash(appKey));

        String fingerprint = listed.message().getKeysList().stream().filter(key -> key.getAppsCount() == 1)
                .findFirst().orElseThrow().getId();
        assertThat(fingerprint).matches("[0-9a-f]{16}");
        assertThat(KeyHasher.legacyHash(appKey)).as("the listed id tells nothing about the secret")
                .doesNotStartWith(fingerprint);
        assertThat(hasher.hash(appKey)).doesNotStartWith(fingerprint);
        var byFingerprint = api.send("GET", "/v2/users/me/keys/" + fingerprint, alice, null,
                SingleKeyResponse.getDefaultInstance());
        assertThat(byFingerprint.message().getKey().getAppsList()).singleElement()
                .satisfies(a -> assertThat(a.getId()).isEqualTo("pets"));

        var deleted = api.send("DELETE", "/v2/users/me/keys/" + appKey, alice, null, BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).isEqualTo(10000);
        assertThat(api.send("GET", "/v2/app", appKey, null, SingleAppResponse.getDefaultInstance()).code())
                .isEqualTo(11008);
    }

    @Test
    void usersCannotReachOtherUsersKeysOrProfiles() {
        String alice = fixtures.createUserWithToken(aliceId);
        String bob = fixtures.createUserWithToken(bobId);
        assertThat(api.send("GET", ofAlice("/keys"), bob, null, MultiKeyResponse.getDefaultInstance()).code())
                .isEqualTo(11008);
        assertThat(api.send("POST", ofAlice("/keys"), bob,
                "{\"keys\":[{\"scopes\":[\"All\"],\"type\":\"personal_access_token\"}]}",
                MultiKeyResponse.getDefaultInstance()).code()).isEqualTo(11008);
        assertThat(api.send("GET", ofAlice(""), bob, null, SingleUserResponse.getDefaultInstance()).code())
                .isEqualTo(11101);
        String aliceFingerprint = api.send("GET", "/v2/users/me/keys", alice, null, MultiKeyResponse.getDefaultInstance())
                .message().getKeys(0).getId();
        assertThat(api.send("DELETE", ofAlice("/keys/") + aliceFingerprint, bob,
                null, BaseResponse.getDefaultInstance()).code()).isEqualTo(11008);
        assertThat(api.send("GET", "/v2/users/me", alice, null, SingleUserResponse.getDefaultInstance()).code())
                .as("alice's token still works").isEqualTo(10000);
    }

    @Test
    void deletingAnAppRemovesItsKeysAndCollaborators() {
        String alice = fixtures.createUserWithToken(aliceId);
        String bob = fixtures.createUserWithToken(bobId);
        fixtures.createApp(alice, "pets");
        String appKey = fixtures.createAppKey(alice, "pets", "[\"All\"]");
        fixtures.addCollaborator(alice, aliceId, "pets", bobId, "[\"All\"]");

        var deleted = api.send("DELETE", "/v2/users/me/apps/pets", alice, null, BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).isEqualTo(10000);
        assertThat(api.send("GET", "/v2/app", appKey, null, SingleAppResponse.getDefaultInstance()).code())
                .isEqualTo(11008);
        assertThat(api.send("GET", ofAlice("/apps/pets"), bob, null, SingleAppResponse.getDefaultInstance())
                .code()).isEqualTo(11008);
        assertThat(api.send("GET", "/v2/users/me/apps/pets", alice, null, SingleAppResponse.getDefaultInstance())
                .code()).isEqualTo(11101);
    }

    @Test
    void dataAndKeysSurviveARestart() {
        String alice = fixtures.createUserWithToken(aliceId);
        fixtures.createApp(alice, "pets");
        String appKey = fixtures.createAppKey(alice, "pets", "[\"All\"]");

        server.restart();
        api = server.client();

        assertThat(api.send("GET", "/v2/app", appKey, null, SingleAppResponse.getDefaultInstance())
                .message().getApp().getId()).isEqualTo("pets");
        assertThat(api.send("GET", "/v2/users/me/apps", alice, null, MultiAppResponse.getDefaultInstance())
                .message().getAppsList()).extracting(a -> a.getId()).containsExactly("pets");
        assertThat(api.send("GET", "/v2/users/me", ADMIN, null, SingleUserResponse.getDefaultInstance()).code())
                .as("the admin is not bootstrapped twice, and its token still works").isEqualTo(10000);
    }

    @Test
    void listAppsPagesPastTheEndToAnEmptyList() {
        String alice = fixtures.createUserWithToken(aliceId);
        for (String app : new String[] {"a1", "a2", "a3"}) {
            fixtures.createApp(alice, app);
        }
        var second = api.send("GET", "/v2/users/me/apps?page=2&per_page=2", alice, null,
                MultiAppResponse.getDefaultInstance());
        assertThat(second.message().getAppsList()).extracting(a -> a.getId()).containsExactly("a3");
        var past = api.send("GET", "/v2/users/me/apps?page=9&per_page=2", alice, null,
                MultiAppResponse.getDefaultInstance());
        assertThat(past.code()).isEqualTo(10000);
        assertThat(past.body()).contains("\"apps\":[]");
    }
}
