-- Per task, user and status: how many assignments and how many annotations, so that
-- GetTaskInputCount and GetTaskAnnotationCount read a few rows per worker instead of counting
-- every row of the task. kind is 'assignment' (user_id = the worker) or 'annotation' (only
-- annotations made in a task: task_id <> ''). A row exists while n > 0, so the table holds
-- exactly what a GROUP BY over the two tables would answer.
--
-- Kept by triggers, not by the code: these rows change in many places (labeling, review,
-- lease expiry, PatchAnnotations, DeleteAnnotations, DeleteTasks, input and app deletion and
-- the foreign-key cascades behind them), and a counter each of those kept by hand would drift.
-- No foreign key: annotations outlive their task, and so do their counts.
CREATE TABLE task_status_counts (
    app_uid TEXT    NOT NULL,
    task_id TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    user_id TEXT    NOT NULL,
    status  INTEGER NOT NULL,
    n       BIGINT  NOT NULL,
    PRIMARY KEY (app_uid, task_id, kind, user_id, status)
);

-- Writers of another node still on the previous version wait until the counts and their
-- triggers exist, so no row changes between the backfill and the first trigger.
LOCK TABLE task_assignments, annotations IN SHARE ROW EXCLUSIVE MODE;

INSERT INTO task_status_counts (app_uid, task_id, kind, user_id, status, n)
SELECT app_uid, task_id, 'assignment', worker_id, status, COUNT(*) FROM task_assignments
GROUP BY app_uid, task_id, worker_id, status;

INSERT INTO task_status_counts (app_uid, task_id, kind, user_id, status, n)
SELECT app_uid, task_id, 'annotation', user_id, status, COUNT(*) FROM annotations WHERE task_id <> ''
GROUP BY app_uid, task_id, user_id, status;

-- Statement triggers over transition tables: each statement's changes are grouped and applied
-- as one upsert per count it touched, in key order (one lock order for every writer). Row
-- triggers would update a count once per row, and PostgreSQL keeps every version a transaction
-- writes of a row: one statement over a large task (DeleteTasks' cascade, a status patch, a
-- bulk load) then walked ever longer version chains, quadratic in its rows (a million-row
-- insert had not finished after four minutes). Updates that change no counted column (leases,
-- annotation data) group to nothing and write nothing. A count that falls to zero is deleted,
-- so the table holds exactly what a GROUP BY over the two tables answers; only keys of old
-- rows can fall, so only those are looked at. Foreign-key cascades run as statements too.
CREATE FUNCTION task_assignments_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO task_status_counts AS c (app_uid, task_id, kind, user_id, status, n)
        SELECT app_uid, task_id, 'assignment', worker_id, status, COUNT(*) FROM new_rows
        GROUP BY app_uid, task_id, worker_id, status ORDER BY app_uid, task_id, worker_id, status
        ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
        RETURN NULL;
    END IF;
    -- (A DELETE trigger has no new_rows, so each event spells its own statement.)
    IF TG_OP = 'DELETE' THEN
        INSERT INTO task_status_counts AS c (app_uid, task_id, kind, user_id, status, n)
        SELECT app_uid, task_id, 'assignment', worker_id, status, -COUNT(*) FROM old_rows
        GROUP BY app_uid, task_id, worker_id, status ORDER BY app_uid, task_id, worker_id, status
        ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO task_status_counts AS c (app_uid, task_id, kind, user_id, status, n)
        SELECT app_uid, task_id, 'assignment', worker_id, status, SUM(delta) FROM (
            SELECT app_uid, task_id, worker_id, status, -1 AS delta FROM old_rows
            UNION ALL
            SELECT app_uid, task_id, worker_id, status, 1 FROM new_rows) AS changes
        GROUP BY app_uid, task_id, worker_id, status HAVING SUM(delta) <> 0
        ORDER BY app_uid, task_id, worker_id, status
        ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    DELETE FROM task_status_counts c USING (SELECT DISTINCT app_uid, task_id, worker_id, status FROM old_rows) AS o
    WHERE c.app_uid = o.app_uid AND c.task_id = o.task_id AND c.kind = 'assignment' AND c.user_id = o.worker_id
      AND c.status = o.status AND c.n = 0;
    RETURN NULL;
END $$;

-- The same for annotations; only those made in a task (task_id <> '') count, so an annotation
-- moved out of a task, or into one, leaves or joins the counts.
CREATE FUNCTION annotations_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO task_status_counts AS c (app_uid, task_id, kind, user_id, status, n)
        SELECT app_uid, task_id, 'annotation', user_id, status, COUNT(*) FROM new_rows WHERE task_id <> ''
        GROUP BY app_uid, task_id, user_id, status ORDER BY app_uid, task_id, user_id, status
        ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO task_status_counts AS c (app_uid, task_id, kind, user_id, status, n)
        SELECT app_uid, task_id, 'annotation', user_id, status, -COUNT(*) FROM old_rows WHERE task_id <> ''
        GROUP BY app_uid, task_id, user_id, status ORDER BY app_uid, task_id, user_id, status
        ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO task_status_counts AS c (app_uid, task_id, kind, user_id, status, n)
        SELECT app_uid, task_id, 'annotation', user_id, status, SUM(delta) FROM (
            SELECT app_uid, task_id, user_id, status, -1 AS delta FROM old_rows WHERE task_id <> ''
            UNION ALL
            SELECT app_uid, task_id, user_id, status, 1 FROM new_rows WHERE task_id <> '') AS changes
        GROUP BY app_uid, task_id, user_id, status HAVING SUM(delta) <> 0
        ORDER BY app_uid, task_id, user_id, status
        ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    DELETE FROM task_status_counts c
    USING (SELECT DISTINCT app_uid, task_id, user_id, status FROM old_rows WHERE task_id <> '') AS o
    WHERE c.app_uid = o.app_uid AND c.task_id = o.task_id AND c.kind = 'annotation' AND c.user_id = o.user_id
      AND c.status = o.status AND c.n = 0;
    RETURN NULL;
END $$;

-- A trigger with transition tables takes one event, hence three per table.
CREATE TRIGGER task_assignments_counted AFTER INSERT ON task_assignments
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_assignments_count();
CREATE TRIGGER task_assignments_uncounted AFTER DELETE ON task_assignments
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_assignments_count();
CREATE TRIGGER task_assignments_recounted AFTER UPDATE ON task_assignments
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_assignments_count();

CREATE TRIGGER annotations_counted AFTER INSERT ON annotations
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotations_count();
CREATE TRIGGER annotations_uncounted AFTER DELETE ON annotations
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION annotations_count();
CREATE TRIGGER annotations_recounted AFTER UPDATE ON annotations
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION annotations_count();
