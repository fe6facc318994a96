package dev.annotask.task;

import static dev.annotask.task.TaskJson.body;
import static dev.annotask.task.TaskJson.consensus;
import static dev.annotask.task.TaskJson.full;
import static dev.annotask.task.TaskJson.ids;
import static dev.annotask.task.TaskJson.manual;
import static dev.annotask.task.TaskJson.partitioned;
import static dev.annotask.task.TaskJson.review;
import static dev.annotask.task.TaskJson.source;
import static dev.annotask.task.TaskJson.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PostTasks validation, all or nothing per request: a table of bad requests, each answered
 * with its status code, HTTP code and a {@code details} naming the task and field, after which
 * the app still has no task; and the valid edge cases, which must be accepted. One server per
 * database vendor; each test gets a fresh app with concept {@code cat}, datasets {@code ds1}, {@code ds2},
 * input {@code in1} and collaborators w1, w2, w3, r1, r2 (user {@code stranger} exists but is
 * not a collaborator).
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class TaskValidationApiTest {
    private static final String OWNER = "owner";
    private static final String[] COLLABORATORS = {"w1", "w2", "w3", "r1", "r2"};

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newApp() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        app = world.newBareApp("tasks");
        app.addCollaborators(world.ownerToken(), COLLABORATORS);
        app.postConcepts("cat");
        app.postDatasets("ds1", "ds2");
        app.postTextInputs("in1");
    }

    // --- Bad requests. -----------------------------------------------------------------

    /** A request that must be refused; {@code body} null for a GET whose query is in {@code path}. */
    record BadRequest(String name, String verb, String path, String body, int code, int http, List<String> details) {
        @Override
        public String toString() {
            return name;
        }
    }

    static BadRequest post(String name, String body, int code, String... details) {
        return new BadRequest(name, "POST", "/v2/tasks", body, code, 400, List.of(details));
    }

    static BadRequest query(String name, String query, int code, String... details) {
        return new BadRequest(name, "GET", "/v2/tasks" + query, null, code, 400, List.of(details));
    }

    static Stream<BadRequest> badRequests() {
        final int format = 11100;
        final int invalid = 11102;
        String evenlyByTwo = partitioned("EVENLY", "2", null, "w1", "w2");
        return Stream.of(
                // Not JSON, wrong JSON types, unknown enum names: CONN_BAD_REQUEST_FORMAT naming the JSON path.
                post("body is not JSON", "{\"tasks\":[", format),
                post("tasks is an object", "{\"tasks\":{}}", format, "tasks"),
                post("sample_ms is a word", body(task("\"sample_ms\":\"soon\"")), format, "tasks[0].sample_ms"),
                post("unknown worker strategy", body(task("\"worker\":{\"strategy\":\"FULLL\",\"user_ids\":[\"w1\"]}")),
                        format, "tasks[0].worker.strategy"),
                post("unknown task type", body(task("\"type\":\"CLASSIFY\"")), format, "tasks[0].type"),
                post("unknown input source type", body(task(source("EVERYTHING", null))), format,
                        "tasks[0].input_source.type"),
                post("unknown review strategy", body(task("\"review\":{\"strategy\":\"AUTO\"}")), format,
                        "tasks[0].review.strategy"),
                post("concept_ids is a string", body(task("\"concept_ids\":\"cat\"")), format, "tasks[0].concept_ids"),
                post("workers_per_input is a word", body(task(partitioned("EVENLY", "\"one\"", null, "w1", "w2"))),
                        format, "tasks[0].worker.partitioned_strategy_info.workers_per_input"),
                post("unknown type in the second task", body(task(), task("\"type\":\"CLASSIFY\"")), format,
                        "tasks[1].type"),
                // Query strings ListTasks cannot read (the gateway's rule for query values).
                query("per_page is a word", "?per_page=many", invalid, "per_page"),
                query("page is negative", "?page=-1", invalid, "page"),
                // Invalid tasks: CONN_INVALID_REQUEST naming the task and the field.
                post("missing type", body(task("-type")), invalid, "tasks[0]", "type"),
                post("missing type in the second task", body(task(), task("-type")), invalid, "tasks[1]", "type"),
                post("worker without strategy", body(task("\"worker\":{\"user_ids\":[\"w1\"]}")), invalid,
                        "tasks[0]", "strategy"),
                post("no worker at all", body(task("-worker")), invalid, "tasks[0]", "worker"),
                post("concept not in the app", body(task("\"concept_ids\":[\"cat\",\"dog\"]")), invalid,
                        "tasks[0]", "concept"),
                post("concept not in the app, current form",
                        body(task("-concept_ids", "\"concepts\":[{\"concept\":{\"id\":\"dog\"}}]")), invalid,
                        "tasks[0]", "concept"),
                post("worker is not a collaborator", body(task(full("w1", "stranger"))), invalid, "tasks[0]", "worker"),
                post("worker is an unknown user", body(task(full("ghost"))), invalid, "tasks[0]", "worker"),
                post("worker is an unknown user, current form", body(task(
                        "\"worker\":{\"strategy\":\"FULL\",\"workers\":[{\"user\":{\"id\":\"ghost\"}}]}")), invalid,
                        "tasks[0]", "worker"),
                post("reviewer is not a collaborator", body(task(review("MANUAL", null, "stranger"))), invalid,
                        "tasks[0]", "review"),
                post("reviewer is an unknown user, current form", body(task("\"review\":{\"strategy\":\"CONSENSUS\","
                        + "\"users\":[{\"id\":\"ghost\"}],\"consensus_strategy_info\":{\"approval_threshold\":1}}")),
                        invalid, "tasks[0]", "review"),
                post("PARTITIONED without partitioned_strategy_info", body(task(
                        "\"worker\":{\"strategy\":\"PARTITIONED\",\"user_ids\":" + ids("w1", "w2") + "}")), invalid,
                        "tasks[0]", "partitioned_strategy_info"),
                post("PARTITIONED with no workers", body(task(partitioned("EVENLY", "1", null))), invalid,
                        "tasks[0]", "worker"),
                post("workers_per_input 0", body(task(partitioned("EVENLY", "0", null, "w1", "w2"))), invalid,
                        "tasks[0]", "workers_per_input"),
                post("workers_per_input negative", body(task(partitioned("EVENLY", "-1", null, "w1", "w2"))), invalid,
                        "tasks[0]", "workers_per_input"),
                post("workers_per_input above the number of workers, in the second task",
                        body(task(), task(partitioned("EVENLY", "3", null, "w1", "w2"))), invalid,
                        "tasks[1]", "workers_per_input"),
                post("weight for a user who is not a worker", body(task(partitioned("WEIGHTED", "1",
                        "{\"w1\":1,\"w2\":1,\"w3\":1}", "w1", "w2"))), invalid, "tasks[0]", "weights"),
                post("weight zero", body(task(partitioned("WEIGHTED", "1", "{\"w1\":1,\"w2\":0}", "w1", "w2"))),
                        invalid, "tasks[0]", "weights"),
                post("weight negative", body(task(partitioned("WEIGHTED", "1", "{\"w1\":1,\"w2\":-1}", "w1", "w2"))),
                        invalid, "tasks[0]", "weights"),
                post("weight is not a number", body(task(partitioned("WEIGHTED", "1", "{\"w1\":1,\"w2\":\"heavy\"}",
                        "w1", "w2"))), invalid, "tasks[0]", "weights"),
                post("a share above 1/workers_per_input (60/20/20, 2 per input)", body(task(partitioned("WEIGHTED", "2",
                        "{\"w1\":60,\"w2\":20,\"w3\":20}", "w1", "w2", "w3"))), invalid, "tasks[0]", "weights"),
                post("a worker without weight", body(task(partitioned("WEIGHTED", "1", "{\"w1\":1}", "w1", "w2"))),
                        invalid, "tasks[0]", "weights"),
                post("WEIGHTED without weights", body(task(partitioned("WEIGHTED", "1", null, "w1", "w2"))), invalid,
                        "tasks[0]", "weights"),
                post("sample_percentage below 0", body(task(review("MANUAL", manual("-0.1"), "r1"))), invalid,
                        "tasks[0]", "sample_percentage"),
                post("sample_percentage above 1", body(task(review("MANUAL", manual("1.5"), "r1"))), invalid,
                        "tasks[0]", "sample_percentage"),
                post("CONSENSUS with an empty consensus_strategy_info", body(task(evenlyByTwo,
                        review("CONSENSUS", consensus("{}"), "r1"))), invalid, "tasks[0]", "approval_threshold"),
                post("CONSENSUS without consensus_strategy_info", body(task(evenlyByTwo,
                        review("CONSENSUS", null, "r1"))), invalid, "tasks[0]", "approval_threshold"),
                post("MANUAL without reviewers", body(task(review("MANUAL", null))), invalid, "tasks[0]", "review"),
                post("CONSENSUS without reviewers", body(task(evenlyByTwo,
                        review("CONSENSUS", consensus("{\"approval_threshold\":2}")))), invalid, "tasks[0]", "review"),
                post("approval_threshold_reviewers 2", body(task(review("CONSENSUS",
                        consensus("{\"approval_threshold_labelers\":1,\"approval_threshold_reviewers\":2}"), "r1", "r2"))),
                        invalid, "tasks[0]", "approval_threshold_reviewers"),
                post("approval_threshold_reviewers -2", body(task(review("CONSENSUS",
                        consensus("{\"approval_threshold_labelers\":1,\"approval_threshold_reviewers\":-2}"), "r1"))),
                        invalid, "tasks[0]", "approval_threshold_reviewers"),
                post("DATASET source that does not exist", body(task(source("DATASET", "nope"))), invalid,
                        "tasks[0]", "input_source"),
                post("DATASET source without id", body(task(source("DATASET", null))), invalid,
                        "tasks[0]", "input_source"),
                post("INPUT source that does not exist", body(task(source("INPUT", "nope"))), invalid,
                        "tasks[0]", "input_source"),
                post("input source without type", body(task("\"input_source\":{}")), invalid,
                        "tasks[0]", "input_source"),
                post("no input source", body(task("-input_source")), invalid, "tasks[0]", "input_source"),
                post("129 tasks", body(Collections.nCopies(129, task()).toArray(String[]::new)), invalid, "tasks"),
                post("SAVED_SEARCH source that does not exist", body(task(source("SAVED_SEARCH", "s1"))), invalid,
                        "tasks[0]", "input_source.id", "s1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestIsRefusedAndWritesNothing(BadRequest bad) {
        var reply = app.call(bad.verb(), bad.path(), bad.body(), MultiTaskResponse.getDefaultInstance());

        assertThat(reply.code()).as(reply.body()).isEqualTo(bad.code());
        assertThat(reply.httpStatus()).as(reply.body()).isEqualTo(bad.http());
        assertThat(reply.body()).as("the list is always printed").contains("\"tasks\":[]");
        for (String detail : bad.details()) {
            assertThat(reply.status().getDetails()).as(reply.body()).contains(detail);
        }
        var after = app.call("GET", "/v2/tasks", null, MultiTaskResponse.getDefaultInstance());
        assertThat(after.code()).isEqualTo(10000);
        assertThat(after.body()).as("nothing was written").contains("\"tasks\":[]");
        assertThat(after.message().getTasksList()).isEmpty();
    }

    // --- Valid edge cases. --------------------------------------------------------------

    record ValidTask(String name, String json) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ValidTask> validTasks() {
        String consensusByLabelers = "{\"approval_threshold_labelers\":1,\"approval_threshold_reviewers\":";
        return Stream.of(
                new ValidTask("FULL with no workers (the seed's non-assigned task)", task(full())),
                new ValidTask("CONSENSUS threshold 2 with workers_per_input 1 (the seed)", task(
                        partitioned("WEIGHTED", "1", "{\"w1\":1,\"w2\":1,\"w3\":1}", "w1", "w2", "w3"),
                        review("CONSENSUS", consensus("{\"approval_threshold\":2}"), "r1"))),
                new ValidTask("EVENLY without weights, every worker on every input",
                        task(partitioned("EVENLY", "2", null, "w1", "w2"))),
                new ValidTask("WEIGHTED with a share of exactly 1/workers_per_input (50/25/25, 2 per input)",
                        task(partitioned("WEIGHTED", "2", "{\"w1\":50,\"w2\":25,\"w3\":25}", "w1", "w2", "w3"))),
                new ValidTask("weights that do not add up to 100",
                        task(partitioned("WEIGHTED", "1", "{\"w1\":9,\"w2\":1}", "w1", "w2"))),
                new ValidTask("DYNAMIC", task("\"worker\":{\"strategy\":\"DYNAMIC\",\"user_ids\":" + ids("w1", "w2")
                        + "}")),
                new ValidTask("MANUAL sample_percentage 0", task(review("MANUAL", manual("0"), "r1"))),
                new ValidTask("MANUAL sample_percentage 1", task(review("MANUAL", manual("1"), "r1"))),
                new ValidTask("approval_threshold_reviewers -1",
                        task(review("CONSENSUS", consensus(consensusByLabelers + "-1}"), "r1", "r2"))),
                new ValidTask("approval_threshold_reviewers 0",
                        task(review("CONSENSUS", consensus(consensusByLabelers + "0}"), "r1"))),
                new ValidTask("approval_threshold_reviewers 1",
                        task(review("CONSENSUS", consensus(consensusByLabelers + "1}"), "r1", "r2"))),
                new ValidTask("the owner as worker and reviewer", task(full(OWNER, "w1"), review("MANUAL", null, OWNER))),
                new ValidTask("DATASET source", task(source("DATASET", "ds1"))),
                new ValidTask("INPUT source", task(source("INPUT", "in1"))),
                new ValidTask("bounding boxes", task("\"type\":\"BOUNDING_BOX_DETECTION\"")),
                new ValidTask("polygons", task("\"type\":\"POLYGON_DETECTION\"")),
                new ValidTask("enums as numbers", task("\"type\":1", "\"worker\":{\"strategy\":3,\"user_ids\":[\"w1\"]}",
                        "\"input_source\":{\"type\":1}", "\"review\":{\"strategy\":1}")),
                new ValidTask("lowerCamelCase names", "{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":"
                        + "\"PARTITIONED\",\"userIds\":[\"w1\",\"w2\"],\"partitionedStrategyInfo\":{\"type\":\"EVENLY\","
                        + "\"workersPerInput\":1}},\"conceptIds\":[\"cat\"],\"inputSource\":{\"type\":\"ALL_INPUTS\"},"
                        + "\"sampleMs\":500,\"review\":{\"strategy\":\"NONE\"}}"),
                new ValidTask("current forms: workers, concepts, review.users, approval_threshold_labelers", "{\"type\":"
                        + "\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"FULL\",\"workers\":[{\"user\":{\"id\":"
                        + "\"w1\"}},{\"user\":{\"id\":\"w2\"}}]},\"concepts\":[{\"concept\":{\"id\":\"cat\"}}],"
                        + "\"input_source\":{\"type\":\"ALL_INPUTS\"},\"review\":{\"strategy\":\"CONSENSUS\",\"users\":"
                        + "[{\"id\":\"r1\"}],\"consensus_strategy_info\":{\"approval_threshold_labelers\":2}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validTasks")
    void validEdgeCaseIsAccepted(ValidTask valid) {
        var reply = app.call("POST", "/v2/tasks", body(valid.json()), MultiTaskResponse.getDefaultInstance());

        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.httpStatus()).isEqualTo(200);
        assertThat(reply.message().getTasksList()).hasSize(1);
        Task task = reply.message().getTasks(0);
        assertThat(task.getId()).matches(DataFixtures.GENERATED_ID);
        assertThat(task.getStatus().getCodeValue()).isEqualTo(54001);
        assertThat(app.taskIds("")).containsExactly(task.getId());
    }

    @Test
    void oneHundredTwentyEightTasksInOneRequestAreAccepted() {
        String[] tasks = Collections.nCopies(128, task()).toArray(String[]::new);
        List<Task> created = app.postTasks(tasks);

        assertThat(created).extracting(Task::getId).doesNotHaveDuplicates();
        assertThat(app.taskIds("?per_page=1000")).containsExactlyInAnyOrderElementsOf(
                created.stream().map(Task::getId).toList());
    }

    @Test
    void legacyAndCurrentFormsComeBackConsistently() {
        Task legacy = app.postTask(task(partitioned("EVENLY", "1", null, "w1", "w2"),
                review("CONSENSUS", consensus("{\"approval_threshold\":2}"), "r1", "r2")));
        Task current = app.postTask("{\"type\":\"CONCEPTS_CLASSIFICATION\",\"worker\":{\"strategy\":\"FULL\","
                + "\"workers\":[{\"user\":{\"id\":\"w1\"}},{\"user\":{\"id\":\"w2\"}}]},"
                + "\"concepts\":[{\"concept\":{\"id\":\"cat\"}}],\"input_source\":{\"type\":\"ALL_INPUTS\"},"
                + "\"review\":{\"strategy\":\"CONSENSUS\",\"users\":[{\"id\":\"r1\"},{\"id\":\"r2\"}],"
                + "\"consensus_strategy_info\":{\"approval_threshold_labelers\":2}}}");

        for (Task task : List.of(legacy, current, app.getTask(legacy.getId()), app.getTask(current.getId()))) {
            DataFixtures.assertWorkers(task, "w1", "w2");
            DataFixtures.assertReviewers(task, "r1", "r2");
            assertThat(task.getConceptIdsList()).containsExactly("cat");
            assertThat(task.getConceptsList()).extracting(c -> c.getConcept().getId()).containsExactly("cat");
            assertThat(task.getReview().getConsensusStrategyInfo().getApprovalThreshold()).isEqualTo(2);
            assertThat(task.getReview().getConsensusStrategyInfo().getApprovalThresholdLabelers()).isEqualTo(2);
        }
    }

    @Test
    void everyTaskFieldIsStoredAndReturned() {
        Task created = app.postTask("""
                {"type":"BOUNDING_BOX_DETECTION","name":"Boxes","description":"Draw a box around each cat",
                 "worker":{"strategy":"FULL","user_ids":["w1"],"type":"WORKER_HUMAN"},
                 "concept_ids":["cat"],"input_source":{"type":"DATASET","id":"ds2"},"sample_ms":250,
                 "ai_assistant":{"workflow_id":"assist"},
                 "ai_assist_params":{"min_threshold":0.25,"max_threshold":0.75,"concept_relation_ids":["rel1"]},
                 "review":{"strategy":"MANUAL","user_ids":["r1"],"manual_strategy_info":{"sample_percentage":0.25}},
                 "visibility":{"gettable":"PRIVATE"},"delete_previous_annotations":true,"priority":"HIGH",
                 "metadata":{"batch":7,"tags":["a","b"],"nested":{"ok":true}}}""");

        for (Task task : List.of(created, app.getTask(created.getId()))) {
            assertThat(task.getType()).isEqualTo(Task.TaskType.BOUNDING_BOX_DETECTION);
            assertThat(task.getName()).isEqualTo("Boxes");
            assertThat(task.getDescription()).isEqualTo("Draw a box around each cat");
            assertThat(task.getWorker().getType().getNumber()).as("WORKER_HUMAN").isEqualTo(1);
            assertThat(task.getInputSource().getId()).isEqualTo("ds2");
            assertThat(task.getSampleMs()).isEqualTo(250);
            assertThat(task.getAiAssistant().getWorkflowId()).isEqualTo("assist");
            assertThat(task.getAiAssistParams().getMinThreshold()).isEqualTo(0.25f);
            assertThat(task.getAiAssistParams().getMaxThreshold()).isEqualTo(0.75f);
            assertThat(task.getAiAssistParams().getConceptRelationIdsList()).containsExactly("rel1");
            assertThat(task.getReview().getManualStrategyInfo().getSamplePercentage()).isEqualTo(0.25f);
            assertThat(task.getVisibility().getGettableValue()).as("PRIVATE").isEqualTo(10);
            assertThat(task.getDeletePreviousAnnotations()).isTrue();
            assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.HIGH);
            var metadata = task.getMetadata().getFieldsMap();
            assertThat(metadata.get("batch").getNumberValue()).isEqualTo(7.0);
            assertThat(metadata.get("tags").getListValue().getValuesList()).extracting(v -> v.getStringValue())
                    .containsExactly("a", "b");
            assertThat(metadata.get("nested").getStructValue().getFieldsMap().get("ok").getBoolValue()).isTrue();
        }
    }
}
