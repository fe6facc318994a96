-- Progress counters per (task, worker) instead of three columns on the task's row: every
-- labeling and review transaction used to end with an UPDATE of the task's row, so on
-- PostgreSQL one task's calls ran one at a time across all its labelers and nodes. Now each
-- transaction adds its changes to the row of the user acting (a worker, a reviewer, '' for a
-- redefinition of the task), and readers sum the rows of the task (a handful per task). A row
-- may go negative (an input its worker released is counted off by whoever released it); only
-- the sum means anything (docs/ARCHITECTURE.md, "Progress and completion").
CREATE TABLE task_progress (
    app_uid   TEXT   NOT NULL,
    task_id   TEXT   NOT NULL,
    worker_id TEXT   NOT NULL,
    taken     BIGINT NOT NULL DEFAULT 0,
    worked    BIGINT NOT NULL DEFAULT 0,
    settled   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_uid, task_id, worker_id),
    FOREIGN KEY (app_uid, task_id) REFERENCES tasks (app_uid, id) ON DELETE CASCADE
);

-- The counts so far become the task's '' row. The old columns stay, no longer written or read.
INSERT INTO task_progress (app_uid, task_id, worker_id, taken, worked, settled)
SELECT app_uid, id, '', taken_inputs, worked_inputs, settled_inputs FROM tasks
WHERE taken_inputs <> 0 OR worked_inputs <> 0 OR settled_inputs <> 0;

-- The unique key (app_uid, task_id, input_id, worker_id) begins with these columns and serves
-- every lookup by input; this index only cost every assignment insert a second index write.
DROP INDEX task_assignments_by_input;

-- The unsettled inputs of a task (completion looks for one no other transaction is changing,
-- see docs/ARCHITECTURE.md, "Locks on the labeling path"): only those rows are in the index,
-- so the look costs the same near the end of a million-input task as at its start.
CREATE INDEX task_inputs_unsettled ON task_inputs (app_uid, task_id) WHERE NOT settled;
