package dev.annotask.assign;

/**
 * One worker's work on one input of a task.
 *
 * @param status a TASK_ASSIGNMENT_* status code number
 * @param leaseExpiresAt epoch ms after which a pending DYNAMIC assignment returns to the pool; 0 = never
 * @param returnedAt epoch ms when a reviewer last sent it back to its worker; 0 = never
 */
public record Assignment(String id, String appUid, String taskId, String inputId, String workerId, int status,
                         long leaseExpiresAt, long createdAt, long modifiedAt, long returnedAt) {
    /** Pending again because a reviewer requested changes: LABEL_START hands it out first. */
    public boolean sentBack() {
        return returnedAt > 0 && status == AssignmentStore.PENDING;
    }
}
