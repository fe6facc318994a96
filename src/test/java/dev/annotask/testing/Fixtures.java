package dev.annotask.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.admin.MultiUserResponse;
import dev.annotask.proto.api.MultiAppResponse;
import dev.annotask.proto.api.MultiCollaboratorsResponse;
import dev.annotask.proto.api.MultiKeyResponse;

/** The identity set-up API tests share, done through the API as a user would. */
public final class Fixtures {
    private final ApiClient client;

    public Fixtures(ApiClient client) {
        this.client = client;
    }

    public void createUser(String userId) {
        var reply = client.send("POST", "/v2/users", RunningServer.ADMIN_TOKEN,
                "{\"users\":[{\"id\":\"" + userId + "\"}]}", MultiUserResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    /** A personal access token with {@code All}, made by the admin for the user. */
    public String createToken(String userId) {
        var reply = client.send("POST", "/v2/users/" + userId + "/keys", RunningServer.ADMIN_TOKEN,
                "{\"keys\":[{\"description\":\"pat\",\"scopes\":[\"All\"],\"type\":\"personal_access_token\"}]}",
                MultiKeyResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getKeys(0).getId();
    }

    /** A user with a token of their own: returns the token. */
    public String createUserWithToken(String userId) {
        createUser(userId);
        return createToken(userId);
    }

    public void createApp(String token, String appId) {
        var reply = client.send("POST", "/v2/users/me/apps", token, "{\"apps\":[{\"id\":\"" + appId + "\"}]}",
                MultiAppResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    /** An app key of the token's user for one of their apps, with the given scopes (JSON list body). */
    public String createAppKey(String token, String appId, String scopesJson) {
        var reply = client.send("POST", "/v2/users/me/keys", token,
                "{\"keys\":[{\"description\":\"app key\",\"scopes\":" + scopesJson + ",\"apps\":[{\"id\":\"" + appId
                        + "\"}]}]}", MultiKeyResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getKeys(0).getId();
    }

    public void addCollaborator(String ownerToken, String ownerId, String appId, String userId, String scopesJson) {
        var reply = client.send("POST", "/v2/users/" + ownerId + "/apps/" + appId + "/collaborators", ownerToken,
                "{\"collaborators\":[{\"user\":{\"id\":\"" + userId + "\"},\"scopes\":" + scopesJson + "}]}",
                MultiCollaboratorsResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }
}
