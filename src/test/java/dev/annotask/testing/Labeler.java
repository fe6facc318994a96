package dev.annotask.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiAnnotationResponse;
import dev.annotask.proto.api.MultiTaskAssignmentResponse;
import dev.annotask.proto.api.TaskAssignment;
import java.util.List;
import java.util.stream.Collectors;

/** A person labeling (or reviewing) in one app with their own token, through the long paths. */
public final class Labeler {
    private final ApiClient api;
    private final String userId;
    private final String token;
    private final String appPath;

    public Labeler(ApiClient api, String userId, String token, DataFixtures app) {
        this.api = api;
        this.userId = userId;
        this.token = token;
        this.appPath = app.longPath();
    }

    public String userId() {
        return userId;
    }

    public ApiClient.Reply<MultiTaskAssignmentResponse> put(String taskId, String json) {
        return api.send("PUT", appPath + "/tasks/" + taskId + "/assignments", token, json,
                MultiTaskAssignmentResponse.getDefaultInstance());
    }

    /** LABEL_START, checked to succeed: the caller's batch. */
    public List<TaskAssignment> start(String taskId) {
        var reply = put(taskId, "{\"action\":\"LABEL_START\"}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTaskAssignmentsList();
    }

    /** REVIEW_START, checked to succeed: the work routed to this reviewer. */
    public List<TaskAssignment> reviewStart(String taskId) {
        var reply = put(taskId, "{\"action\":\"REVIEW_START\"}");
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        return reply.message().getTaskAssignmentsList();
    }

    /** LABEL_SUBMIT of these assignments. */
    public ApiClient.Reply<MultiTaskAssignmentResponse> submit(String taskId, List<TaskAssignment> assignments) {
        String ids = assignments.stream().map(a -> "{\"id\":\"" + a.getId() + "\"}").collect(Collectors.joining(","));
        return put(taskId, "{\"action\":\"LABEL_SUBMIT\",\"label_submit_config\":{\"task_assignments\":[" + ids + "]}}");
    }

    /** Posts a classification annotation in the task: the given concepts present. */
    public ApiClient.Reply<MultiAnnotationResponse> classify(String taskId, String inputId, String... conceptIds) {
        String concepts = java.util.Arrays.stream(conceptIds).map(c -> "{\"id\":\"" + c + "\",\"value\":1}")
                .collect(Collectors.joining(","));
        return annotate("{\"annotations\":[{\"input_id\":\"" + inputId + "\",\"task_id\":\"" + taskId
                + "\",\"data\":{\"concepts\":[" + concepts + "]}}]}");
    }

    public ApiClient.Reply<MultiAnnotationResponse> annotate(String json) {
        return api.send("POST", appPath + "/annotations", token, json, MultiAnnotationResponse.getDefaultInstance());
    }

    public ApiClient.Reply<MultiAnnotationResponse> patchAnnotations(String json) {
        return api.send("PATCH", appPath + "/annotations", token, json, MultiAnnotationResponse.getDefaultInstance());
    }

    /** Labels a whole batch with the same concept and submits it; returns the submitted assignments. */
    public List<TaskAssignment> labelBatch(String taskId, List<TaskAssignment> batch, String conceptId) {
        for (TaskAssignment assignment : batch) {
            var posted = classify(taskId, assignment.getInput().getId(), conceptId);
            assertThat(posted.code()).as(posted.body()).isEqualTo(10000);
        }
        var submitted = submit(taskId, batch);
        assertThat(submitted.code()).as(submitted.body()).isEqualTo(10000);
        return submitted.message().getTaskAssignmentsList();
    }
}
