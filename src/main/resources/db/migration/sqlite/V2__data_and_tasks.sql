-- Concepts, inputs (with their bytes kept apart from the hot rows), datasets, tasks.
-- Everything belongs to an app (apps.uid) and goes with it.

CREATE TABLE concepts (
    app_uid     TEXT   NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    id          TEXT   NOT NULL,
    name        TEXT   NOT NULL,
    language    TEXT   NOT NULL DEFAULT '',
    definition  TEXT   NOT NULL DEFAULT '',
    metadata    TEXT,
    created_at  BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    PRIMARY KEY (app_uid, id)
);

-- seq is the order of arrival across the whole database: listing order, and (later) the
-- order in which new inputs join tasks.
CREATE TABLE inputs (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    app_uid     TEXT    NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    id          TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    byte_size   BIGINT  NOT NULL DEFAULT 0,
    status      INTEGER NOT NULL,
    created_at  BIGINT  NOT NULL,
    modified_at BIGINT  NOT NULL,
    UNIQUE (app_uid, id)
);

CREATE TABLE input_bytes (
    app_uid  TEXT NOT NULL,
    input_id TEXT NOT NULL,
    content  BLOB NOT NULL,
    PRIMARY KEY (app_uid, input_id),
    FOREIGN KEY (app_uid, input_id) REFERENCES inputs (app_uid, id) ON DELETE CASCADE
);

CREATE TABLE datasets (
    app_uid     TEXT   NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    id          TEXT   NOT NULL,
    description TEXT   NOT NULL DEFAULT '',
    notes       TEXT   NOT NULL DEFAULT '',
    metadata    TEXT,
    created_at  BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    PRIMARY KEY (app_uid, id)
);

CREATE TABLE dataset_inputs (
    app_uid    TEXT   NOT NULL,
    dataset_id TEXT   NOT NULL,
    input_id   TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (app_uid, dataset_id, input_id),
    FOREIGN KEY (app_uid, dataset_id) REFERENCES datasets (app_uid, id) ON DELETE CASCADE,
    FOREIGN KEY (app_uid, input_id) REFERENCES inputs (app_uid, id) ON DELETE CASCADE
);
CREATE INDEX dataset_inputs_by_input ON dataset_inputs (app_uid, input_id);

-- spec is the task as stored by PostTasks/PatchTasks (JSON of clarifai.api.Task without
-- status, times and metrics); the columns beside it are what listings filter on.
CREATE TABLE tasks (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    app_uid           TEXT    NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    id                TEXT    NOT NULL,
    spec              TEXT    NOT NULL,
    input_source_type INTEGER NOT NULL,
    input_source_id   TEXT    NOT NULL DEFAULT '',
    status            INTEGER NOT NULL,
    created_at        BIGINT  NOT NULL,
    modified_at       BIGINT  NOT NULL,
    UNIQUE (app_uid, id)
);

CREATE TABLE task_members (
    app_uid TEXT NOT NULL,
    task_id TEXT NOT NULL,
    role    TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (app_uid, task_id, role, user_id),
    FOREIGN KEY (app_uid, task_id) REFERENCES tasks (app_uid, id) ON DELETE CASCADE
);
CREATE INDEX task_members_by_user ON task_members (app_uid, user_id, role);
