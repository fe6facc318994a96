package dev.annotask.assign;

/**
 * One worker's work on one input of a task.
 *
 * @param status a TASK_ASSIGNMENT_* status code number
 * @param leaseExpiresAt epoch ms after which a pending DYNAMIC assignment returns to the pool; 0 = never
 */
public record Assignment(String id, String appUid, String taskId, String inputId, String workerId, int status,
                         long leaseExpiresAt, long createdAt, long modifiedAt) {
}
