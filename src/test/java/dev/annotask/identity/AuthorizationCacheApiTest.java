package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import dev.annotask.proto.api.GetAppRequest;
import dev.annotask.proto.api.MultiConceptResponse;
import dev.annotask.proto.api.MultiKeyResponse;
import dev.annotask.proto.api.MultiScopeResponse;
import dev.annotask.proto.api.SingleAppResponse;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.MutableClock;
import dev.annotask.testing.RunningServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Authorization is cached (docs/SECURITY.md, "The authorization cache"), and still every change
 * that takes access away holds on the node that made it from the next call: a deleted key, a
 * removed collaborator, a deleted app, narrower scopes, an expiry. Each test first uses the
 * credential twice, so that the answer about to change is in the cache. Access that is granted
 * (a new collaborator) also works at once: refusals are never cached. One server per database.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class AuthorizationCacheApiTest {
    private static final int KEY_INVALID = 11008;
    private static final int INSUFFICIENT_SCOPES = 11007;
    private static final int NOT_FOUND = 11101;

    private static final MutableClock CLOCK = new MutableClock();
    private static RunningServer server;
    private static int people;

    @Parameter
    SqlDialect dialect;

    private ApiClient api;
    private Fixtures fixtures;
    private String owner;
    private String ownerToken;
    private String app;

    @BeforeParameterizedClassInvocation
    static void startServer(SqlDialect dialect) {
        server = RunningServer.start(dialect, CLOCK);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void ownerWithApp() {
        api = server.client();
        fixtures = new Fixtures(api);
        owner = fresh("owner");
        ownerToken = fixtures.createUserWithToken(owner);
        app = "app";
        fixtures.createApp(ownerToken, app);
    }

    private static String fresh(String prefix) {
        return prefix + (++people);
    }

    private String appPath() {
        return "/v2/users/" + owner + "/apps/" + app;
    }

    private int getApp(String token) {
        return api.send("GET", appPath(), token, null, SingleAppResponse.getDefaultInstance()).code();
    }

    /** Calls twice, so the second answer comes from the cache; returns the code of both. */
    private int getAppTwice(String token) {
        int first = getApp(token);
        assertThat(getApp(token)).isEqualTo(first);
        return first;
    }

    private int postConcept(String token) {
        return api.send("POST", appPath() + "/concepts", token, "{\"concepts\":[{\"id\":\"" + fresh("c") + "\"}]}",
                MultiConceptResponse.getDefaultInstance()).code();
    }

    /** A user and their token. */
    private record Person(String id, String token) {
    }

    private Person collaborator(String scopesJson) {
        String user = fresh("collaborator");
        Person person = new Person(user, fixtures.createUserWithToken(user));
        fixtures.addCollaborator(ownerToken, owner, app, user, scopesJson);
        return person;
    }

    private void removeCollaborator(Person collaborator) {
        var removed = api.send("DELETE", appPath() + "/collaborators", ownerToken,
                "{\"collaborator_ids\":[\"" + collaborator.id() + "\"]}", BaseResponse.getDefaultInstance());
        assertThat(removed.code()).as(removed.body()).isEqualTo(10000);
    }

    @Test
    void aDeletedKeyStopsWorkingOnTheNextCall() {
        String token = fixtures.createToken(owner);
        assertThat(getAppTwice(token)).isEqualTo(10000);
        assertThat(postConcept(token)).as("a call with a body: the key is checked before it is read").isEqualTo(10000);

        var deleted = api.send("DELETE", "/v2/users/me/keys/" + token, ownerToken, null,
                BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);

        assertThat(getApp(token)).isEqualTo(KEY_INVALID);
        assertThat(postConcept(token)).isEqualTo(KEY_INVALID);
        try (GrpcClient grpc = new GrpcClient(server.grpcPort())) {
            GetAppRequest request = GetAppRequest.newBuilder()
                    .setUserAppId(UserAppIDSet.newBuilder().setUserId(owner).setAppId(app)).build();
            assertThat(grpc.call("GetApp", request, SingleAppResponse.getDefaultInstance(), token)
                    .getStatus().getCodeValue()).as("over gRPC too").isEqualTo(KEY_INVALID);
            assertThat(grpc.call("GetApp", request, SingleAppResponse.getDefaultInstance(), ownerToken)
                    .getStatus().getCodeValue()).isEqualTo(10000);
        }
        assertThat(getApp(ownerToken)).as("the owner's other token is untouched").isEqualTo(10000);
    }

    @Test
    void aRemovedCollaboratorLosesAccessOnTheNextCall() {
        Person collaborator = collaborator("[\"All\"]");
        assertThat(getAppTwice(collaborator.token())).isEqualTo(10000);
        assertThat(postConcept(collaborator.token())).isEqualTo(10000);

        removeCollaborator(collaborator);

        assertThat(getApp(collaborator.token())).isEqualTo(KEY_INVALID);
        assertThat(postConcept(collaborator.token())).isEqualTo(KEY_INVALID);
    }

    @Test
    void aCollaboratorAddedGainsAccessOnTheNextCall() {
        String user = fresh("invitee");
        String token = fixtures.createUserWithToken(user);
        assertThat(getAppTwice(token)).as("not yet invited").isEqualTo(KEY_INVALID);

        fixtures.addCollaborator(ownerToken, owner, app, user, "[\"All\"]");

        assertThat(getApp(token)).as("refusals are not cached").isEqualTo(10000);
    }

    @Test
    void narrowerScopesHoldOnTheNextCall() {
        Person collaborator = collaborator("[\"All\"]");
        assertThat(postConcept(collaborator.token())).isEqualTo(10000);
        assertThat(postConcept(collaborator.token())).isEqualTo(10000);

        removeCollaborator(collaborator);
        fixtures.addCollaborator(ownerToken, owner, app, collaborator.id(), "[\"Apps:Get\",\"Concepts:Get\"]");

        assertThat(postConcept(collaborator.token())).as("Concepts:Add is no longer granted")
                .isEqualTo(INSUFFICIENT_SCOPES);
        var scopes = api.send("GET", appPath() + "/myscopes", collaborator.token(), null,
                MultiScopeResponse.getDefaultInstance());
        assertThat(scopes.message().getScopesList()).containsExactlyInAnyOrder("Apps:Get", "Concepts:Get");
    }

    @Test
    void aDeletedAppIsGoneForEveryKeyOnTheNextCall() {
        String appKey = fixtures.createAppKey(ownerToken, app, "[\"All\"]");
        String collaborator = collaborator("[\"All\"]").token();
        assertThat(getAppTwice(ownerToken)).isEqualTo(10000);
        assertThat(getAppTwice(collaborator)).isEqualTo(10000);
        assertThat(api.send("GET", "/v2/app", appKey, null, SingleAppResponse.getDefaultInstance()).code())
                .isEqualTo(10000);

        var deleted = api.send("DELETE", appPath(), ownerToken, null, BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);

        assertThat(getApp(ownerToken)).isEqualTo(NOT_FOUND);
        assertThat(getApp(collaborator)).isEqualTo(KEY_INVALID);
        assertThat(api.send("GET", "/v2/app", appKey, null, SingleAppResponse.getDefaultInstance()).code())
                .as("its app key went with it").isEqualTo(KEY_INVALID);

        fixtures.createApp(ownerToken, app);
        assertThat(getApp(ownerToken)).as("a new app of the same id").isEqualTo(10000);
        assertThat(getApp(collaborator)).as("in which nobody collaborates yet").isEqualTo(KEY_INVALID);
    }

    @Test
    void aCachedKeyStillExpiresOnTime() {
        long expiresAt = CLOCK.millis() + Duration.ofHours(1).toMillis();
        var created = api.send("POST", "/v2/users/me/keys", ownerToken,
                "{\"keys\":[{\"scopes\":[\"All\"],\"type\":\"personal_access_token\",\"expires_at\":\""
                        + Timestamps.toString(Timestamps.fromMillis(expiresAt)) + "\"}]}",
                MultiKeyResponse.getDefaultInstance());
        assertThat(created.code()).as(created.body()).isEqualTo(10000);
        String token = created.message().getKeys(0).getId();
        assertThat(getAppTwice(token)).isEqualTo(10000);

        CLOCK.advance(Duration.ofHours(2));

        var expired = api.send("GET", appPath(), token, null, SingleAppResponse.getDefaultInstance());
        assertThat(expired.code()).isEqualTo(KEY_INVALID);
        assertThat(expired.status().getDetails()).contains("expired");
    }
}
