package dev.annotask.task;

import static dev.annotask.task.TaskJson.body;
import static dev.annotask.task.TaskJson.full;
import static dev.annotask.task.TaskJson.review;
import static dev.annotask.task.TaskJson.source;
import static dev.annotask.task.TaskJson.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.ApiClient;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ListTasks: pagination (default 128, at most 1000, oldest first, an empty page past the end),
 * the filters {@code ids}, {@code input_source_type}, {@code input_source_ids},
 * {@code additional_fields}; and tasks staying inside their app. One server per database
 * vendor; each test gets a fresh app with concept {@code cat}, datasets {@code ds1},
 * {@code ds2}, input {@code in1} and collaborators w1, w2, r1.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class TaskListApiTest {
    private static final String OWNER = "owner";
    private static final String[] COLLABORATORS = {"w1", "w2", "r1"};

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("list");
        app.addCollaborators(world.ownerToken(), COLLABORATORS);
        app.postConcepts("cat");
        app.postDatasets("ds1", "ds2");
        app.postTextInputs("in1");
    }

    @Test
    void listTasksPagesOldestFirstAndPastTheEndToAnEmptyList() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(app.postTask(task("\"name\":\"task " + i + "\"")).getId());
        }

        assertThat(app.taskIds("?per_page=2")).containsExactly(ids.get(0), ids.get(1));
        assertThat(app.taskIds("?per_page=2&page=1")).containsExactly(ids.get(0), ids.get(1));
        assertThat(app.taskIds("?per_page=2&page=2")).containsExactly(ids.get(2), ids.get(3));
        assertThat(app.taskIds("?per_page=2&page=3")).containsExactly(ids.get(4));
        var past = app.call("GET", "/v2/tasks?per_page=2&page=4", null, MultiTaskResponse.getDefaultInstance());
        assertThat(past.code()).isEqualTo(10000);
        assertThat(past.httpStatus()).isEqualTo(200);
        assertThat(past.body()).contains("\"tasks\":[]");
        assertThat(app.taskIds("")).containsExactlyElementsOf(ids);
    }

    @Test
    void listTasksPagesBy128ByDefaultAndCapsPerPageAt1000() {
        List<String> created = new ArrayList<>();
        String[] batch = Collections.nCopies(128, task()).toArray(String[]::new);
        for (int i = 0; i < 8; i++) {
            created.addAll(app.postTasks(batch).stream().map(Task::getId).toList());
        }

        assertThat(app.taskIds("")).as("default per_page").hasSize(128);
        List<String> capped = app.taskIds("?per_page=5000");
        assertThat(capped).as("per_page above 1000 is capped, not refused").hasSize(1000).doesNotHaveDuplicates();
        List<String> rest = app.taskIds("?per_page=1000&page=2");
        assertThat(rest).hasSize(24);
        List<String> all = new ArrayList<>(capped);
        all.addAll(rest);
        assertThat(all).containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void listTasksFiltersByIdsAndInputSource() {
        String all = app.postTask(task()).getId();
        String ds1 = app.postTask(task(source("DATASET", "ds1"))).getId();
        String ds2 = app.postTask(task(source("DATASET", "ds2"))).getId();
        String in1 = app.postTask(task(source("INPUT", "in1"))).getId();

        assertThat(app.taskIds("?ids=" + ds2 + "&ids=" + all)).containsExactly(all, ds2);
        assertThat(app.taskIds("?ids=" + in1)).containsExactly(in1);
        assertThat(app.taskIds("?ids=0123456789abcdef0123456789abcdef")).isEmpty();
        assertThat(app.taskIds("?input_source_type=DATASET")).containsExactly(ds1, ds2);
        assertThat(app.taskIds("?input_source_type=3")).as("enum by number").containsExactly(ds1, ds2);
        assertThat(app.taskIds("?input_source_type=ALL_INPUTS")).containsExactly(all);
        assertThat(app.taskIds("?input_source_type=INPUT")).containsExactly(in1);
        assertThat(app.taskIds("?input_source_ids=ds1")).containsExactly(ds1);
        assertThat(app.taskIds("?input_source_ids=ds1&input_source_ids=in1")).containsExactly(ds1, in1);
        assertThat(app.taskIds("?input_source_type=DATASET&input_source_ids=ds2")).containsExactly(ds2);
        assertThat(app.taskIds("?input_source_type=DATASET&ids=" + ds1 + "&ids=" + in1)).containsExactly(ds1);
    }

    @Test
    void additionalFieldsFillWorkerAndReviewerUsers() {
        String id = app.postTask(task(full("w1", "w2"), review("MANUAL", null, "r1"))).getId();

        Task withWorkers = app.listTasks("?additional_fields=worker.users").get(0);
        assertThat(withWorkers.getId()).isEqualTo(id);
        assertThat(withWorkers.getWorker().getUsersList()).extracting(User::getId).containsExactly("w1", "w2");
        Task withReviewers = app.listTasks("?additional_fields=review.users").get(0);
        assertThat(withReviewers.getReview().getUsersList()).extracting(User::getId).containsExactly("r1");
        Task withBoth = app.listTasks("?additional_fields=worker.users&additional_fields=review.users").get(0);
        DataFixtures.assertWorkers(withBoth, "w1", "w2");
        DataFixtures.assertReviewers(withBoth, "r1");
    }

    @Test
    void tasksAreReachedOnTheLongPathWithATokenAndStayInTheirApp() {
        ApiClient api = world.client();
        var created = api.send("POST", app.longPath() + "/tasks", world.ownerToken(), body(task()),
                MultiTaskResponse.getDefaultInstance());
        assertThat(created.code()).as(created.body()).isEqualTo(10000);
        String id = created.message().getTasks(0).getId();
        assertThat(app.taskIds("")).containsExactly(id);
        var viaLongPath = api.send("GET", app.longPath() + "/tasks", world.ownerToken(), null,
                MultiTaskResponse.getDefaultInstance());
        assertThat(viaLongPath.message().getTasksList()).extracting(Task::getId).containsExactly(id);

        DataFixtures other = world.newBareApp("list");
        assertThat(other.taskIds("")).isEmpty();
        var fromOtherApp = other.call("GET", "/v2/tasks/" + id, null, SingleTaskResponse.getDefaultInstance());
        assertThat(fromOtherApp.code()).isEqualTo(54102);
        assertThat(fromOtherApp.httpStatus()).isEqualTo(404);
        var deleteFromOtherApp = other.call("DELETE", "/v2/tasks", "{\"ids\":[\"" + id + "\"]}",
                BaseResponse.getDefaultInstance());
        assertThat(deleteFromOtherApp.code()).isEqualTo(54102);
        assertThat(app.getTask(id).getId()).isEqualTo(id);
    }
}
