-- At most one row (id 1), counting the changes that can take access away: a key deleted or
-- replaced, a collaboration ended, an app deleted. Each such write adds one in its own
-- transaction (AuthChanges.bump, which makes the row on first use: an empty table reads as 0,
-- so a new database stays empty for migrate-db); every node reads the count twice a second and
-- clears its cache of authorizations when it moved (docs/SECURITY.md, "The authorization cache").
CREATE TABLE auth_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
