package dev.annotask.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiKeyResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.Fixtures;
import dev.annotask.testing.MutableClock;
import dev.annotask.testing.RunningServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The world of {@link AuthorizationMatrixApiTest}: one server, one app ({@code owner/main})
 * with one task, and a caller of every kind ({@link Who}). Also the set-up a cell needs
 * before its call (a fresh input, annotation, invitee, submitted labeling…), always made by
 * someone allowed to, so that a cell's answer depends on its caller alone.
 *
 * <p>The task: FULL by {@code w}, {@code wr} and {@code gone}, MANUAL review (everything
 * reviewed) by {@code r} and {@code wr}, over dataset {@code taskset}; {@code gone} took a
 * batch and was then removed from the app.
 */
final class MatrixWorld implements AutoCloseable {
    static final String OWNER = "owner";
    static final String APP = "main";
    static final String BASE = "/v2/users/" + OWNER + "/apps/" + APP;
    private static final int TASK_INPUTS = 200;
    private static final String VIEWER_SCOPES = "[\"Apps:Get\",\"Workflows:Get\",\"Tasks:Get\",\"Inputs:Get\","
            + "\"Concepts:Get\",\"Annotations:Get\",\"Collaborators:Get\",\"Datasets:Get\",\"SavedSearch:Get\","
            + "\"Models:Get\"]";

    /** Every kind of caller: the matrix's columns, in order. */
    enum Who {
        /** The app's owner, with a personal access token (All). */
        OWNER("owner"),
        /** An app-specific key of the app (All): the owner's rights within it. */
        APP_KEY("appkey"),
        /** A collaborator granted All, in no task. */
        COLLABORATOR("collab"),
        /** A collaborator granted only the :Get scopes (read-only). */
        VIEWER("viewer"),
        /** A collaborator (All) who works on the task. */
        WORKER("worker"),
        /** A collaborator (All) who reviews the task. */
        REVIEWER("reviewer"),
        /** A collaborator (All) who both works on and reviews the task. */
        BOTH("both"),
        /** A former collaborator and worker of the task, removed from the app, with their own token. */
        REMOVED("removed"),
        /** An app-specific key of another app of the same owner. */
        OTHER_APP_KEY("otherkey"),
        /** The owner's token, expired. */
        EXPIRED_KEY("expired"),
        /** The owner's token, deleted. */
        DELETED_KEY("deleted"),
        /** No Authorization header. */
        NO_KEY("nokey"),
        /** The bootstrap admin, no member of the app. */
        ADMIN("admin");

        final String column;

        Who(String column) {
            this.column = column;
        }
    }

    /** A labeling turned in: its assignment, input and the labeler's annotation on it. */
    record Submitted(String assignmentId, String inputId, String annotationId) {
    }

    private final MutableClock clock = new MutableClock();
    private final RunningServer server;
    private final ApiClient api;
    private final Map<Who, String> tokens = new EnumMap<>(Who.class);
    private final Map<Who, String> userIds = new EnumMap<>(Who.class);
    private final String taskId;
    private int fresh;

    private MatrixWorld(SqlDialect dialect) {
        server = RunningServer.start(dialect, clock);
        api = server.client();
        Fixtures fixtures = new Fixtures(api);
        String ownerToken = fixtures.createUserWithToken(OWNER);
        person(Who.OWNER, OWNER, ownerToken);
        DataFixtures app = DataFixtures.newApp(api, OWNER, ownerToken, APP);
        tokens.put(Who.APP_KEY, app.appKey());
        userIds.put(Who.APP_KEY, OWNER);
        fixtures.createApp(ownerToken, "other");
        tokens.put(Who.OTHER_APP_KEY, fixtures.createAppKey(ownerToken, "other", "[\"All\"]"));
        userIds.put(Who.OTHER_APP_KEY, OWNER);
        person(Who.COLLABORATOR, "helper", fixtures.createUserWithToken("helper"));
        person(Who.VIEWER, "viewer", fixtures.createUserWithToken("viewer"));
        person(Who.WORKER, "w", fixtures.createUserWithToken("w"));
        person(Who.REVIEWER, "r", fixtures.createUserWithToken("r"));
        person(Who.BOTH, "wr", fixtures.createUserWithToken("wr"));
        person(Who.REMOVED, "gone", fixtures.createUserWithToken("gone"));
        for (Who who : List.of(Who.COLLABORATOR, Who.WORKER, Who.REVIEWER, Who.BOTH, Who.REMOVED)) {
            fixtures.addCollaborator(ownerToken, OWNER, APP, userId(who), "[\"All\"]");
        }
        fixtures.addCollaborator(ownerToken, OWNER, APP, userId(Who.VIEWER), VIEWER_SCOPES);
        tokens.put(Who.ADMIN, RunningServer.ADMIN_TOKEN);
        userIds.put(Who.ADMIN, "admin");

        app.postConcepts("cat", "dog");
        app.postTextInputs("in0");
        app.postDatasets("taskset");
        List<String> taskInputs = IntStream.range(0, TASK_INPUTS).mapToObj(i -> "t" + i).toList();
        for (int from = 0; from < TASK_INPUTS; from += 100) {
            List<String> chunk = taskInputs.subList(from, Math.min(from + 100, TASK_INPUTS));
            app.postTextInputs(chunk.toArray(String[]::new));
            ok(send(Who.APP_KEY, "POST", BASE + "/datasets/taskset/inputs", "{\"dataset_inputs\":["
                    + chunk.stream().map(id -> "{\"input\":{\"id\":\"" + id + "\"}}").collect(Collectors.joining(","))
                    + "]}"));
        }
        taskId = app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"name\":\"matrix\",\"worker\":{\"strategy\":"
                + "\"FULL\",\"user_ids\":[\"w\",\"wr\",\"gone\"]},\"concept_ids\":[\"cat\",\"dog\"],\"input_source\":"
                + "{\"type\":\"DATASET\",\"id\":\"taskset\"},\"review\":{\"strategy\":\"MANUAL\",\"user_ids\":"
                + "[\"r\",\"wr\"]}}").getId();
        assertThat(pending(Who.REMOVED)).as("gone holds work when removed").isNotNull();
        ok(send(Who.OWNER, "DELETE", BASE + "/collaborators", "{\"collaborator_ids\":[\"gone\"]}"));

        tokens.put(Who.EXPIRED_KEY, ownerToken(Timestamps.toString(Timestamps.fromMillis(
                clock.millis() + Duration.ofMinutes(1).toMillis()))));
        clock.advance(Duration.ofMinutes(2));
        String deleted = ownerToken(null);
        ok(send(Who.OWNER, "DELETE", "/v2/users/me/keys/" + deleted, null));
        tokens.put(Who.DELETED_KEY, deleted);
        userIds.put(Who.EXPIRED_KEY, OWNER);
        userIds.put(Who.DELETED_KEY, OWNER);
        userIds.put(Who.NO_KEY, "");
    }

    static MatrixWorld start(SqlDialect dialect) {
        return new MatrixWorld(dialect);
    }

    private void person(Who who, String userId, String token) {
        userIds.put(who, userId);
        tokens.put(who, token);
    }

    /** A new personal access token of the owner, expiring at the given RFC 3339 time (or never). */
    private String ownerToken(String expiresAt) {
        var reply = api.send("POST", "/v2/users/me/keys", token(Who.OWNER), "{\"keys\":[{\"scopes\":[\"All\"],"
                        + "\"type\":\"personal_access_token\"" + (expiresAt == null ? "" : ",\"expires_at\":\""
                        + expiresAt + "\"") + "}]}", MultiKeyResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getKeys(0).getId();
    }

    String token(Who who) {
        return tokens.get(who);
    }

    String userId(Who who) {
        return userIds.get(who);
    }

    String taskId() {
        return taskId;
    }

    /** A request as the caller; only the status is read, so every reply parses as a BaseResponse. */
    ApiClient.Reply<BaseResponse> send(Who who, String verb, String path, String json) {
        return api.send(verb, path, token(who), json, BaseResponse.getDefaultInstance());
    }

    private static void ok(ApiClient.Reply<?> reply) {
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    /** A name no cell has used: {@code prefix} and a counter. */
    String fresh(String prefix) {
        return prefix + (++fresh);
    }

    /** A new text input of the app (not in the task's dataset). */
    String scratchInput() {
        String id = fresh("scratch-in");
        ok(send(Who.APP_KEY, "POST", BASE + "/inputs", "{\"inputs\":[" + DataFixtures.textInput(id) + "]}"));
        return id;
    }

    /** A new task on input in0, worked by the owner. */
    String scratchTask() {
        String id = fresh("scratch-task");
        ok(send(Who.APP_KEY, "POST", BASE + "/tasks", "{\"tasks\":[" + taskJson(id) + "]}"));
        return id;
    }

    static String taskJson(String id) {
        return "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"type\":\"CONCEPTS_CLASSIFICATION\","
                + "\"worker\":{\"strategy\":\"FULL\",\"user_ids\":[\"" + OWNER + "\"]},\"concept_ids\":[\"cat\"],"
                + "\"input_source\":{\"type\":\"INPUT\",\"id\":\"in0\"}}";
    }

    /** An annotation of the owner's on in0, outside any task. */
    String ownerAnnotation() {
        var reply = api.send("POST", BASE + "/annotations", token(Who.APP_KEY), "{\"annotations\":[{\"input_id\":"
                + "\"in0\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}",
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getAnnotations(0).getId();
    }

    /** A new user, in no app. */
    String newUser() {
        String id = fresh("invitee");
        new Fixtures(api).createUser(id);
        return id;
    }

    /** A new user collaborating on the app (All), in no task. */
    String newCollaborator() {
        String id = newUser();
        new Fixtures(api).addCollaborator(token(Who.OWNER), OWNER, APP, id, "[\"All\"]");
        return id;
    }

    /** A new app of the owner's where every collaborator of the main app collaborates the same way. */
    String scratchApp() {
        String id = fresh("scratch-app");
        Fixtures fixtures = new Fixtures(api);
        fixtures.createApp(token(Who.OWNER), id);
        for (Who who : List.of(Who.COLLABORATOR, Who.WORKER, Who.REVIEWER, Who.BOTH, Who.REMOVED)) {
            fixtures.addCollaborator(token(Who.OWNER), OWNER, id, userId(who), "[\"All\"]");
        }
        fixtures.addCollaborator(token(Who.OWNER), OWNER, id, userId(Who.VIEWER), VIEWER_SCOPES);
        ok(send(Who.OWNER, "DELETE", "/v2/users/" + OWNER + "/apps/" + id + "/collaborators",
                "{\"collaborator_ids\":[\"gone\"]}"));
        return id;
    }

    /** The caller if they label the task, else {@link Who#WORKER}: whose labeling a cell acts on. */
    static Who labelerFor(Who who) {
        return who == Who.WORKER || who == Who.BOTH ? who : Who.WORKER;
    }

    /** One of the labeler's unfinished assignments in the task (taking a batch when they hold none). */
    TaskAssignment pending(Who labeler) {
        var reply = api.send("PUT", BASE + "/tasks/" + taskId + "/assignments", token(labeler),
                "{\"action\":\"LABEL_START\"}", MultiTaskAssignmentResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.message().getTaskAssignmentsList()).as("the task has work left for " + labeler).isNotEmpty();
        return reply.message().getTaskAssignments(0);
    }

    /** The labeler's annotation (cat) in the task on the input; returns its id. */
    String annotate(Who labeler, String inputId) {
        var reply = api.send("POST", BASE + "/annotations", token(labeler), "{\"annotations\":[{\"input_id\":\""
                + inputId + "\",\"task_id\":\"" + taskId + "\",\"data\":{\"concepts\":[{\"id\":\"cat\",\"value\":1}]}}]}",
                MultiAnnotationResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getAnnotations(0).getId();
    }

    /** A fresh labeling of the labeler's: annotated and turned in, now awaiting review, held by nobody. */
    Submitted submitted(Who labeler) {
        TaskAssignment assignment = pending(labeler);
        String inputId = assignment.getInput().getId();
        String annotationId = annotate(labeler, inputId);
        ok(api.send("PUT", BASE + "/tasks/" + taskId + "/assignments", token(labeler), submit(List.of(
                assignment.getId())), MultiTaskAssignmentResponse.getDefaultInstance()));
        return new Submitted(assignment.getId(), inputId, annotationId);
    }

    /** A LABEL_SUBMIT body for these assignments. */
    static String submit(List<String> assignmentIds) {
        List<String> ids = new ArrayList<>();
        assignmentIds.forEach(id -> ids.add("{\"id\":\"" + id + "\"}"));
        return "{\"action\":\"LABEL_SUBMIT\",\"label_submit_config\":{\"task_assignments\":[" + String.join(",", ids)
                + "]}}";
    }

    @Override
    public void close() {
        server.close();
    }
}
