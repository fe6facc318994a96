-- Server-wide secrets, by name. 'media-url' signs the short-lived URLs the web UI loads stored
-- bytes through: kept in the database (not made per start) so that every node sharing one
-- database accepts the URLs any of them signed, and URLs survive a restart until they expire.
CREATE TABLE server_secrets (
    name   TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
