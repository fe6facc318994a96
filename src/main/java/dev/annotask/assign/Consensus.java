package dev.annotask.assign;

import dev.annotask.annotation.Agreement;
import dev.annotask.annotation.Annotation;
import dev.annotask.annotation.AnnotationStore;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.webhooks.LabelingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Decides an input of a CONSENSUS task after each submission (docs/ARCHITECTURE.md, "The labeling workflow"): once
 * {@code approval_threshold_labelers} submitted labelings agree, they are final (SUCCESS), the
 * other submitted ones are outvoted (REVIEW_DENIED, noted in {@code consensus_info}) and the
 * input closes, so workers who have not taken it yet are never asked. When every labeler the
 * input can get has submitted without such agreement, all its labelings go to reviewers.
 * Runs inside the submitting transaction. Stateless apart from its collaborators.
 */
final class Consensus {
    private static final int AWAITING_CONSENSUS = StatusCode.TASK_ASSIGNMENT_AWAITING_CONSENSUS_REVIEW.getNumber();

    private final AnnotationStore annotations;

    Consensus(AnnotationStore annotations) {
        this.annotations = annotations;
    }

    /** Judges the input; when its labelers agreed, the data of its labeling.consensus_reached event. */
    Optional<LabelingEvent> judge(Handle handle, LabelingPlan plan, String inputId, long now) {
        String appUid = plan.task().appUid();
        String taskId = plan.task().id();
        List<Assignment> all = AssignmentStore.ofInput(handle, appUid, taskId, inputId);
        List<Assignment> waiting = all.stream().filter(a -> a.status() == AWAITING_CONSENSUS).toList();
        List<Agreement.Labeling> labelings = new ArrayList<>();
        for (Assignment a : waiting) {
            labelings.add(new Agreement.Labeling(a.workerId(), annotations.ofLabeling(handle, appUid, taskId, inputId,
                    a.workerId()).stream().map(Annotation::data).toList()));
        }
        int threshold = plan.task().spec().getReview().getConsensusStrategyInfo().getApprovalThresholdLabelers();
        List<Integer> group = largestAgreeingGroup(labelings);
        if (group.size() >= threshold) {
            List<String> agreed = group.stream().map(i -> labelings.get(i).userId()).toList();
            List<Assignment> judged = new ArrayList<>();
            for (int i = 0; i < waiting.size(); i++) {
                boolean inGroup = group.contains(i);
                Assignment a = waiting.get(i);
                StatusCode outcome = inGroup ? StatusCode.TASK_ASSIGNMENT_SUCCESS : StatusCode.TASK_ASSIGNMENT_REJECTED;
                AssignmentStore.setStatus(handle, a, outcome.getNumber(), now);
                judged.add(LabelingEvents.withStatus(a, outcome, now));
                annotations.setLabelingStatus(handle, appUid, taskId, inputId, a.workerId(),
                        inGroup ? StatusCode.ANNOTATION_SUCCESS.getNumber() : StatusCode.ANNOTATION_REVIEW_DENIED.getNumber(),
                        consensusInfo(inGroup, agreed), now);
            }
            AssignmentStore.closeInput(handle, appUid, taskId, inputId);
            return Optional.of(LabelingEvents.ofInput(taskId, inputId, judged));
        }
        boolean nobodyPending = all.stream().noneMatch(a -> a.status() == AssignmentStore.PENDING);
        boolean nobodyMore = AssignmentStore.claimed(handle, appUid, taskId, inputId) >= plan.labelersPerInput();
        if (nobodyPending && nobodyMore) {
            for (Assignment a : waiting) {
                AssignmentStore.setStatus(handle, a, StatusCode.TASK_ASSIGNMENT_AWAITING_REVIEW.getNumber(), now);
                annotations.setLabelingStatus(handle, appUid, taskId, inputId, a.workerId(),
                        StatusCode.ANNOTATION_AWAITING_REVIEW.getNumber(),
                        "{\"consensus\":\"none\",\"labelers\":" + waiting.size() + "}", now);
            }
            AssignmentStore.closeInput(handle, appUid, taskId, inputId);
        }
        return Optional.empty();
    }

    /** The indexes of the largest set of labelings that all agree with its first member. */
    private static List<Integer> largestAgreeingGroup(List<Agreement.Labeling> labelings) {
        List<Integer> best = List.of();
        for (int i = 0; i < labelings.size(); i++) {
            List<Integer> group = new ArrayList<>(List.of(i));
            for (int j = 0; j < labelings.size(); j++) {
                if (j != i && Agreement.agree(labelings.get(i), labelings.get(j))) {
                    group.add(j);
                }
            }
            if (group.size() > best.size()) {
                best = group;
            }
        }
        return best;
    }

    private static String consensusInfo(boolean agreed, List<String> group) {
        String users = group.stream().map(u -> "\"" + u.replace("\"", "") + "\"").reduce((a, b) -> a + "," + b).orElse("");
        return agreed ? "{\"consensus\":\"reached\",\"agreed\":[" + users + "]}"
                : "{\"consensus\":\"outvoted\",\"agreed\":[" + users + "]}";
    }
}
