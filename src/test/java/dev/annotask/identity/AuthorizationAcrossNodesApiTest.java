package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.AnnotaskServer;
import dev.annotask.config.ServerConfig;
import dev.annotask.proto.api.SingleAppResponse;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.RunningServer;
import dev.annotask.testing.TestDatabases;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL (the second a server in this JVM with its own pool and cache):
 * what node A takes away stops working on node B once B's next poll of the change counter
 * has run (docs/SECURITY.md, "The authorization cache"), although B had the answer cached. B is
 * asked until it refuses, within a generous bound; how soon is not asserted (the cache's own
 * 5 s lifetime would pass this test too: AuthChangesTest shows, without waiting, that a poll
 * is what clears it).
 */
class AuthorizationAcrossNodesApiTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String OWNER = "owner";
    private static final String APP_PATH = "/v2/users/" + OWNER + "/apps/shared";

    private RunningServer nodeA;
    private AnnotaskServer nodeB;
    private ApiClient onA;
    private ApiClient onB;
    private Fixtures fixtures;
    private String ownerToken;

    @BeforeEach
    void startTwoNodes() {
        nodeA = RunningServer.start(SqlDialect.POSTGRESQL);
        nodeB = new AnnotaskServer(ServerConfig.forDirectory(TestDatabases.tempDirectory())
                .withDatabase(nodeA.config().databaseUrl(), null, null)
                .withAdminToken(RunningServer.ADMIN_TOKEN)).stopGrace(Duration.ZERO).start();
        onA = nodeA.client();
        onB = new ApiClient(nodeB.httpPort());
        fixtures = new Fixtures(onA);
        ownerToken = fixtures.createUserWithToken(OWNER);
        fixtures.createApp(ownerToken, "shared");
    }

    @AfterEach
    void stopBoth() {
        nodeB.close();
        nodeA.close();
    }

    private static int getApp(ApiClient node, String token) {
        return node.send("GET", APP_PATH, token, null, SingleAppResponse.getDefaultInstance()).code();
    }

    private static int getBoundApp(ApiClient node, String appKey) {
        return node.send("GET", "/v2/app", appKey, null, SingleAppResponse.getDefaultInstance()).code();
    }

    /**
     * Asks until the answer is the expected one or the bound passes; returns the last answer.
     * How long it took is printed for the curious, never asserted.
     */
    private static int askUntil(int expected, IntSupplier call) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + BOUND.toNanos();
        int answer = call.getAsInt();
        while (answer != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            answer = call.getAsInt();
        }
        System.out.printf("node B answered %d after %d ms%n", answer, (System.nanoTime() - started) / 1_000_000);
        return answer;
    }

    private void onBoth(int expected, IntSupplier onNodeA, IntSupplier onNodeB) {
        for (int i = 0; i < 2; i++) {
            assertThat(onNodeA.getAsInt()).isEqualTo(expected);
            assertThat(onNodeB.getAsInt()).isEqualTo(expected);
        }
    }

    @Test
    void aKeyDeletedOnOneNodeStopsWorkingOnTheOther() throws InterruptedException {
        String token = fixtures.createToken(OWNER);
        onBoth(10000, () -> getApp(onA, token), () -> getApp(onB, token));

        var deleted = onA.send("DELETE", "/v2/users/me/keys/" + token, ownerToken, null,
                BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);

        assertThat(getApp(onA, token)).as("on the node that deleted it, at once").isEqualTo(11008);
        assertThat(askUntil(11008, () -> getApp(onB, token))).as("on the other node").isEqualTo(11008);
        assertThat(getApp(onB, ownerToken)).isEqualTo(10000);
    }

    @Test
    void aCollaboratorRemovedOnOneNodeLosesAccessOnTheOther() throws InterruptedException {
        String token = fixtures.createUserWithToken("helper");
        fixtures.addCollaborator(ownerToken, OWNER, "shared", "helper", "[\"All\"]");
        onBoth(10000, () -> getApp(onA, token), () -> getApp(onB, token));

        var removed = onA.send("DELETE", APP_PATH + "/collaborators", ownerToken,
                "{\"collaborator_ids\":[\"helper\"]}", BaseResponse.getDefaultInstance());
        assertThat(removed.code()).as(removed.body()).isEqualTo(10000);

        assertThat(getApp(onA, token)).isEqualTo(11008);
        assertThat(askUntil(11008, () -> getApp(onB, token))).isEqualTo(11008);
    }

    @Test
    void anAppDeletedOnOneNodeIsGoneOnTheOther() throws InterruptedException {
        String appKey = fixtures.createAppKey(ownerToken, "shared", "[\"All\"]");
        onBoth(10000, () -> getBoundApp(onA, appKey), () -> getBoundApp(onB, appKey));
        onBoth(10000, () -> getApp(onA, ownerToken), () -> getApp(onB, ownerToken));

        var deleted = onA.send("DELETE", APP_PATH, ownerToken, null, BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);

        assertThat(askUntil(11008, () -> getBoundApp(onB, appKey))).isEqualTo(11008);
        assertThat(askUntil(11101, () -> getApp(onB, ownerToken))).as("app not found").isEqualTo(11101);
    }

    @Test
    void aUserDisabledOnOneNodeIsRefusedOnTheOtherAndBackWhenEnabled() throws InterruptedException {
        String appKey = fixtures.createAppKey(ownerToken, "shared", "[\"All\"]");
        onBoth(10000, () -> getApp(onA, ownerToken), () -> getApp(onB, ownerToken));
        onBoth(10000, () -> getBoundApp(onA, appKey), () -> getBoundApp(onB, appKey));

        assertThat(patchOwner(true)).isEqualTo(10000);
        assertThat(getApp(onA, ownerToken)).as("on the node that disabled them, at once").isEqualTo(11008);
        assertThat(askUntil(11008, () -> getApp(onB, ownerToken))).as("their token on the other node").isEqualTo(11008);
        assertThat(askUntil(11008, () -> getBoundApp(onB, appKey))).as("their app key too").isEqualTo(11008);

        assertThat(patchOwner(false)).isEqualTo(10000);
        assertThat(askUntil(10000, () -> getApp(onB, ownerToken))).isEqualTo(10000);
    }

    private int patchOwner(boolean disabled) {
        return onA.send("PATCH", "/v2/users", RunningServer.ADMIN_TOKEN, "{\"action\":\"overwrite\",\"user_accounts\":[{\"user\":{\"id\":\""
                + OWNER + "\"},\"disabled\":" + disabled + "}]}", dev.annotask.proto.admin.MultiUserAccountResponse.getDefaultInstance())
                .code();
    }
}
