-- Identity: users, apps, API keys (app keys and personal access tokens), collaborators.
-- Times are epoch milliseconds; key secrets are never stored, only their SHA-256.

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    first_name   TEXT    NOT NULL DEFAULT '',
    last_name    TEXT    NOT NULL DEFAULT '',
    company_name TEXT    NOT NULL DEFAULT '',
    is_admin     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT  NOT NULL
);

CREATE TABLE apps (
    uid              TEXT PRIMARY KEY,
    user_id          TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id               TEXT   NOT NULL,
    name             TEXT   NOT NULL DEFAULT '',
    description      TEXT   NOT NULL DEFAULT '',
    default_language TEXT   NOT NULL DEFAULT '',
    notes            TEXT   NOT NULL DEFAULT '',
    metadata         TEXT,
    created_at       BIGINT NOT NULL,
    modified_at      BIGINT NOT NULL,
    UNIQUE (user_id, id)
);

CREATE TABLE api_keys (
    token_hash  TEXT PRIMARY KEY,
    fingerprint TEXT   NOT NULL UNIQUE,
    user_id     TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type        TEXT   NOT NULL,
    app_uid     TEXT REFERENCES apps (uid) ON DELETE CASCADE,
    description TEXT   NOT NULL DEFAULT '',
    scopes      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT
);
CREATE INDEX api_keys_by_user ON api_keys (user_id);
CREATE INDEX api_keys_by_app ON api_keys (app_uid);

CREATE TABLE collaborators (
    id          TEXT PRIMARY KEY,
    app_uid     TEXT   NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    user_id     TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    deleted_at  BIGINT
);
CREATE UNIQUE INDEX collaborators_active ON collaborators (app_uid, user_id) WHERE deleted_at IS NULL;
CREATE INDEX collaborators_by_user ON collaborators (user_id);
