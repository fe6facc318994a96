package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.Collaborator;
import dev.annotask.proto.api.MultiCollaboratorsResponse;
import dev.annotask.proto.api.MultiConceptResponse;
import dev.annotask.proto.api.MultiKeyResponse;
import dev.annotask.proto.api.MultiScopeResponse;
import dev.annotask.proto.api.PatchCollaboratorsRequest;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PatchCollaborators {@code overwrite}: the owner replaces a collaborator's scopes (cut to the
 * owner's key, as PostCollaborators grants them), the change holds on the next call of that
 * collaborator on the same node (the authorization cache is cleared in the patch's
 * transaction), the collaborator stays in their tasks, and every refusal names the item and
 * changes nothing. On the JVM's shared world of each database (LabelingWorld.shared); each
 * test gets a fresh app in which w1–w4, r1, r2 and a stranger collaborate with {@code All}.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class PatchCollaboratorsApiTest {
    private static final int INVALID = 11102;
    private static final int NOT_FOUND = 11101;
    private static final int INSUFFICIENT_SCOPES = 11007;
    private static final int KEY_INVALID = 11008;
    private static final String READ_ONLY = "[\"Apps:Get\",\"Concepts:Get\"]";

    private static int fresh;

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("patchcollab");
    }

    private ApiClient api() {
        return world.client();
    }

    private String collaboratorsPath() {
        return app.data().longPath() + "/collaborators";
    }

    private ApiClient.Reply<MultiCollaboratorsResponse> patch(String token, String json) {
        return api().send("PATCH", collaboratorsPath(), token, json, MultiCollaboratorsResponse.getDefaultInstance());
    }

    /** PATCH overwrite of one collaborator named by user id, with the owner's token. */
    private ApiClient.Reply<MultiCollaboratorsResponse> overwrite(String userId, String scopesJson) {
        return patch(world.ownerToken(), "{\"action\":\"overwrite\",\"collaborators\":[{\"user\":{\"id\":\"" + userId
                + "\"},\"scopes\":" + scopesJson + "}]}");
    }

    private static <T extends com.google.protobuf.Message> ApiClient.Reply<T> ok(ApiClient.Reply<T> reply) {
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply;
    }

    /** The active collaborators of the app as listed, by user id. */
    private Map<String, Collaborator> listed() {
        var reply = ok(api().send("GET", collaboratorsPath(), world.ownerToken(), null,
                MultiCollaboratorsResponse.getDefaultInstance()));
        return reply.message().getCollaboratorsList().stream()
                .collect(Collectors.toMap(c -> c.getUser().getId(), c -> c));
    }

    private int postConcept(String userId) {
        return api().send("POST", app.data().longPath() + "/concepts", world.token(userId),
                "{\"concepts\":[{\"id\":\"c" + (++fresh) + "\"}]}", MultiConceptResponse.getDefaultInstance()).code();
    }

    private List<String> myScopes(String userId) {
        var reply = ok(api().send("GET", app.data().longPath() + "/myscopes", world.token(userId), null,
                MultiScopeResponse.getDefaultInstance()));
        return reply.message().getScopesList();
    }

    @Test
    void theOwnerOverwritesScopesAndTheNextCallOfTheCollaboratorObeysThem() {
        Collaborator before = listed().get("w1");
        assertThat(postConcept("w1")).isEqualTo(10000);
        assertThat(postConcept("w1")).as("answered from the authorization cache").isEqualTo(10000);

        var narrowed = ok(overwrite("w1", READ_ONLY));

        Collaborator changed = narrowed.message().getCollaborators(0);
        assertThat(changed.getId()).as("the same collaboration").isEqualTo(before.getId());
        assertThat(changed.getUser().getId()).isEqualTo("w1");
        assertThat(changed.getScopesList()).containsExactly("Apps:Get", "Concepts:Get");
        assertThat(changed.getApp().getId()).isEqualTo(app.data().appId());
        assertThat(changed.getCreatedAt()).isEqualTo(before.getCreatedAt());
        assertThat(listed().get("w1").getScopesList()).containsExactly("Apps:Get", "Concepts:Get");
        assertThat(postConcept("w1")).as("Concepts:Add is gone on the very next call").isEqualTo(INSUFFICIENT_SCOPES);
        assertThat(myScopes("w1")).containsExactlyInAnyOrder("Apps:Get", "Concepts:Get");
        assertThat(postConcept("w2")).as("other collaborators keep theirs").isEqualTo(10000);

        // Named by collaborator id this time; wider scopes hold at once too.
        ok(patch(world.ownerToken(), "{\"action\":\"overwrite\",\"collaborators\":[{\"id\":\"" + before.getId()
                + "\",\"scopes\":[\"All\"]}]}"));
        assertThat(postConcept("w1")).isEqualTo(10000);
        assertThat(listed().get("w1").getScopesList()).containsExactly("All");
    }

    @Test
    void grantedScopesAreCutToTheCallersKeyAsPostCollaboratorsCutsThem() {
        var key = ok(api().send("POST", "/v2/users/me/keys", world.ownerToken(), "{\"keys\":[{\"type\":"
                + "\"personal_access_token\",\"scopes\":[\"Apps:Get\",\"Collaborators:Add\",\"Collaborators:Get\","
                + "\"Collaborators:Delete\",\"Concepts:Get\"]}]}", MultiKeyResponse.getDefaultInstance()));
        String narrowToken = key.message().getKeys(0).getId();

        var reply = ok(patch(narrowToken, "{\"action\":\"overwrite\",\"collaborators\":[{\"user\":{\"id\":\"w1\"},"
                + "\"scopes\":[\"Concepts:Get\",\"Concepts:Add\"]}]}"));

        assertThat(reply.message().getCollaborators(0).getScopesList()).containsExactly("Concepts:Get");
        assertThat(listed().get("w1").getScopesList()).containsExactly("Concepts:Get");
    }

    @Test
    void onlyTheOwnerOrAKeyOfTheAppMayChangeScopes() {
        String json = "{\"action\":\"overwrite\",\"collaborators\":[{\"user\":{\"id\":\"w2\"},\"scopes\":[\"All\"]}]}";
        var byCollaborator = patch(world.token("w1"), json);
        assertThat(byCollaborator.code()).as("a collaborator, even with All").isEqualTo(INSUFFICIENT_SCOPES);
        assertThat(byCollaborator.httpStatus()).isEqualTo(403);

        String outsider = world.freshUserId("outsider");
        String outsiderToken = new Fixtures(api()).createUserWithToken(outsider);
        assertThat(patch(outsiderToken, json).code()).as("a user of no standing in the app").isEqualTo(KEY_INVALID);

        DataFixtures other = world.newBareApp("other");
        assertThat(api().send("PATCH", collaboratorsPath(), other.appKey(), json,
                MultiCollaboratorsResponse.getDefaultInstance()).code()).as("a key of another app")
                .isEqualTo(KEY_INVALID);
        assertThat(listed().get("w2").getScopesList()).containsExactly("All");

        var byAppKey = ok(api().send("PATCH", collaboratorsPath(), app.data().appKey(),
                json.replace("[\"All\"]", READ_ONLY), MultiCollaboratorsResponse.getDefaultInstance()));
        assertThat(byAppKey.message().getCollaborators(0).getScopesList()).containsExactly("Apps:Get", "Concepts:Get");
    }

    @Test
    void anActionOtherThanOverwriteIsRefused() {
        for (String action : List.of("merge", "remove", "", "OVERWRITE")) {
            var reply = patch(world.ownerToken(), "{\"action\":\"" + action + "\",\"collaborators\":[{\"user\":{\"id\":"
                    + "\"w1\"},\"scopes\":" + READ_ONLY + "}]}");
            assertThat(reply.code()).as(action).isEqualTo(INVALID);
            assertThat(reply.httpStatus()).isEqualTo(400);
            assertThat(reply.status().getDetails()).contains("'overwrite'");
        }
        assertThat(listed().get("w1").getScopesList()).containsExactly("All");
    }

    @Test
    void aBadItemRefusesTheWholeRequestAndNamesTheItem() {
        String outsider = world.freshUserId("outsider");
        new Fixtures(api()).createUser(outsider);
        String good = "{\"user\":{\"id\":\"w1\"},\"scopes\":" + READ_ONLY + "}";
        String w2 = listed().get("w2").getId();
        Map<String, String> badItems = new java.util.LinkedHashMap<>();
        badItems.put("{\"user\":{\"id\":\"ghost\"},\"scopes\":[\"All\"]}", "11101 collaborators[1].user.id: user 'ghost' not found");
        badItems.put("{\"user\":{\"id\":\"" + outsider + "\"},\"scopes\":[\"All\"]}", "11101 collaborators[1].user.id: user '"
                + outsider + "' does not collaborate");
        badItems.put("{\"id\":\"no-such-collaborator\",\"scopes\":[\"All\"]}", "11101 collaborators[1].id");
        badItems.put("{\"user\":{\"id\":\"owner\"},\"scopes\":[\"All\"]}", "11102 collaborators[1].user.id");
        badItems.put("{\"user\":{\"id\":\"w2\"}}", "11102 collaborators[1].scopes");
        badItems.put("{\"user\":{\"id\":\"w2\"},\"scopes\":[\"Concepts:Fly\"]}", "11102 collaborators[1].scopes");
        badItems.put("{\"scopes\":[\"All\"]}", "11102 collaborators[1]: name the collaborator");
        badItems.put("{\"id\":\"" + w2 + "\",\"user\":{\"id\":\"w3\"},\"scopes\":[\"All\"]}", "11102 collaborators[1]");
        badItems.put("{\"user\":{\"id\":\"w1\"},\"scopes\":[\"All\"]}", "11102 'w1' twice");
        for (var bad : badItems.entrySet()) {
            var reply = patch(world.ownerToken(), "{\"action\":\"overwrite\",\"collaborators\":[" + good + ","
                    + bad.getKey() + "]}");
            String[] expected = bad.getValue().split(" ", 2);
            assertThat(reply.code()).as(bad.getKey() + " → " + reply.body()).isEqualTo(Integer.parseInt(expected[0]));
            assertThat(reply.status().getDetails()).as(bad.getKey()).contains(expected[1]);
        }
        assertThat(patch(world.ownerToken(), "{\"action\":\"overwrite\",\"collaborators\":[]}").code())
                .isEqualTo(INVALID);
        assertThat(listed().get("w1").getScopesList()).as("the good item was not written either").containsExactly("All");
        assertThat(postConcept("w1")).isEqualTo(10000);
    }

    @Test
    void aRemovedCollaboratorCannotBePatched() {
        String id = listed().get("w4").getId();
        ok(api().send("DELETE", collaboratorsPath(), world.ownerToken(), "{\"collaborator_ids\":[\"w4\"]}",
                dev.annotask.proto.api.status.BaseResponse.getDefaultInstance()));

        assertThat(overwrite("w4", READ_ONLY).code()).isEqualTo(NOT_FOUND);
        assertThat(patch(world.ownerToken(), "{\"action\":\"overwrite\",\"collaborators\":[{\"id\":\"" + id
                + "\",\"scopes\":[\"All\"]}]}").code()).isEqualTo(NOT_FOUND);
    }

    @Test
    void narrowerScopesKeepTheCollaboratorInTheirTasksAndRefuseTheirCalls() {
        app.postInputs(3);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = app.labeler("w1");
        List<TaskAssignment> batch = w1.start(taskId);
        assertThat(batch).hasSize(3);

        ok(overwrite("w1", READ_ONLY));

        var refused = w1.put(taskId, "{\"action\":\"LABEL_START\"}");
        assertThat(refused.code()).as(refused.body()).isEqualTo(INSUFFICIENT_SCOPES);
        assertThat(refused.status().getDetails()).contains("Annotations:Add");
        DataFixtures.assertWorkers(app.data().getTask(taskId), "w1", "w2");

        ok(overwrite("w1", "[\"All\"]"));
        assertThat(LabelingApp.inputsOf(w1.start(taskId))).as("their unfinished batch is still theirs")
                .isEqualTo(LabelingApp.inputsOf(batch));
    }

    @Test
    void servedOverGrpcAlike() {
        PatchCollaboratorsRequest request = PatchCollaboratorsRequest.newBuilder()
                .setUserAppId(UserAppIDSet.newBuilder().setUserId(LabelingWorld.OWNER).setAppId(app.data().appId()))
                .setAction("overwrite")
                .addCollaborators(Collaborator.newBuilder().setUser(User.newBuilder().setId("w3"))
                        .addScopes("Apps:Get").addScopes("Concepts:Get"))
                .build();
        try (GrpcClient grpc = new GrpcClient(world.grpcPort())) {
            MultiCollaboratorsResponse byOwner = grpc.call("PatchCollaborators", request,
                    MultiCollaboratorsResponse.getDefaultInstance(), world.ownerToken());
            assertThat(byOwner.getStatus().getCodeValue()).as(byOwner.toString()).isEqualTo(10000);
            assertThat(byOwner.getCollaborators(0).getScopesList()).containsExactly("Apps:Get", "Concepts:Get");
            MultiCollaboratorsResponse badAction = grpc.call("PatchCollaborators",
                    request.toBuilder().setAction("merge").build(), MultiCollaboratorsResponse.getDefaultInstance(),
                    world.ownerToken());
            assertThat(badAction.getStatus().getCodeValue()).isEqualTo(INVALID);
            MultiCollaboratorsResponse byCollaborator = grpc.call("PatchCollaborators", request,
                    MultiCollaboratorsResponse.getDefaultInstance(), world.token("w1"));
            assertThat(byCollaborator.getStatus().getCodeValue()).isEqualTo(INSUFFICIENT_SCOPES);
        }
        assertThat(postConcept("w3")).isEqualTo(INSUFFICIENT_SCOPES);
    }
}
