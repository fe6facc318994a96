-- The review loop that talks (docs/ARCHITECTURE.md, "Review notes and corrections").

-- When a reviewer last sent this labeling back to its labeler (REVIEW_REQUEST_CHANGES), epoch
-- ms; 0 = never. A pending assignment with a time here is sent-back work: LABEL_START hands it
-- out before the rest of the labeler's queue.
ALTER TABLE task_assignments ADD COLUMN returned_at BIGINT NOT NULL DEFAULT 0;

-- A reviewer's correction is an annotation of the reviewer in the task; this names the task
-- assignment (the labeling) it replaces, '' for every other annotation. The labeling's own
-- statements (its status, consensus) read only rows with ''.
ALTER TABLE annotations ADD COLUMN corrects_assignment_id TEXT NOT NULL DEFAULT '';

-- What a reviewer said about one labeling with a verdict given through annotask.review:
-- the verdict ('approve', 'request_changes', 'reject'), a comment for the labeler, the
-- labeler's annotations they marked (flagged), and the annotations of their correction, both
-- as comma-separated annotation ids (ids hold no commas). Goes with its task.
CREATE TABLE review_notes (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT    NOT NULL UNIQUE,
    app_uid       TEXT    NOT NULL,
    task_id       TEXT    NOT NULL,
    assignment_id TEXT    NOT NULL,
    input_id      TEXT    NOT NULL,
    worker_id     TEXT    NOT NULL,
    reviewer_id   TEXT    NOT NULL,
    verdict       TEXT    NOT NULL,
    comment       TEXT    NOT NULL DEFAULT '',
    flagged       TEXT    NOT NULL DEFAULT '',
    corrections   TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL,
    FOREIGN KEY (app_uid, task_id) REFERENCES tasks (app_uid, id) ON DELETE CASCADE
);
CREATE INDEX review_notes_by_input ON review_notes (app_uid, task_id, input_id);
