-- Imports (docs/ARCHITECTURE.md, "Imports and pre-labels"): multipart uploads, the imports that
-- read them, and the marker of machine annotations (pre-labels).

-- A file sent in parts (PostUploads, PutUploadContentParts). received counts the bytes stored;
-- status is UPLOAD_IN_PROGRESS (68000) until it reaches content_length, then UPLOAD_DONE
-- (68001). An upload no import used is deleted after expires_at.
CREATE TABLE uploads (
    app_uid        TEXT    NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    id             TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    content_name   TEXT    NOT NULL DEFAULT '',
    content_length BIGINT  NOT NULL,
    received       BIGINT  NOT NULL DEFAULT 0,
    status         INTEGER NOT NULL,
    created_at     BIGINT  NOT NULL,
    modified_at    BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL,
    PRIMARY KEY (app_uid, id)
);

-- The parts, by where they start; they never overlap.
CREATE TABLE upload_parts (
    app_uid     TEXT   NOT NULL,
    upload_id   TEXT   NOT NULL,
    range_start BIGINT NOT NULL,
    part_number BIGINT NOT NULL,
    size        BIGINT NOT NULL,
    content     BYTEA  NOT NULL,
    PRIMARY KEY (app_uid, upload_id, range_start),
    FOREIGN KEY (app_uid, upload_id) REFERENCES uploads (app_uid, id) ON DELETE CASCADE
);

-- An import: spec is the Import as asked (JSON of annotask.imports.Import: upload, format,
-- options); scopes are the caller's effective scopes when asked, with which the import writes.
-- state is an Import.State number; progress the JSON of ImportProgress; errors the JSON list of
-- the first bad entries (error_count counts all). lease_owner/lease_until: the node running it
-- and until when (a node that dies lets it lapse, and another resumes it).
CREATE TABLE imports (
    seq         BIGSERIAL PRIMARY KEY,
    app_uid     TEXT    NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    id          TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    scopes      TEXT    NOT NULL,
    spec        TEXT    NOT NULL,
    state       INTEGER NOT NULL,
    progress    TEXT    NOT NULL,
    errors      TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    failure     TEXT    NOT NULL DEFAULT '',
    lease_owner TEXT    NOT NULL DEFAULT '',
    lease_until BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    modified_at BIGINT  NOT NULL,
    UNIQUE (app_uid, id)
);
-- The imports still to run (QUEUED 1, VALIDATING 2, WRITING 3): few, whatever the history.
CREATE INDEX imports_unfinished ON imports (seq) WHERE state IN (1, 2, 3);

-- A machine annotation (a pre-label): the model, and its version, that made it, as
-- Annotation.worker.model shows them; '' for a person's annotation. user_id stays who posted it.
ALTER TABLE annotations ADD COLUMN model_id TEXT NOT NULL DEFAULT '';
ALTER TABLE annotations ADD COLUMN model_version_id TEXT NOT NULL DEFAULT '';
