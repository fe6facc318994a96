package dev.annotask.task;

import static dev.annotask.task.TaskJson.full;
import static dev.annotask.task.TaskJson.partitioned;
import static dev.annotask.task.TaskJson.review;
import static dev.annotask.task.TaskJson.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PatchTasks ({@code overwrite} replaces and revalidates the task, {@code merge} changes only
 * its status), DeleteTasks and GetTask on missing tasks: each all or nothing per request. One
 * server per database vendor; each test gets a fresh app with concept {@code cat} and
 * collaborators w1, w2, w3, r1.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class TaskPatchDeleteApiTest {
    private static final String OWNER = "owner";
    private static final String[] COLLABORATORS = {"w1", "w2", "w3", "r1"};
    private static final String GHOST = "0123456789abcdef0123456789abcdef";

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("patch");
        app.addCollaborators(world.ownerToken(), COLLABORATORS);
        app.postConcepts("cat");
    }

    /** A task JSON with this id, from {@link TaskJson#task} changes. */
    private static String withId(String id, String... changes) {
        String[] all = new String[changes.length + 1];
        all[0] = "\"id\":\"" + id + "\"";
        System.arraycopy(changes, 0, all, 1, changes.length);
        return task(all);
    }

    private ApiClient.Reply<MultiTaskResponse> patch(String action, String... tasks) {
        return app.call("PATCH", "/v2/tasks", "{\"action\":\"" + action + "\",\"tasks\":[" + String.join(",", tasks)
                + "]}", MultiTaskResponse.getDefaultInstance());
    }

    private ApiClient.Reply<MultiTaskResponse> mergeStatus(String taskId, String code) {
        return patch("merge", "{\"id\":\"" + taskId + "\",\"status\":{\"code\":" + code + "}}");
    }

    private void assertUnchanged(Task before) {
        Task now = app.getTask(before.getId());
        assertThat(now.getName()).isEqualTo(before.getName());
        assertThat(now.getStatus().getCodeValue()).isEqualTo(before.getStatus().getCodeValue());
        assertThat(now.getWorker()).isEqualTo(before.getWorker());
        assertThat(now.getReview()).isEqualTo(before.getReview());
    }

    @Test
    void overwriteReplacesTheWholeTaskAndTheFiltersFollow() {
        Task before = app.postTask(task("\"name\":\"A\"", full("w1"), review("MANUAL", null, "r1")));

        var reply = patch("overwrite", withId(before.getId(), "\"name\":\"B\"",
                partitioned("EVENLY", "1", null, "w2", "w3")));

        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        for (Task task : new Task[] {reply.message().getTasks(0), app.getTask(before.getId())}) {
            assertThat(task.getId()).isEqualTo(before.getId());
            assertThat(task.getName()).isEqualTo("B");
            assertThat(task.getWorker().getStrategy()).isEqualTo(TaskWorker.TaskWorkerStrategy.PARTITIONED);
            DataFixtures.assertWorkers(task, "w2", "w3");
            assertThat(task.getReview().getStrategy()).isEqualTo(TaskReview.TaskReviewStrategy.NONE);
            DataFixtures.assertReviewers(task);
            assertThat(task.getStatus().getCodeValue()).isEqualTo(54001);
            assertThat(task.getAppId()).isEqualTo(app.appId());
            assertThat(task.getUserId()).isEqualTo(OWNER);
            assertThat(task.getCreatedAt().getSeconds()).as("still the same task")
                    .isEqualTo(before.getCreatedAt().getSeconds());
        }
        assertThat(app.taskIds("?worker_user_ids=w1")).isEmpty();
        assertThat(app.taskIds("?worker_user_ids=w3")).containsExactly(before.getId());
        assertThat(app.taskIds("?review_user_ids=r1")).isEmpty();
    }

    @Test
    void overwriteWithAnInvalidTaskChangesNothing() {
        Task first = app.postTask(task("\"name\":\"first\""));
        Task second = app.postTask(task("\"name\":\"second\""));

        var invalid = patch("overwrite", withId(first.getId(), "\"name\":\"renamed\""),
                withId(second.getId(), partitioned("EVENLY", "3", null, "w1", "w2")));
        assertThat(invalid.code()).as(invalid.body()).isEqualTo(11102);
        assertThat(invalid.httpStatus()).isEqualTo(400);
        assertThat(invalid.status().getDetails()).contains("tasks[1]").contains("workers_per_input");
        assertThat(invalid.body()).contains("\"tasks\":[]");

        var badFormat = patch("overwrite", withId(first.getId(), "\"worker\":{\"strategy\":\"FULLL\"}"));
        assertThat(badFormat.code()).as(badFormat.body()).isEqualTo(11100);
        assertThat(badFormat.status().getDetails()).contains("tasks[0].worker.strategy");

        var strangerConcept = patch("overwrite", withId(first.getId(), "\"concept_ids\":[\"dog\"]"));
        assertThat(strangerConcept.code()).as(strangerConcept.body()).isEqualTo(11102);

        assertUnchanged(first);
        assertUnchanged(second);
    }

    @Test
    void mergeChangesOnlyTheStatus() {
        Task before = app.postTask(task("\"name\":\"A\"", full("w1", "w2"), review("MANUAL", null, "r1")));

        var wontDo = mergeStatus(before.getId(), "\"TASK_WONT_DO\"");
        assertThat(wontDo.code()).as(wontDo.body()).isEqualTo(10000);
        assertThat(wontDo.message().getTasks(0).getStatus().getCodeValue()).isEqualTo(54003);
        Task after = app.getTask(before.getId());
        assertThat(after.getStatus().getCodeValue()).isEqualTo(54003);
        assertThat(after.getName()).isEqualTo("A");
        assertThat(after.getWorker()).isEqualTo(before.getWorker());
        assertThat(after.getReview()).isEqualTo(before.getReview());

        assertThat(mergeStatus(before.getId(), "\"TASK_IN_PROGRESS\"").code()).isEqualTo(10000);
        assertThat(app.getTask(before.getId()).getStatus().getCodeValue()).isEqualTo(54001);
        assertThat(mergeStatus(before.getId(), "54002").code()).as("status code by number").isEqualTo(10000);
        assertThat(app.getTask(before.getId()).getStatus().getCodeValue()).isEqualTo(54002);
    }

    @Test
    void statusesOtherThanDoneWontDoAndInProgressAreRefused() {
        Task before = app.postTask(task());

        for (String code : new String[] {"\"SUCCESS\"", "\"TASK_FAILED\"", "\"TASK_ASSIGNMENT_PENDING\""}) {
            var reply = mergeStatus(before.getId(), code);
            assertThat(reply.code()).as(code + ": " + reply.body()).isEqualTo(11102);
            assertThat(reply.status().getDetails()).contains("status");
        }
        var overwrite = patch("overwrite", withId(before.getId(), "\"status\":{\"code\":\"SUCCESS\"}"));
        assertThat(overwrite.code()).as(overwrite.body()).isEqualTo(11102);
        assertUnchanged(before);
    }

    @Test
    void patchingAMissingTaskIsTaskMissingAndChangesNothing() {
        Task existing = app.postTask(task());

        var overwrite = patch("overwrite", withId(GHOST));
        assertThat(overwrite.code()).as(overwrite.body()).isEqualTo(54102);
        assertThat(overwrite.httpStatus()).isEqualTo(404);
        var merge = mergeStatus(GHOST, "\"TASK_DONE\"");
        assertThat(merge.code()).as(merge.body()).isEqualTo(54102);
        assertThat(merge.httpStatus()).isEqualTo(404);

        var batch = patch("merge", "{\"id\":\"" + existing.getId() + "\",\"status\":{\"code\":\"TASK_DONE\"}}",
                "{\"id\":\"" + GHOST + "\",\"status\":{\"code\":\"TASK_DONE\"}}");
        assertThat(batch.code()).as(batch.body()).isEqualTo(54102);
        assertThat(app.getTask(existing.getId()).getStatus().getCodeValue()).as("all or nothing").isEqualTo(54001);
    }

    @Test
    void unknownPatchActionIsRefused() {
        Task before = app.postTask(task("\"name\":\"A\""));

        for (String action : new String[] {"replace", "remove"}) {
            var reply = patch(action, withId(before.getId(), "\"name\":\"B\""));
            assertThat(reply.code()).as("action '" + action + "': " + reply.body()).isEqualTo(11102);
            assertThat(reply.httpStatus()).isEqualTo(400);
            assertThat(reply.status().getDetails()).contains("action");
        }
        assertUnchanged(before);
    }

    @Test
    void deleteWithAMissingIdDeletesNothing() {
        String first = app.postTask(task()).getId();
        String second = app.postTask(task()).getId();

        var reply = app.call("DELETE", "/v2/tasks", "{\"ids\":[\"" + first + "\",\"" + GHOST + "\"]}",
                BaseResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(54102);
        assertThat(reply.httpStatus()).isEqualTo(404);
        assertThat(app.taskIds("")).containsExactly(first, second);

        assertThat(app.call("DELETE", "/v2/tasks", "{\"ids\":[\"" + first + "\"]}", BaseResponse.getDefaultInstance())
                .code()).isEqualTo(10000);
        assertThat(app.taskIds("")).containsExactly(second);
        var again = app.call("DELETE", "/v2/tasks", "{\"ids\":[\"" + first + "\"]}", BaseResponse.getDefaultInstance());
        assertThat(again.code()).as("a deleted task is missing").isEqualTo(54102);
    }

    @Test
    void getOfAMissingTaskIsTaskMissing() {
        app.postTask(task());

        var reply = app.call("GET", "/v2/tasks/" + GHOST, null, SingleTaskResponse.getDefaultInstance());
        assertThat(reply.code()).isEqualTo(54102);
        assertThat(reply.httpStatus()).isEqualTo(404);
        assertThat(reply.message().hasTask()).isFalse();
    }
}
