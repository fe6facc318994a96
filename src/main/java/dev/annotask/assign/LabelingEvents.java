package dev.annotask.assign;

import com.google.protobuf.util.Timestamps;
import dev.annotask.api.StatusCodes;
import dev.annotask.proto.api.Input;
import dev.annotask.proto.api.TaskAssignment;
import dev.annotask.proto.api.User;
import dev.annotask.proto.api.Worker;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.webhooks.LabelingEvent;
import java.util.List;

/**
 * The data of the labeling workflow's events (assignment.submitted, labeling.*): the labelings
 * concerned as task assignments, their inputs by id (an event does not read the inputs).
 */
final class LabelingEvents {
    private LabelingEvents() {
    }

    /** One labeling, as it stands after the change; {@code reviewerId} "" unless a reviewer decided. */
    static LabelingEvent of(Assignment assignment, String reviewerId) {
        return LabelingEvent.newBuilder().setTaskId(assignment.taskId()).setInputId(assignment.inputId())
                .addTaskAssignments(wire(assignment)).setReviewerId(reviewerId).build();
    }

    /** The labelings of one input judged together (consensus). */
    static LabelingEvent ofInput(String taskId, String inputId, List<Assignment> judged) {
        return LabelingEvent.newBuilder().setTaskId(taskId).setInputId(inputId)
                .addAllTaskAssignments(judged.stream().map(LabelingEvents::wire).toList()).build();
    }

    /** The assignment with another status, as it was just written. */
    static Assignment withStatus(Assignment assignment, StatusCode status, long now) {
        return new Assignment(assignment.id(), assignment.appUid(), assignment.taskId(), assignment.inputId(),
                assignment.workerId(), status.getNumber(), assignment.leaseExpiresAt(), assignment.createdAt(), now,
                assignment.returnedAt());
    }

    static TaskAssignment wire(Assignment assignment) {
        return TaskAssignment.newBuilder()
                .setId(assignment.id())
                .setCreatedAt(Timestamps.fromMillis(assignment.createdAt()))
                .setModifiedAt(Timestamps.fromMillis(assignment.modifiedAt()))
                .setWorker(Worker.newBuilder().setUser(User.newBuilder().setId(assignment.workerId())))
                .setInput(Input.newBuilder().setId(assignment.inputId()))
                .setStatus(StatusCodes.status(StatusCode.forNumber(assignment.status()), null))
                .build();
    }
}
