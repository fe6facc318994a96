package dev.annotask.task;

import static dev.annotask.testing.DataFixtures.assertReviewers;
import static dev.annotask.testing.DataFixtures.assertWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annotask.proto.api.MultiTaskResponse;
import dev.annotask.proto.api.SingleTaskResponse;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskInputSource;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.TaskWorkerPartitionedStrategyInfo;
import dev.annotask.proto.api.status.BaseResponse;
import dev.annotask.store.SqlDialect;
import dev.annotask.testing.DataFixtures;
import dev.annotask.testing.LabelingWorld;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every curl call of Clarifai's Tasks API documentation (v2), with its body as the docs print it
 * and the placeholders filled in, asserting what the docs promise. One server per database
 * vendor; each test gets a fresh app with concept {@code cat} and the doc's users as
 * collaborators.
 */
@ParameterizedClass
@MethodSource("dev.annotask.testing.TestDatabases#dialects")
class SeedDocsApiTest {
    private static final String OWNER = "owner";
    private static final String[] USERS = {"worker", "reviewer", "user1", "user2", "user3", "user4"};
    private static final Map<String, String> PLACEHOLDERS = Map.of(
            "{{concept_id}}", "cat",
            "{{worker_user_id}}", "worker",
            "{{reviewer_user_id}}", "reviewer",
            "{{user_id1}}", "user1",
            "{{user_id2}}", "user2",
            "{{user_id3}}", "user3",
            "{{user_id4}}", "user4");

    // --- The request bodies of the doc's curl calls, verbatim. -------------------------

    private static final String NON_ASSIGNED_TASK = """
            {
                "tasks": [
                    {
                        "type": "CONCEPTS_CLASSIFICATION",
                        "name": "Annotate {{concept_id}}",
                        "worker": {
                            "strategy": "FULL"
                        },
                        "concept_ids": [
                            "{{concept_id}}"
                        ],
                        "input_source": {
                            "type": "ALL_INPUTS"
                        },
                        "sample_ms": 1000,
                        "review": {
                            "strategy": "NONE"
                        }
                    }
                ]
            }""";

    private static final String ASSIGNED_TASK = """
            {
                "tasks": [
                    {
                        "type": "CONCEPTS_CLASSIFICATION",
                        "name": "Annotate {{concept_id}}",
                        "worker": {
                            "strategy": "FULL",
                            "user_ids": [
                                "{{worker_user_id}}"
                            ]
                        },
                        "concept_ids": [
                            "{{concept_id}}"
                        ],
                        "input_source": {
                            "type": "ALL_INPUTS"
                        },
                        "sample_ms": 1000,
                        "review": {
                            "strategy": "MANUAL",
                            "manual_strategy_info": {
                                "sample_percentage": 0.5
                            },
                            "user_ids": [
                                "{{reviewer_user_id}}"
                            ]
                        }
                    }
                ]
            }""";

    private static final String PARTITIONED_TASK = """
            {
                "tasks": [
                    {
                        "type": "CONCEPTS_CLASSIFICATION",
                        "name": "Annotate {{concept_id}}",
                        "worker": {
                            "strategy": "PARTITIONED",
                            "user_ids": ["{{user_id1}}", "{{user_id2}}"],
                            "partitioned_strategy_info": {
                                "type": "WEIGHTED",
                                "workers_per_input": 1,
                                "weights": {
                                    "{{user_id1}}": 90,
                                    "{{user_id2}}": 10
                                }
                            }
                        },
                        "concept_ids": [
                            "{{concept_id}}"
                        ],
                        "input_source": {
                            "type": "ALL_INPUTS"
                        },
                        "sample_ms": 1000,
                        "review": {
                            "strategy": "NONE"
                        }
                    }
                ]
            }""";

    private static final String CONSENSUS_TASK = """
            {
                "tasks": [
                    {
                        "type": "CONCEPTS_CLASSIFICATION",
                        "name": "Annotate {{concept_id}}",
                        "worker": {
                            "strategy": "PARTITIONED",
                            "user_ids": ["{{user_id1}}", "{{user_id2}}", "{{user_id3}}"],
                            "partitioned_strategy_info": {
                                "type": "WEIGHTED",
                                "workers_per_input": 1,
                                "weights": {
                                    "{{user_id1}}": 1,
                                    "{{user_id2}}": 1,
                                    "{{user_id3}}": 1
                                }
                            }
                        },
                        "concept_ids": [
                            "{{concept_id}}"
                        ],
                        "input_source": {
                            "type": "ALL_INPUTS"
                        },
                        "sample_ms": 1000,
                        "review": {
                            "strategy": "CONSENSUS",
                            "consensus_strategy_info": {
                                "approval_threshold": 2
                            },
                            "user_ids": [
                                "{{user_id4}}"
                            ]
                        }
                    }
                ]
            }""";

    private static final String UPDATE_TASK = """
            {
                "action": "overwrite",
                "tasks": [
                    {
                        "id": "{{task_id}}",
                        "type": "CONCEPTS_CLASSIFICATION",
                        "name": "Annotate {{concept_id}}",
                        "worker": {
                            "strategy": "PARTITIONED",
                            "user_ids": ["{{user_id1}}", "{{user_id2}}"],
                            "partitioned_strategy_info": {
                                "type": "WEIGHTED",
                                "workers_per_input": 1,
                                "weights": {
                                    "{{user_id1}}": 1,
                                    "{{user_id2}}": 1
                                }
                            }
                        },
                        "concept_ids": [
                            "{{concept_id}}"
                        ],
                        "input_source": {
                            "type": "ALL_INPUTS"
                        },
                        "sample_ms": 1000,
                        "review": {
                            "strategy": "CONSENSUS",
                            "consensus_strategy_info": {
                                "approval_threshold": 2
                            },
                            "user_ids": [
                                "{{user_id3}}"
                            ]
                        },
                        "status": {
                            "code": "TASK_DONE"
                        }
                    }
                ]
            }""";

    private static final String DELETE_TASKS = """
            {
                "ids":["{{task_id}}"]
            }""";

    @Parameter
    SqlDialect dialect;

    private LabelingWorld world;
    private DataFixtures app;

    @BeforeEach
    void newAppWithConceptAndCollaborators() {
        world = LabelingWorld.sharedOnSystemClock(dialect);
        world.ensureUsers(USERS);
        app = world.newBareApp("seeds");
        app.addCollaborators(world.ownerToken(), USERS);
        app.postConcepts("cat");
    }

    private static String fill(String body) {
        String filled = body;
        for (Map.Entry<String, String> placeholder : PLACEHOLDERS.entrySet()) {
            filled = filled.replace(placeholder.getKey(), placeholder.getValue());
        }
        return filled;
    }

    /** POST /v2/tasks with the doc's body; checks the reply and returns the one task created. */
    private Task create(String docBody) {
        var reply = app.call("POST", "/v2/tasks", fill(docBody), MultiTaskResponse.getDefaultInstance());
        assertThat(reply.httpStatus()).as(reply.body()).isEqualTo(200);
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.message().getTasksList()).hasSize(1);
        Task task = reply.message().getTasks(0);
        assertThat(task.getId()).matches(DataFixtures.GENERATED_ID);
        assertThat(task.getStatus().getCodeValue()).as("TASK_IN_PROGRESS").isEqualTo(54001);
        assertThat(task.getAppId()).isEqualTo(app.appId());
        assertThat(task.getUserId()).isEqualTo(OWNER);
        assertThat(task.hasCreatedAt()).isTrue();
        assertThat(task.getType()).isEqualTo(Task.TaskType.CONCEPTS_CLASSIFICATION);
        assertThat(task.getName()).isEqualTo("Annotate cat");
        assertThat(task.getConceptIdsList()).containsExactly("cat");
        assertThat(task.getConceptsList()).extracting(c -> c.getConcept().getId()).containsExactly("cat");
        assertThat(task.getInputSource().getType()).isEqualTo(TaskInputSource.TaskInputSourceType.ALL_INPUTS);
        assertThat(task.getSampleMs()).isEqualTo(1000);
        return task;
    }

    private static double weight(Task task, String userId) {
        var weights = task.getWorker().getPartitionedStrategyInfo().getWeights().getFieldsMap();
        assertThat(weights).containsKey(userId);
        return weights.get(userId).getNumberValue();
    }

    /** The task without the fields a store may legitimately render differently (timestamps' precision, status text). */
    private static Task comparable(Task task) {
        return task.toBuilder().clearCreatedAt().clearModifiedAt().clearStatus().build();
    }

    @Test
    void nonAssignedTaskIsCreatedInProgressWithNoWorkers() {
        Task task = create(NON_ASSIGNED_TASK);

        assertThat(task.getWorker().getStrategy()).isEqualTo(TaskWorker.TaskWorkerStrategy.FULL);
        assertWorkers(task);
        assertThat(task.getReview().getStrategy()).isEqualTo(TaskReview.TaskReviewStrategy.NONE);
        assertReviewers(task);
    }

    @Test
    void assignedTaskHasItsWorkerAndManualReviewer() {
        Task task = create(ASSIGNED_TASK);

        assertThat(task.getWorker().getStrategy()).isEqualTo(TaskWorker.TaskWorkerStrategy.FULL);
        assertWorkers(task, "worker");
        assertThat(task.getReview().getStrategy()).isEqualTo(TaskReview.TaskReviewStrategy.MANUAL);
        assertThat(task.getReview().getManualStrategyInfo().getSamplePercentage()).isEqualTo(0.5f);
        assertReviewers(task, "reviewer");
    }

    @Test
    void partitionedTaskHasItsWorkersAndTheirWeightsAsGiven() {
        Task task = create(PARTITIONED_TASK);

        assertThat(task.getWorker().getStrategy()).isEqualTo(TaskWorker.TaskWorkerStrategy.PARTITIONED);
        assertWorkers(task, "user1", "user2");
        TaskWorkerPartitionedStrategyInfo info = task.getWorker().getPartitionedStrategyInfo();
        assertThat(info.getType()).isEqualTo(TaskWorkerPartitionedStrategyInfo.TaskWorkerPartitionedStrategy.WEIGHTED);
        assertThat(info.getWorkersPerInput()).isEqualTo(1);
        assertThat(info.getWeights().getFieldsMap()).hasSize(2);
        assertThat(weight(task, "user1")).isEqualTo(90.0);
        assertThat(weight(task, "user2")).isEqualTo(10.0);
        assertThat(task.getReview().getStrategy()).isEqualTo(TaskReview.TaskReviewStrategy.NONE);
    }

    @Test
    void consensusTaskHasItsThresholdInBothFormsAndItsReviewer() {
        Task task = create(CONSENSUS_TASK);

        assertWorkers(task, "user1", "user2", "user3");
        assertThat(weight(task, "user1")).isEqualTo(1.0);
        assertThat(weight(task, "user2")).isEqualTo(1.0);
        assertThat(weight(task, "user3")).isEqualTo(1.0);
        assertThat(task.getWorker().getPartitionedStrategyInfo().getWorkersPerInput()).isEqualTo(1);
        assertThat(task.getReview().getStrategy()).isEqualTo(TaskReview.TaskReviewStrategy.CONSENSUS);
        assertThat(task.getReview().getConsensusStrategyInfo().getApprovalThreshold()).isEqualTo(2);
        assertThat(task.getReview().getConsensusStrategyInfo().getApprovalThresholdLabelers()).isEqualTo(2);
        assertReviewers(task, "user4");
    }

    @Test
    void getTaskByIdReturnsTheTaskAsCreatedOnShortAndLongPath() {
        Task created = create(CONSENSUS_TASK);

        var reply = app.call("GET", "/v2/tasks/" + created.getId(), null, SingleTaskResponse.getDefaultInstance());
        assertThat(reply.httpStatus()).isEqualTo(200);
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        Task got = reply.message().getTask();
        assertThat(got.getStatus().getCodeValue()).isEqualTo(54001);
        assertThat(got.hasCreatedAt()).isTrue();
        assertThat(comparable(got)).isEqualTo(comparable(created));

        var viaLongPath = world.client().send("GET", app.longPath() + "/tasks/" + created.getId(), world.ownerToken(), null,
                SingleTaskResponse.getDefaultInstance());
        assertThat(viaLongPath.code()).as(viaLongPath.body()).isEqualTo(10000);
        assertThat(comparable(viaLongPath.message().getTask())).isEqualTo(comparable(created));
    }

    @Test
    void listAllTasksReturnsEveryTaskOfTheAppOldestFirst() {
        String first = create(NON_ASSIGNED_TASK).getId();
        String second = create(ASSIGNED_TASK).getId();
        String third = create(PARTITIONED_TASK).getId();
        String fourth = create(CONSENSUS_TASK).getId();

        var reply = app.call("GET", "/v2/tasks", null, MultiTaskResponse.getDefaultInstance());
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.message().getTasksList()).extracting(Task::getId).containsExactly(first, second, third, fourth);
        assertWorkers(reply.message().getTasks(2), "user1", "user2");
        assertReviewers(reply.message().getTasks(3), "user4");
    }

    @Test
    void listTasksAssignedToUserReturnsExactlyTheTasksTheyWorkOn() {
        create(NON_ASSIGNED_TASK);
        String assigned = create(ASSIGNED_TASK).getId();
        String partitioned = create(PARTITIONED_TASK).getId();
        String consensus = create(CONSENSUS_TASK).getId();

        assertThat(app.taskIds("?worker_user_ids=user1")).containsExactly(partitioned, consensus);
        assertThat(app.taskIds("?worker_user_ids=user3")).containsExactly(consensus);
        assertThat(app.taskIds("?worker_user_ids=worker")).containsExactly(assigned);
        assertThat(app.taskIds("?worker_user_ids=reviewer")).as("a reviewer is not a worker").isEmpty();
        assertThat(app.taskIds("?worker_user_ids=user4")).as("a reviewer is not a worker").isEmpty();
        assertThat(app.taskIds("?worker_user_ids=worker&worker_user_ids=user3")).containsExactly(assigned, consensus);
    }

    @Test
    void listTasksAssignedToUserForReviewReturnsExactlyTheTasksTheyReview() {
        create(NON_ASSIGNED_TASK);
        String assigned = create(ASSIGNED_TASK).getId();
        create(PARTITIONED_TASK);
        String consensus = create(CONSENSUS_TASK).getId();

        assertThat(app.taskIds("?review_user_ids=reviewer")).containsExactly(assigned);
        assertThat(app.taskIds("?review_user_ids=user4")).containsExactly(consensus);
        assertThat(app.taskIds("?review_user_ids=user1")).as("a worker is not a reviewer").isEmpty();
        assertThat(app.taskIds("?review_user_ids=worker")).as("a worker is not a reviewer").isEmpty();
        assertThat(app.taskIds("?review_user_ids=reviewer&review_user_ids=user4")).containsExactly(assigned, consensus);
    }

    @Test
    void updateTaskOverwritesWorkersAndReviewersAndMarksItDone() {
        String other = create(ASSIGNED_TASK).getId();
        Task before = create(CONSENSUS_TASK);

        var reply = app.call("PATCH", "/v2/tasks", fill(UPDATE_TASK).replace("{{task_id}}", before.getId()),
                MultiTaskResponse.getDefaultInstance());

        assertThat(reply.httpStatus()).as(reply.body()).isEqualTo(200);
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);
        assertThat(reply.message().getTasksList()).hasSize(1);
        for (Task task : new Task[] {reply.message().getTasks(0), app.getTask(before.getId())}) {
            assertThat(task.getId()).isEqualTo(before.getId());
            assertThat(task.getStatus().getCodeValue()).as("TASK_DONE").isEqualTo(54002);
            assertWorkers(task, "user1", "user2");
            assertThat(weight(task, "user1")).isEqualTo(1.0);
            assertThat(weight(task, "user2")).isEqualTo(1.0);
            assertThat(task.getWorker().getPartitionedStrategyInfo().getWeights().getFieldsMap()).hasSize(2);
            assertThat(task.getReview().getStrategy()).isEqualTo(TaskReview.TaskReviewStrategy.CONSENSUS);
            assertThat(task.getReview().getConsensusStrategyInfo().getApprovalThreshold()).isEqualTo(2);
            assertReviewers(task, "user3");
            assertThat(task.getAppId()).isEqualTo(app.appId());
        }
        assertThat(app.taskIds("?worker_user_ids=user3")).as("user3 is no longer a worker").isEmpty();
        assertThat(app.taskIds("?review_user_ids=user3")).containsExactly(before.getId());
        assertThat(app.taskIds("?review_user_ids=user4")).as("user4 is no longer a reviewer").isEmpty();
        Task untouched = app.getTask(other);
        assertThat(untouched.getStatus().getCodeValue()).isEqualTo(54001);
        assertWorkers(untouched, "worker");
    }

    @Test
    void deleteMultipleTasksRemovesThoseTasksOnly() {
        String kept1 = create(NON_ASSIGNED_TASK).getId();
        String deleted = create(ASSIGNED_TASK).getId();
        String kept2 = create(PARTITIONED_TASK).getId();

        var reply = app.call("DELETE", "/v2/tasks", DELETE_TASKS.replace("{{task_id}}", deleted),
                BaseResponse.getDefaultInstance());
        assertThat(reply.httpStatus()).as(reply.body()).isEqualTo(200);
        assertThat(reply.code()).as(reply.body()).isEqualTo(10000);

        var gone = app.call("GET", "/v2/tasks/" + deleted, null, SingleTaskResponse.getDefaultInstance());
        assertThat(gone.code()).as("TASK_MISSING").isEqualTo(54102);
        assertThat(gone.httpStatus()).isEqualTo(404);
        assertThat(app.getTask(kept1).getId()).isEqualTo(kept1);
        assertThat(app.getTask(kept2).getId()).isEqualTo(kept2);
        assertThat(app.taskIds("")).containsExactly(kept1, kept2);
        assertThat(app.taskIds("?worker_user_ids=worker")).isEmpty();

        var both = app.call("DELETE", "/v2/tasks", "{\"ids\":[\"" + kept1 + "\",\"" + kept2 + "\"]}",
                BaseResponse.getDefaultInstance());
        assertThat(both.code()).as(both.body()).isEqualTo(10000);
        var empty = app.call("GET", "/v2/tasks", null, MultiTaskResponse.getDefaultInstance());
        assertThat(empty.code()).isEqualTo(10000);
        assertThat(empty.body()).contains("\"tasks\":[]");
    }
}
