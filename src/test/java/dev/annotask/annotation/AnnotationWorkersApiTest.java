package dev.annotask.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.admin.MultiUserResponse;
import dev.annotask.proto.api.ListAnnotationWorkersRequest;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiWorkerResponse;
import dev.annotask.proto.api.UserAppIDSet;
import dev.annotask.proto.api.Worker;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.GrpcClient;
import dev.annotask.testing.LabelingApp;
import dev.annotask.testing.LabelingWorld;
import dev.annotask.testing.Labeler;
import dev.annotask.testing.RunningServer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ListAnnotationWorkers: the users with annotations in the app now (in tasks and outside,
 * whatever their status), in user-id order, paged; names only on request; nothing of another
 * app; the schema's scopes decide who may ask. On the JVM's shared world of each database
 * (LabelingWorld.shared); each test gets a fresh app in which w1–w4, r1, r2 and a stranger
 * collaborate with {@code All}.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class AnnotationWorkersApiTest {

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private LabelingApp app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.shared(dialect);
        app = world.newApp("workers");
        app.postInputs(3);
    }

    private ApiClient.Reply<MultiWorkerResponse> list(LabelingApp of, String token, String query) {
        return world.client().send("GET", of.data().longPath() + "/annotations/workers" + query, token, null,
                MultiWorkerResponse.getDefaultInstance());
    }

    /** The workers' user ids as the owner lists them with this query. */
    private List<String> workers(String query) {
        var reply = list(app, world.ownerToken(), query);
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.message().getWorkersList()).allSatisfy(worker ->
                assertThat(worker.getWorkerCase()).as("a person, never a model or workflow")
                        .isEqualTo(Worker.WorkerCase.USER));
        return reply.message().getWorkersList().stream().map(w -> w.getUser().getId()).toList();
    }

    /** An annotation outside tasks on input {@code in0}, by the user (their own token); returns its id. */
    private String annotateOutsideTasks(LabelingApp in, String userId, String token) {
        var reply = new Labeler(world.client(), userId, token, in.data()).annotate("{\"annotations\":[{\"input_id\":"
                + "\"in0\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getAnnotations(0).getId();
    }

    @Test
    void listsWhoAnnotatedInTasksAndOutsideThemOnce() {
        assertThat(workers("")).as("no annotations yet").isEmpty();
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\",\"w3\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = app.labeler("w1");
        w1.labelBatch(taskId, w1.start(taskId), "cat");
        annotateOutsideTasks(app, "w2", world.token("w2"));
        annotateOutsideTasks(app, "w1", world.token("w1"));
        var byKey = app.call("POST", "/v2/annotations", "{\"annotations\":[{\"input_id\":\"in1\",\"data\":{\"concepts\":"
                + "[{\"id\":\"dog\",\"value\":1}]}}]}", MultiAnnotationResponse.getDefaultInstance());
        assertThat(byKey.code()).as(byKey.body()).isEqualTo(10000);

        assertThat(workers("")).as("w3 works on the task but annotated nothing; the app key annotates as its owner")
                .containsExactly("owner", "w1", "w2");
        assertThat(workers("?trusted_only=true")).as("every annotation is a person's")
                .containsExactly("owner", "w1", "w2");

        var shortPath = app.call("GET", "/v2/annotations/workers", null, MultiWorkerResponse.getDefaultInstance());
        assertThat(shortPath.code()).as(shortPath.body()).isEqualTo(10000);
        assertThat(shortPath.message().getWorkersList()).extracting(w -> w.getUser().getId())
                .containsExactly("owner", "w1", "w2");
        assertThat(shortPath.body()).doesNotContain("first_name");
    }

    @Test
    void pagesFollowUserIdOrder() {
        for (String userId : List.of("w4", "w2", "w3", "w1")) {
            annotateOutsideTasks(app, userId, world.token(userId));
        }
        annotateOutsideTasks(app, "owner", world.ownerToken());

        assertThat(workers("?per_page=2")).containsExactly("owner", "w1");
        assertThat(workers("?page=2&per_page=2")).containsExactly("w2", "w3");
        assertThat(workers("?page=3&per_page=2")).containsExactly("w4");
        assertThat(workers("?page=4&per_page=2")).isEmpty();
        assertThat(workers("")).containsExactly("owner", "w1", "w2", "w3", "w4");
    }

    @Test
    void aUserWhoseAnnotationsAreAllGoneIsNoLongerListed() {
        String taskId = app.task("{\"strategy\":\"FULL\",\"user_ids\":[\"w1\"]}", "{\"strategy\":\"NONE\"}");
        Labeler w1 = app.labeler("w1");
        String inputId = w1.start(taskId).get(0).getInput().getId();
        var pending = w1.classify(taskId, inputId, "cat");
        assertThat(pending.code()).as(pending.body()).isEqualTo(10000);
        String outside = annotateOutsideTasks(app, "w2", world.token("w2"));
        assertThat(workers("")).containsExactly("w1", "w2");

        deleteAnnotation(world.token("w1"), inputId, pending.message().getAnnotations(0).getId());
        deleteAnnotation(world.token("w2"), "in0", outside);

        assertThat(workers("")).isEmpty();
    }

    private void deleteAnnotation(String token, String inputId, String annotationId) {
        var deleted = world.client().send("DELETE", app.data().longPath() + "/inputs/" + inputId + "/annotations/"
                + annotationId, token, null, BaseResponse.getDefaultInstance());
        assertThat(deleted.code()).as(deleted.body()).isEqualTo(10000);
    }

    @Test
    void realNamesOnlyWhenAskedFor() {
        String userId = world.freshUserId("named");
        var created = world.client().send("POST", "/v2/users", RunningServer.ADMIN_TOKEN, "{\"users\":[{\"id\":\""
                + userId + "\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"}]}", MultiUserResponse.getDefaultInstance());
        assertThat(created.code()).as(created.body()).isEqualTo(10000);
        Fixtures fixtures = new Fixtures(world.client());
        String token = fixtures.createToken(userId);
        app.data().addCollaborators(world.ownerToken(), userId);
        annotateOutsideTasks(app, userId, token);

        var plain = list(app, world.ownerToken(), "");
        assertThat(plain.message().getWorkers(0).getUser().getFirstName()).isEmpty();
        var named = list(app, world.ownerToken(), "?additional_fields=names");
        assertThat(named.message().getWorkers(0).getUser().getFirstName()).isEqualTo("Ada");
        assertThat(named.message().getWorkers(0).getUser().getLastName()).isEqualTo("Lovelace");

        ListAnnotationWorkersRequest request = ListAnnotationWorkersRequest.newBuilder()
                .setUserAppId(UserAppIDSet.newBuilder().setUserId(LabelingWorld.OWNER).setAppId(app.data().appId()))
                .addAdditionalFields("all").build();
        try (GrpcClient grpc = new GrpcClient(world.grpcPort())) {
            MultiWorkerResponse overGrpc = grpc.call("ListAnnotationWorkers", request,
                    MultiWorkerResponse.getDefaultInstance(), world.token("r1"));
            assertThat(overGrpc.getStatus().getCodeValue()).as(overGrpc.toString()).isEqualTo(10000);
            assertThat(overGrpc.getWorkersList()).extracting(w -> w.getUser().getId() + " " + w.getUser().getLastName())
                    .containsExactly(userId + " Lovelace");
        }
    }

    @Test
    void anotherAppsWorkersAreNotShownNorReachedWithItsKey() {
        LabelingApp other = world.newApp("workers-other");
        other.postInputs(1);
        annotateOutsideTasks(app, "w1", world.token("w1"));
        annotateOutsideTasks(other, "w2", world.token("w2"));

        assertThat(workers("")).containsExactly("w1");
        var ofOther = list(other, world.ownerToken(), "");
        assertThat(ofOther.message().getWorkersList()).extracting(w -> w.getUser().getId()).containsExactly("w2");
        var otherKey = world.client().send("GET", app.data().longPath() + "/annotations/workers",
                other.data().appKey(), null, MultiWorkerResponse.getDefaultInstance());
        assertThat(otherKey.code()).as("a key of another app").isEqualTo(11008);
    }

    @Test
    void collaboratorsNeedTheSchemasScopes() {
        annotateOutsideTasks(app, "w1", world.token("w1"));
        assertThat(list(app, world.token("w2"), "").code()).as("a collaborator with All").isEqualTo(10000);

        var narrowed = world.client().send("PATCH", app.data().longPath() + "/collaborators", world.ownerToken(),
                "{\"action\":\"overwrite\",\"collaborators\":[{\"user\":{\"id\":\"w2\"},\"scopes\":[\"Apps:Get\","
                        + "\"Annotations:Get\"]}]}", dev.annotask.proto.api.MultiCollaboratorsResponse.getDefaultInstance());
        assertThat(narrowed.code()).as(narrowed.body()).isEqualTo(10000);
        var refused = list(app, world.token("w2"), "");
        assertThat(refused.code()).isEqualTo(11007);
        assertThat(refused.status().getDetails()).contains("Collaborators:Get");

        String outsider = world.freshUserId("outsider");
        String outsiderToken = new Fixtures(world.client()).createUserWithToken(outsider);
        assertThat(list(app, outsiderToken, "").code()).as("no collaborator").isEqualTo(11008);
    }
}
