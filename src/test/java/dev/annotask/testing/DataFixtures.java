package dev.annotask.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.MultiConceptResponse;
import dev.annotask.proto.api.MultiDatasetResponse;
import dev.annotask.proto.api.MultiInputResponse;
import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.SingleInputResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.User;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One fresh app of one owner, reached the way the seed curls reach it: the short paths
 * ({@code /v2/tasks}, {@code /v2/inputs}, …) with an app key holding {@code All}. Posts the
 * concepts, inputs, datasets and tasks API tests build on, each checked to succeed.
 */
public final class DataFixtures {
    /** Server-generated ids: 32 lowercase hex characters. */
    public static final String GENERATED_ID = "[0-9a-f]{32}";

    private final ApiClient api;
    private final String ownerId;
    private final String appId;
    private final String appKey;

    private DataFixtures(ApiClient api, String ownerId, String appId, String appKey) {
        this.api = api;
        this.ownerId = ownerId;
        this.appId = appId;
        this.appKey = appKey;
    }

    /** Creates the app with the owner's token, and an app key with scopes {@code ["All"]} for it. */
    public static DataFixtures newApp(ApiClient api, String ownerId, String ownerToken, String appId) {
        Fixtures fixtures = new Fixtures(api);
        fixtures.createApp(ownerToken, appId);
        return new DataFixtures(api, ownerId, appId, fixtures.createAppKey(ownerToken, appId, "[\"All\"]"));
    }

    /** The same app and key, reached through another server (another node on the same database). */
    public DataFixtures through(ApiClient other) {
        return new DataFixtures(other, ownerId, appId, appKey);
    }

    public String ownerId() {
        return ownerId;
    }

    public String appId() {
        return appId;
    }

    public String appKey() {
        return appKey;
    }

    /** The long path prefix of this app: {@code /v2/users/{owner}/apps/{app}}. */
    public String longPath() {
        return "/v2/users/" + ownerId + "/apps/" + appId;
    }

    /** Makes these existing users collaborators of the app with scopes {@code ["All"]}. */
    public void addCollaborators(String ownerToken, String... userIds) {
        Fixtures fixtures = new Fixtures(api);
        for (String userId : userIds) {
            fixtures.addCollaborator(ownerToken, ownerId, appId, userId, "[\"All\"]");
        }
    }

    /** Sends a request with this app's key ({@code Authorization: Key <app key>}). */
    public <T extends Message> ApiClient.Reply<T> call(String verb, String path, String json, T type) {
        return api.send(verb, path, appKey, json, type);
    }

    public void postConcepts(String... ids) {
        String concepts = Arrays.stream(ids).map(id -> "{\"id\":\"" + id + "\",\"name\":\"" + id + "\"}")
                .collect(Collectors.joining(","));
        var reply = call("POST", "/v2/concepts", "{\"concepts\":[" + concepts + "]}",
                MultiConceptResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    /** Posts text inputs with these ids, one request for all; the text is "text of {id}". */
    public void postTextInputs(String... ids) {
        String inputs = Arrays.stream(ids).map(DataFixtures::textInput).collect(Collectors.joining(","));
        var reply = call("POST", "/v2/inputs", "{\"inputs\":[" + inputs + "]}", MultiInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    /** The JSON of a text input with this id. */
    public static String textInput(String id) {
        return "{\"id\":\"" + id + "\",\"data\":{\"text\":{\"raw\":\"text of " + id + "\"}}}";
    }

    public Input getInput(String id) {
        var reply = call("GET", "/v2/inputs/" + id, null, SingleInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getInput();
    }

    /** Input ids from ListInputs with the given query ("" or "?…"), in the order listed. */
    public List<String> inputIds(String query) {
        var reply = call("GET", "/v2/inputs" + query, null, MultiInputResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getInputsList().stream().map(Input::getId).toList();
    }

    public void postDatasets(String... ids) {
        String datasets = Arrays.stream(ids).map(id -> "{\"id\":\"" + id + "\"}").collect(Collectors.joining(","));
        var reply = call("POST", "/v2/datasets", "{\"datasets\":[" + datasets + "]}",
                MultiDatasetResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
    }

    /** Posts {@code {"tasks":[taskJson]}} and returns the created task. */
    public Task postTask(String taskJson) {
        return postTasks(taskJson).get(0);
    }

    /** Posts the tasks in one request and returns them as created, in request order. */
    public List<Task> postTasks(String... taskJsons) {
        var reply = call("POST", "/v2/tasks", "{\"tasks\":[" + String.join(",", taskJsons) + "]}",
                MultiTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.message().getTasksList()).as(reply.body()).hasSize(taskJsons.length);
        return reply.message().getTasksList();
    }

    public Task getTask(String taskId) {
        var reply = call("GET", "/v2/tasks/" + taskId, null, SingleTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTask();
    }

    /** Task ids from ListTasks with the given query ("" or "?…"), in the order listed. */
    public List<String> taskIds(String query) {
        return listTasks(query).stream().map(Task::getId).toList();
    }

    public List<Task> listTasks(String query) {
        var reply = call("GET", "/v2/tasks" + query, null, MultiTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.httpStatus()).isEqualTo(200);
        return reply.message().getTasksList();
    }

    /** Checks that the three forms of a task's worker list (legacy and current) all name exactly these users. */
    public static void assertWorkers(Task task, String... userIds) {
        assertThat(task.getWorker().getUserIdsList()).as("worker.user_ids").containsExactly(userIds);
        assertThat(task.getWorker().getUsersList()).as("worker.users[].id").extracting(User::getId)
                .containsExactly(userIds);
        assertThat(task.getWorker().getWorkersList()).as("worker.workers[].user.id")
                .extracting(worker -> worker.getUser().getId()).containsExactly(userIds);
    }

    /** Checks that both forms of a task's reviewer list name exactly these users. */
    public static void assertReviewers(Task task, String... userIds) {
        assertThat(task.getReview().getUserIdsList()).as("review.user_ids").containsExactly(userIds);
        assertThat(task.getReview().getUsersList()).as("review.users[].id").extracting(User::getId)
                .containsExactly(userIds);
    }
}
