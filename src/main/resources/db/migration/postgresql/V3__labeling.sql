-- The labeling workflow: assignments of inputs to workers, per-input labeling state, scan
-- cursors, and annotations. Nothing here is written when a task is created: rows appear as
-- labelers take work, so creating a task costs the same for 10 inputs or 10 million.

-- Progress kept as counters, so that task metrics and completion cost O(1), not O(inputs):
-- inputs taken by someone, inputs with work turned in, inputs whose labels are all final.
-- auto_done marks a task that completed by itself (new inputs reopen it; a manual DONE stays).
ALTER TABLE tasks ADD COLUMN taken_inputs BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN worked_inputs BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN settled_inputs BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN auto_done BOOLEAN NOT NULL DEFAULT FALSE;

-- Source sizes kept as counters (in the transactions that add and remove inputs), so that
-- task metrics and completion never count a million rows.
ALTER TABLE apps ADD COLUMN input_count BIGINT NOT NULL DEFAULT 0;
UPDATE apps SET input_count = (SELECT COUNT(*) FROM inputs i WHERE i.app_uid = apps.uid);
ALTER TABLE datasets ADD COLUMN input_count BIGINT NOT NULL DEFAULT 0;
UPDATE datasets SET input_count = (SELECT COUNT(*) FROM dataset_inputs d
                                   WHERE d.app_uid = datasets.app_uid AND d.dataset_id = datasets.id);

-- Tasks read their source in arrival order, a page at a time after a position: without this
-- index SQLite would read every input of the app and sort them for each page.
CREATE INDEX inputs_in_order ON inputs (app_uid, seq);

-- Dataset members keep their input's arrival order, so tasks can scan a dataset in order.
ALTER TABLE dataset_inputs ADD COLUMN input_seq BIGINT NOT NULL DEFAULT 0;
UPDATE dataset_inputs SET input_seq = (SELECT i.seq FROM inputs i
                                       WHERE i.app_uid = dataset_inputs.app_uid AND i.id = dataset_inputs.input_id);
CREATE INDEX dataset_inputs_in_order ON dataset_inputs (app_uid, dataset_id, input_seq);

-- One worker's work on one input of a task. status is a TASK_ASSIGNMENT_* code;
-- lease_expires_at (epoch ms, 0 = none) bounds how long a DYNAMIC assignment may stay pending.
CREATE TABLE task_assignments (
    seq              BIGSERIAL PRIMARY KEY,
    id               TEXT    NOT NULL UNIQUE,
    app_uid          TEXT    NOT NULL,
    task_id          TEXT    NOT NULL,
    input_id         TEXT    NOT NULL,
    worker_id        TEXT    NOT NULL,
    status           INTEGER NOT NULL,
    lease_expires_at BIGINT  NOT NULL DEFAULT 0,
    created_at       BIGINT  NOT NULL,
    modified_at      BIGINT  NOT NULL,
    UNIQUE (app_uid, task_id, input_id, worker_id),
    FOREIGN KEY (app_uid, task_id) REFERENCES tasks (app_uid, id) ON DELETE CASCADE
);
CREATE INDEX task_assignments_by_worker ON task_assignments (app_uid, task_id, worker_id, status);
CREATE INDEX task_assignments_by_input ON task_assignments (app_uid, task_id, input_id);

-- Per input of a task, once someone has taken it: how many workers hold it (never above the
-- task's workers-per-input), whether it is still open for labeling, whether a released
-- assignment made room that a worker past it in the scan should be offered, whether anyone
-- turned in work on it, and whether its labels are all final (settled).
CREATE TABLE task_inputs (
    app_uid  TEXT    NOT NULL,
    task_id  TEXT    NOT NULL,
    input_id TEXT    NOT NULL,
    claimed  INTEGER NOT NULL,
    open     BOOLEAN NOT NULL,
    reoffer  BOOLEAN NOT NULL,
    worked   BOOLEAN NOT NULL DEFAULT FALSE,
    settled  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (app_uid, task_id, input_id),
    FOREIGN KEY (app_uid, task_id) REFERENCES tasks (app_uid, id) ON DELETE CASCADE
);
CREATE INDEX task_inputs_reoffered ON task_inputs (app_uid, task_id, reoffer);

-- How far each worker has scanned the task's source (the seq of the last input looked at).
CREATE TABLE task_cursors (
    app_uid   TEXT   NOT NULL,
    task_id   TEXT   NOT NULL,
    worker_id TEXT   NOT NULL,
    last_seq  BIGINT NOT NULL,
    PRIMARY KEY (app_uid, task_id, worker_id),
    FOREIGN KEY (app_uid, task_id) REFERENCES tasks (app_uid, id) ON DELETE CASCADE
);

-- Annotations outlive their task (no foreign key to tasks): deleting a task loses no labels.
CREATE TABLE annotations (
    seq            BIGSERIAL PRIMARY KEY,
    app_uid        TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    input_id       TEXT    NOT NULL,
    task_id        TEXT    NOT NULL DEFAULT '',
    user_id        TEXT    NOT NULL,
    data           JSONB   NOT NULL,
    status         INTEGER NOT NULL,
    consensus_info JSONB,
    created_at     BIGINT  NOT NULL,
    modified_at    BIGINT  NOT NULL,
    UNIQUE (app_uid, id),
    FOREIGN KEY (app_uid, input_id) REFERENCES inputs (app_uid, id) ON DELETE CASCADE
);
CREATE INDEX annotations_by_task ON annotations (app_uid, task_id, input_id, user_id);
CREATE INDEX annotations_by_input ON annotations (app_uid, input_id);

-- A reviewer's hold on one submitted assignment. claim_key is '*' when one reviewer's verdict
-- settles the assignment (approval_threshold_reviewers 0 or 1), so only one reviewer can hold
-- it; it is the reviewer's id when every reviewer must approve (-1). verdict is empty while
-- the review is pending, then 'approved' or 'rejected'.
CREATE TABLE task_reviews (
    app_uid       TEXT   NOT NULL,
    task_id       TEXT   NOT NULL,
    assignment_id TEXT   NOT NULL,
    claim_key     TEXT   NOT NULL,
    reviewer_id   TEXT   NOT NULL,
    verdict       TEXT   NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    modified_at   BIGINT NOT NULL,
    PRIMARY KEY (app_uid, assignment_id, claim_key),
    FOREIGN KEY (app_uid, task_id) REFERENCES tasks (app_uid, id) ON DELETE CASCADE
);
CREATE INDEX task_reviews_by_reviewer ON task_reviews (app_uid, task_id, reviewer_id, verdict);
