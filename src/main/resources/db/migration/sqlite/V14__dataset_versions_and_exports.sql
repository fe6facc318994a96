-- Dataset versions and exports (docs/ARCHITECTURE.md, "Dataset versions and exports").

-- A version of a dataset: status DATASET_VERSION_PENDING (64005) until a node has counted its
-- metrics (IN_PROGRESS 64010 meanwhile, under a lease like exports'), then READY (64015).
-- metrics is the JSON of its DatasetVersionMetrics once READY.
CREATE TABLE dataset_versions (
    uid         TEXT    PRIMARY KEY,
    app_uid     TEXT    NOT NULL,
    dataset_id  TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    metadata    TEXT,
    status      INTEGER NOT NULL,
    metrics     TEXT,
    lease_owner TEXT    NOT NULL DEFAULT '',
    lease_until BIGINT  NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    modified_at BIGINT  NOT NULL,
    UNIQUE (app_uid, dataset_id, id),
    FOREIGN KEY (app_uid, dataset_id) REFERENCES datasets (app_uid, id) ON DELETE CASCADE
);
CREATE INDEX dataset_versions_unready ON dataset_versions (lease_until) WHERE status IN (64005, 64010);

-- The snapshot: the dataset's inputs as they were when the version was made (copied, so that
-- later edits and deletions do not change it; their stored bytes stay in input_bytes) ...
CREATE TABLE dataset_version_inputs (
    version_uid  TEXT    NOT NULL REFERENCES dataset_versions (uid) ON DELETE CASCADE,
    input_seq    BIGINT  NOT NULL,
    input_id     TEXT    NOT NULL,
    data         TEXT    NOT NULL,
    byte_size    BIGINT  NOT NULL,
    image_width  INTEGER,
    image_height INTEGER,
    image_format TEXT,
    created_at   BIGINT  NOT NULL,
    modified_at  BIGINT  NOT NULL,
    PRIMARY KEY (version_uid, input_seq)
);

-- ... and their turned-in annotations (every status but ANNOTATION_PENDING), copied likewise;
-- exports of final labels read those with ANNOTATION_SUCCESS.
CREATE TABLE dataset_version_annotations (
    version_uid TEXT    NOT NULL REFERENCES dataset_versions (uid) ON DELETE CASCADE,
    input_seq   BIGINT  NOT NULL,
    seq         BIGINT  NOT NULL,
    id          TEXT    NOT NULL,
    input_id    TEXT    NOT NULL,
    task_id     TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    created_at  BIGINT  NOT NULL,
    modified_at BIGINT  NOT NULL,
    PRIMARY KEY (version_uid, input_seq, seq)
);

-- An export: a ZIP built in the background from a task or a dataset version. status is a
-- DATASET_VERSION_EXPORT_* code: PENDING (64201) until a node claims it, IN_PROGRESS (64203)
-- while one builds it under a lease (lease_owner, lease_until, extended as it goes; a node that
-- dies lets it lapse and another starts again), then SUCCESS (64200, with size) or FAILED
-- (64202, details say why). The file is {uid}.zip in the exports directory.
CREATE TABLE exports (
    uid          TEXT    PRIMARY KEY,
    app_uid      TEXT    NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    format       INTEGER NOT NULL,
    labels       INTEGER NOT NULL,
    task_id      TEXT    NOT NULL DEFAULT '',
    dataset_id   TEXT    NOT NULL DEFAULT '',
    version_uid  TEXT    REFERENCES dataset_versions (uid) ON DELETE CASCADE,
    version_id   TEXT    NOT NULL DEFAULT '',
    status       INTEGER NOT NULL,
    details      TEXT    NOT NULL DEFAULT '',
    size         BIGINT  NOT NULL DEFAULT 0,
    inputs_count BIGINT  NOT NULL DEFAULT 0,
    lease_owner  TEXT    NOT NULL DEFAULT '',
    lease_until  BIGINT  NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL,
    modified_at  BIGINT  NOT NULL
);
CREATE INDEX exports_by_app ON exports (app_uid, created_at);
CREATE INDEX exports_by_version ON exports (version_uid);
CREATE INDEX exports_unfinished ON exports (lease_until) WHERE status IN (64201, 64203);
