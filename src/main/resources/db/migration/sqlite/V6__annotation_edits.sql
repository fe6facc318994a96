-- Changes made to labeling work after its labeler turned it in: by the reviewer holding it
-- (before the verdict) or by the app's owner (at any time, approved and rejected work too).
-- The annotation keeps its status; this table keeps who changed it, when, and what it was
-- before (docs/ARCHITECTURE.md, "The labeling workflow"). action is 'patch' (new_data is the
-- data after) or 'delete' (new_data is NULL). status is the annotation's status at the change.
-- No foreign key to annotations: the record outlives a deleted annotation; it goes with its app.
CREATE TABLE annotation_edits (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    app_uid       TEXT    NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    annotation_id TEXT    NOT NULL,
    input_id      TEXT    NOT NULL,
    task_id       TEXT    NOT NULL,
    labeler_id    TEXT    NOT NULL,
    editor_id     TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    old_data      TEXT    NOT NULL,
    new_data      TEXT,
    edited_at     BIGINT  NOT NULL
);
CREATE INDEX annotation_edits_by_annotation ON annotation_edits (app_uid, annotation_id);
