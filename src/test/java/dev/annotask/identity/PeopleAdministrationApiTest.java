package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.admin.MultiUserAccountResponse;
import dev.annotask.proto.admin.MultiWorkloadResponse;
import dev.annotask.proto.admin.UserAccount;
import dev.annotask.proto.admin.Workload;
import dev.annotask.proto.api.MultiCollaboratorsResponse;
import dev.annotask.proto.api.SingleUserResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.RunningServer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The people administration the web UI runs on, on both databases: the admin lists users and
 * disables and enables them (a disabled user's key is refused at once, even right after it was
 * used and cached, and works again once enabled; an admin cannot be disabled; the patch is all
 * or none), and an app's owner reads each member's open work, which is what removing them
 * releases.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class PeopleAdministrationApiTest {
    private static final String ADMIN = RunningServer.ADMIN_TOKEN;
    private static LabelingWorld world;

    @Parameter
    SqlDialect dialect;

    @BeforeParameterizedClassInvocation
    static void useSharedWorld(SqlDialect dialect) {
        world = LabelingWorld.shared(dialect);
    }

    private ApiClient api() {
        return world.client();
    }

    private ApiClient.Reply<MultiUserAccountResponse> patch(String token, String json) {
        return api().send("PATCH", "/v2/users", token, json, MultiUserAccountResponse.getDefaultInstance());
    }

    private static String disable(String userId, boolean disabled) {
        return "{\"action\":\"overwrite\",\"user_accounts\":[{\"user\":{\"id\":\"" + userId + "\"},\"disabled\":"
                + disabled + "}]}";
    }

    private int me(String token) {
        return api().send("GET", "/v2/users/me", token, null, SingleUserResponse.getDefaultInstance()).code();
    }

    private Map<String, UserAccount> listed() {
        var reply = api().send("GET", "/v2/users?per_page=1000", ADMIN, null, MultiUserAccountResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getUserAccountsList().stream()
                .collect(Collectors.toMap(a -> a.getUser().getId(), Function.identity()));
    }

    @Test
    void theAdminDisablesAUserWhoseKeyStopsAtOnceAndEnablesThemAgain() {
        String user = world.freshUserId("pa-dis-");
        String token = new Fixtures(api()).createUserWithToken(user);
        assertThat(me(token)).isEqualTo(10000); // used once: now in the node's authorization cache
        assertThat(listed().get(user).getDisabled()).isFalse();

        var disabled = patch(ADMIN, disable(user, true));
        assertThat(disabled.code()).as(disabled.body()).isEqualTo(10000);
        assertThat(disabled.message().getUserAccounts(0).getDisabled()).isTrue();
        var refused = api().send("GET", "/v2/users/me", token, null, SingleUserResponse.getDefaultInstance());
        assertThat(refused.code()).isEqualTo(11008);
        assertThat(refused.status().getDetails()).isEqualTo("API key's user is disabled");
        UserAccount shown = listed().get(user);
        assertThat(shown.getDisabled()).isTrue();
        assertThat(shown.hasDisabledAt()).isTrue();
        assertThat(listed().get("admin").getDisabled()).isFalse();

        assertThat(patch(ADMIN, disable(user, false)).code()).isEqualTo(10000);
        assertThat(me(token)).isEqualTo(10000);
        assertThat(listed().get(user).hasDisabledAt()).isFalse();
    }

    @Test
    void onlyTheAdminListsAndPatchesUsersAndNoAdminCanBeDisabledNotEvenInPart() {
        String user = world.freshUserId("pa-adm-");
        String token = new Fixtures(api()).createUserWithToken(user);
        assertThat(api().send("GET", "/v2/users", token, null, MultiUserAccountResponse.getDefaultInstance()).code())
                .isEqualTo(11007);
        assertThat(patch(token, disable(user, true)).code()).isEqualTo(11007);

        var both = patch(ADMIN, "{\"action\":\"overwrite\",\"user_accounts\":[{\"user\":{\"id\":\"" + user
                + "\"},\"disabled\":true},{\"user\":{\"id\":\"admin\"},\"disabled\":true}]}");
        assertThat(both.code()).as(both.body()).isEqualTo(11102);
        assertThat(both.status().getDetails()).contains("'admin' is an admin and cannot be disabled");
        assertThat(me(token)).as("nothing of the refused patch was written").isEqualTo(10000);
        assertThat(listed().get(user).getDisabled()).isFalse();

        assertThat(patch(ADMIN, disable("pa-nobody", true)).code()).isEqualTo(11101);
        assertThat(patch(ADMIN, "{\"action\":\"merge\",\"user_accounts\":[{\"user\":{\"id\":\"" + user + "\"}}]}")
                .code()).isEqualTo(11102);
    }

    @Test
    void theOwnerReadsEachMembersOpenWorkWhichRemovingThemReleases() {
        LabelingApp app = world.newApp("pa-load");
        app.postInputs(3);
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w2\"]}",
                "{\"strategy\":\"MANUAL\",\"user_ids\":[\"r1\"]}");
        List<TaskAssignment> batch = app.labeler("w1").start(taskId);
        assertThat(batch).isNotEmpty();

        Map<String, Workload> loads = workloads(app, world.ownerToken(), "w1", "w2", "r1", "stranger");
        assertThat(loads.get("w1").getOpenAssignments()).isEqualTo(batch.size());
        assertThat(loads.get("w1").getTaskCount()).isEqualTo(1);
        assertThat(loads.get("w2").getOpenAssignments()).isZero();
        assertThat(loads.get("w2").getTaskCount()).isEqualTo(1);
        assertThat(loads.get("r1").getTaskCount()).isEqualTo(1);
        assertThat(loads.get("stranger").getTaskCount()).isZero();

        // A collaborator with All may not read the team's load; the owner's app key may.
        var refused = api().send("GET", app.data().longPath() + "/workloads?user_ids=w1", world.token("w1"), null,
                MultiWorkloadResponse.getDefaultInstance());
        assertThat(refused.code()).isEqualTo(11007);
        var byAppKey = api().send("GET", "/v2/workloads?user_ids=w1", app.data().appKey(), null,
                MultiWorkloadResponse.getDefaultInstance());
        assertThat(byAppKey.message().getWorkloads(0).getOpenAssignments()).isEqualTo(batch.size());

        // Removing w1 releases exactly what the workload said: nothing of w1's stays open.
        var removed = api().send("DELETE", app.data().longPath() + "/collaborators", world.ownerToken(),
                "{\"collaborator_ids\":[\"w1\"]}", BaseResponse.getDefaultInstance());
        assertThat(removed.code()).as(removed.body()).isEqualTo(10000);
        Map<String, Workload> after = workloads(app, world.ownerToken(), "w1", "w2");
        assertThat(after.get("w1").getOpenAssignments()).isZero();
        assertThat(after.get("w1").getTaskCount()).isZero();
        assertThat(app.labeler("w2").start(taskId)).hasSize(3);
        assertThat(api().send("GET", app.data().longPath() + "/collaborators", world.ownerToken(), null,
                MultiCollaboratorsResponse.getDefaultInstance()).message().getCollaboratorsList())
                .noneMatch(c -> c.getUser().getId().equals("w1"));
    }

    private Map<String, Workload> workloads(LabelingApp app, String token, String... userIds) {
        String query = String.join("&", List.of(userIds).stream().map(id -> "user_ids=" + id).toList());
        var reply = api().send("GET", app.data().longPath() + "/workloads?" + query, token, null,
                MultiWorkloadResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.message().getWorkloadsList()).hasSize(userIds.length);
        return reply.message().getWorkloadsList().stream()
                .collect(Collectors.toMap(w -> w.getUser().getId(), Function.identity()));
    }
}
