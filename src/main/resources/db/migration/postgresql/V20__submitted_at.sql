-- When the labeler last turned this labeling in (LABEL_SUBMIT), epoch ms; 0 = not yet, or
-- turned in before this column existed. The owner's per-labeler charts (annotask.admin
-- GetTaskWorkerStats) count labelings per hour and time per input from it.
ALTER TABLE task_assignments ADD COLUMN submitted_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX task_assignments_by_submission ON task_assignments (app_uid, task_id, submitted_at);
