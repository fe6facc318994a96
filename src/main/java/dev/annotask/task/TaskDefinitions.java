package dev.annotask.task;

import com.google.protobuf.Value;
import dev.annotask.api.ApiException;
import dev.annotask.concept.Concept;
import dev.annotask.concept.ConceptStore;
import dev.annotask.dataset.DatasetStore;
import dev.annotask.identity.App;
import dev.annotask.identity.CollaboratorStore;
import dev.annotask.input.DatasetMembers;
import dev.annotask.input.InputStore;
import dev.annotask.proto.api.Task;
import dev.annotask.proto.api.TaskConcept;
import dev.annotask.proto.api.TaskInputSource;
import dev.annotask.proto.api.TaskReview;
import dev.annotask.proto.api.TaskReviewConsensusStrategyInfo;
import dev.annotask.proto.api.TaskWorker;
import dev.annotask.proto.api.TaskWorkerPartitionedStrategyInfo;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.Worker;
import dev.annotask.search.SearchMembership;
import org.jdbi.v3.core.Handle;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a task definition the way PostTasks and PatchTasks (overwrite) need it, and makes its
 * normalized form: legacy and current fields agreeing ({@code concept_ids} and
 * {@code concepts}; {@code worker.user_ids}, {@code users} and {@code workers};
 * {@code review.user_ids} and {@code users}; {@code approval_threshold} and
 * {@code approval_threshold_labelers}), server-owned fields cleared. Every refusal names the
 * field, prefixed by the task's place in the request. Reads the app's concepts, datasets,
 * inputs and collaborators; thread-safe.
 */
final class TaskDefinitions {
    private static final double SHARE_TOLERANCE = 1e-9;

    private final ConceptStore concepts;
    private final DatasetStore datasets;
    private final InputStore inputs;
    private final CollaboratorStore collaborators;
    private final SearchMembership searches;

    TaskDefinitions(ConceptStore concepts, DatasetStore datasets, InputStore inputs, CollaboratorStore collaborators,
                    SearchMembership searches) {
        this.searches = searches;
        this.concepts = concepts;
        this.datasets = datasets;
        this.inputs = inputs;
        this.collaborators = collaborators;
    }

    /** The people who may work on or review the app's tasks: its owner and its collaborators. */
    Set<String> membersOf(Handle handle, App app) {
        Set<String> members = new HashSet<>(collaborators.activeUserIds(handle, app.uid()));
        members.add(app.ownerId());
        return members;
    }

    Task normalize(Handle handle, String field, Task wire, App app, Set<String> members) {
        if (wire.getType() == Task.TaskType.TYPE_NOT_SET) {
            throw invalid(field + ".type is required: CONCEPTS_CLASSIFICATION, BOUNDING_BOX_DETECTION or"
                    + " POLYGON_DETECTION");
        }
        Task.Builder task = wire.toBuilder()
                .clearId().clearStatus().clearCreatedAt().clearModifiedAt().clearAppId().clearUserId().clearMetrics();
        task.setWorker(worker(field + ".worker", wire.getWorker(), members));
        setConcepts(handle, field, task, app);
        task.setInputSource(inputSource(handle, field + ".input_source", wire.getInputSource(), app));
        task.setReview(review(field + ".review", wire.getReview(), members));
        return task.build();
    }

    private TaskWorker worker(String field, TaskWorker wire, Set<String> members) {
        if (wire.getStrategy() == TaskWorker.TaskWorkerStrategy.WORKER_STRATEGY_NOT_SET) {
            throw invalid(field + ".strategy is required: FULL, PARTITIONED or DYNAMIC");
        }
        List<String> workerIds = workerIds(field, wire);
        requirePeople(field, workerIds, members, "worker");
        TaskWorker.Builder worker = wire.toBuilder().clearUserIds().clearUsers().clearWorkers().clearStrategyInfo()
                .addAllUserIds(workerIds);
        for (String id : workerIds) {
            worker.addUsers(User.newBuilder().setId(id));
            worker.addWorkers(Worker.newBuilder().setUser(User.newBuilder().setId(id)));
        }
        if (wire.getStrategy() == TaskWorker.TaskWorkerStrategy.PARTITIONED) {
            worker.setPartitionedStrategyInfo(partitioned(field + ".partitioned_strategy_info", wire, workerIds));
        }
        return worker.build();
    }

    private static List<String> workerIds(String field, TaskWorker wire) {
        List<String> ids;
        if (wire.getWorkersCount() > 0) {
            for (int i = 0; i < wire.getWorkersCount(); i++) {
                if (!wire.getWorkers(i).hasUser()) {
                    throw invalid(field + ".workers[" + i + "]: only human workers (user) are supported");
                }
            }
            ids = wire.getWorkersList().stream().map(w -> w.getUser().getId()).toList();
        } else if (wire.getUsersCount() > 0) {
            ids = wire.getUsersList().stream().map(User::getId).toList();
        } else {
            ids = wire.getUserIdsList();
        }
        return ids;
    }

    private static TaskWorkerPartitionedStrategyInfo partitioned(String field, TaskWorker wire, List<String> workerIds) {
        if (!wire.hasPartitionedStrategyInfo()) {
            throw invalid(field + " is required for the PARTITIONED strategy");
        }
        TaskWorkerPartitionedStrategyInfo info = wire.getPartitionedStrategyInfo();
        if (info.getType() == TaskWorkerPartitionedStrategyInfo.TaskWorkerPartitionedStrategy.PARTITIONED_WORKER_STRATEGY_NOT_SET) {
            throw invalid(field + ".type is required: EVENLY or WEIGHTED");
        }
        if (workerIds.isEmpty()) {
            throw invalid(field + ": the PARTITIONED strategy needs at least one worker");
        }
        int perInput = info.getWorkersPerInput();
        if (perInput < 1 || perInput > workerIds.size()) {
            throw invalid(field + ".workers_per_input must be between 1 and " + workerIds.size()
                    + " (the number of workers), not " + perInput);
        }
        boolean weighted = info.getType() == TaskWorkerPartitionedStrategyInfo.TaskWorkerPartitionedStrategy.WEIGHTED;
        checkWeights(field + ".weights", info, workerIds, weighted);
        return info;
    }

    private static void checkWeights(String field, TaskWorkerPartitionedStrategyInfo info, List<String> workerIds,
                                     boolean required) {
        Map<String, Value> weights = info.getWeights().getFieldsMap();
        if (!required && weights.isEmpty()) {
            return;
        }
        Map<String, Double> byWorker = new HashMap<>();
        for (Map.Entry<String, Value> entry : weights.entrySet()) {
            if (!workerIds.contains(entry.getKey())) {
                throw invalid(field + ": '" + entry.getKey() + "' is not a worker of the task");
            }
            Value value = entry.getValue();
            double weight = value.hasNumberValue() ? value.getNumberValue() : Double.NaN;
            if (!Double.isFinite(weight) || weight <= 0) {
                throw invalid(field + "." + entry.getKey() + " must be a positive number, not " + value);
            }
            byWorker.put(entry.getKey(), weight);
        }
        if (!required) {
            return;
        }
        for (String worker : workerIds) {
            if (!byWorker.containsKey(worker)) {
                throw invalid(field + ": worker '" + worker + "' has no weight (WEIGHTED needs one for every worker)");
            }
        }
        double total = byWorker.values().stream().mapToDouble(Double::doubleValue).sum();
        double maxShare = 1.0 / info.getWorkersPerInput();
        for (Map.Entry<String, Double> entry : byWorker.entrySet()) {
            double share = entry.getValue() / total;
            if (share > maxShare + SHARE_TOLERANCE) {
                throw invalid(field + "." + entry.getKey() + ": a share of " + Math.round(share * 1000) / 10.0
                        + "% is above 1/workers_per_input (" + Math.round(maxShare * 1000) / 10.0
                        + "%): some inputs could not get enough distinct workers");
            }
        }
    }

    private void setConcepts(Handle handle, String field, Task.Builder task, App app) {
        List<String> ids = task.getConceptsCount() > 0
                ? task.getConceptsList().stream().map(c -> c.getConcept().getId()).toList()
                : task.getConceptIdsList();
        if (ids.isEmpty()) {
            throw invalid(field + ".concepts: a task needs at least one concept");
        }
        requireDistinct(field + ".concepts", ids);
        Map<String, Concept> known = new HashMap<>();
        concepts.findAll(handle, app.uid(), ids).forEach(c -> known.put(c.id(), c));
        for (int i = 0; i < ids.size(); i++) {
            if (!known.containsKey(ids.get(i))) {
                throw invalid(field + ".concepts[" + i + "]: concept '" + ids.get(i) + "' does not exist in the app");
            }
        }
        Map<String, TaskConcept> given = new HashMap<>();
        task.getConceptsList().forEach(c -> given.put(c.getConcept().getId(), c));
        task.clearConceptIds().clearConcepts().addAllConceptIds(ids);
        for (String id : ids) {
            TaskConcept.Builder concept = given.containsKey(id) ? given.get(id).toBuilder() : TaskConcept.newBuilder();
            concept.getConceptBuilder().setId(id).setName(known.get(id).name()).setValue(1.0f);
            task.addConcepts(concept);
        }
    }

    private TaskInputSource inputSource(Handle handle, String field, TaskInputSource source, App app) {
        switch (source.getType()) {
            case ALL_INPUTS -> {
                return source.toBuilder().clearId().build();
            }
            case DATASET -> {
                if (source.getId().isEmpty() || DatasetMembers.existingDatasets(handle, app.uid(), List.of(source.getId())).isEmpty()) {
                    throw invalid(field + ".id: dataset '" + source.getId() + "' does not exist in the app");
                }
                return source;
            }
            case INPUT -> {
                if (source.getId().isEmpty() || InputStore.existing(handle, app.uid(), List.of(source.getId())).isEmpty()) {
                    throw invalid(field + ".id: input '" + source.getId() + "' does not exist in the app");
                }
                return source;
            }
            case SAVED_SEARCH -> {
                if (source.getId().isEmpty()) {
                    throw invalid(field + ".id: the id of a saved search is required");
                }
                // In the task's transaction: its membership is kept from now on (SearchMembership).
                searches.track(handle, app.uid(), source.getId(), field + ".id");
                return source;
            }
            default -> throw invalid(field + ".type is required: ALL_INPUTS, SAVED_SEARCH, DATASET or INPUT");
        }
    }

    private static TaskReview review(String field, TaskReview wire, Set<String> members) {
        List<String> reviewerIds = wire.getUsersCount() > 0 ? wire.getUsersList().stream().map(User::getId).toList()
                : wire.getUserIdsList();
        requirePeople(field, reviewerIds, members, "reviewer");
        TaskReview.Builder review = wire.toBuilder().clearUserIds().clearUsers().addAllUserIds(reviewerIds);
        reviewerIds.forEach(id -> review.addUsers(User.newBuilder().setId(id)));
        switch (wire.getStrategy()) {
            case TASK_REVIEW_STRATEGY_NOT_SET, NONE -> review.setStrategy(TaskReview.TaskReviewStrategy.NONE);
            case MANUAL -> {
                requireReviewers(field, reviewerIds, "MANUAL");
                float sample = wire.getManualStrategyInfo().getSamplePercentage();
                if (!Float.isFinite(sample) || sample < 0 || sample > 1) {
                    throw invalid(field + ".manual_strategy_info.sample_percentage must be between 0 and 1, not " + sample);
                }
            }
            case CONSENSUS -> {
                requireReviewers(field, reviewerIds, "CONSENSUS");
                review.setConsensusStrategyInfo(consensus(field + ".consensus_strategy_info",
                        wire.getConsensusStrategyInfo()));
            }
            default -> throw invalid(field + ".strategy must be NONE, MANUAL or CONSENSUS");
        }
        return review.build();
    }

    private static TaskReviewConsensusStrategyInfo consensus(String field, TaskReviewConsensusStrategyInfo info) {
        int labelers = info.getApprovalThresholdLabelers() != 0 ? info.getApprovalThresholdLabelers()
                : info.getApprovalThreshold();
        if (labelers < 1) {
            throw invalid(field + ": CONSENSUS needs approval_threshold_labelers (or the legacy approval_threshold)"
                    + " of at least 1");
        }
        int reviewers = info.getApprovalThresholdReviewers();
        if (reviewers != 0 && reviewers != 1 && reviewers != -1) {
            throw invalid(field + ".approval_threshold_reviewers must be 0, 1 or -1, not " + reviewers);
        }
        return info.toBuilder().setApprovalThreshold(labelers).setApprovalThresholdLabelers(labelers).build();
    }

    private static void requireReviewers(String field, List<String> reviewerIds, String strategy) {
        if (reviewerIds.isEmpty()) {
            throw invalid(field + ".users: the " + strategy + " review strategy needs at least one reviewer");
        }
    }

    private static void requirePeople(String field, List<String> ids, Set<String> members, String role) {
        requireDistinct(field + ".users", ids);
        for (String id : ids) {
            if (id.isEmpty()) {
                throw invalid(field + ": a " + role + " without a user id");
            }
            if (!members.contains(id)) {
                throw invalid(field + ": " + role + " '" + id + "' is neither the app's owner nor a collaborator");
            }
        }
    }

    private static void requireDistinct(String field, List<String> ids) {
        if (new HashSet<>(ids).size() != ids.size()) {
            throw invalid(field + " lists the same id twice");
        }
    }

    private static ApiException invalid(String details) {
        return ApiException.invalid(details);
    }
}
