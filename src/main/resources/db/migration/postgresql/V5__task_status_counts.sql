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

-- Adds delta to one count: an upsert going up; going down, the row goes when it reaches zero.
-- Two transactions changing one count queue on its row; one that finds the row deleted by a
-- transaction that committed meanwhile inserts it afresh (ON CONFLICT retries).
CREATE FUNCTION task_status_count_add(p_app TEXT, p_task TEXT, p_kind TEXT, p_user TEXT, p_status INTEGER,
                                      p_delta INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    remaining BIGINT;
BEGIN
    IF p_delta > 0 THEN
        INSERT INTO task_status_counts AS c (app_uid, task_id, kind, user_id, status, n)
        VALUES (p_app, p_task, p_kind, p_user, p_status, p_delta)
        ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        UPDATE task_status_counts SET n = n + p_delta
        WHERE app_uid = p_app AND task_id = p_task AND kind = p_kind AND user_id = p_user AND status = p_status
        RETURNING n INTO remaining;
        IF remaining = 0 THEN
            DELETE FROM task_status_counts
            WHERE app_uid = p_app AND task_id = p_task AND kind = p_kind AND user_id = p_user AND status = p_status
              AND n = 0;
        END IF;
    END IF;
END $$;

CREATE FUNCTION task_assignments_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM task_status_count_add(OLD.app_uid, OLD.task_id, 'assignment', OLD.worker_id, OLD.status, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM task_status_count_add(NEW.app_uid, NEW.task_id, 'assignment', NEW.worker_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;

-- An annotation moved out of a task, or into one, leaves or joins the counts.
CREATE FUNCTION annotations_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.task_id <> '' THEN
        PERFORM task_status_count_add(OLD.app_uid, OLD.task_id, 'annotation', OLD.user_id, OLD.status, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.task_id <> '' THEN
        PERFORM task_status_count_add(NEW.app_uid, NEW.task_id, 'annotation', NEW.user_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;

-- Row triggers, with WHEN conditions the server checks before calling any function: updates
-- that change none of the counted columns (leases, annotation data) cost nothing. Foreign-key
-- cascades (a task's assignments, an input's annotations) fire these too.
CREATE TRIGGER task_assignments_counted AFTER INSERT OR DELETE ON task_assignments
FOR EACH ROW EXECUTE FUNCTION task_assignments_count();

CREATE TRIGGER task_assignments_recounted AFTER UPDATE OF app_uid, task_id, worker_id, status ON task_assignments
FOR EACH ROW WHEN (OLD.app_uid IS DISTINCT FROM NEW.app_uid OR OLD.task_id IS DISTINCT FROM NEW.task_id
                   OR OLD.worker_id IS DISTINCT FROM NEW.worker_id OR OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION task_assignments_count();

CREATE TRIGGER annotations_counted AFTER INSERT ON annotations
FOR EACH ROW WHEN (NEW.task_id <> '') EXECUTE FUNCTION annotations_count();

CREATE TRIGGER annotations_uncounted AFTER DELETE ON annotations
FOR EACH ROW WHEN (OLD.task_id <> '') EXECUTE FUNCTION annotations_count();

CREATE TRIGGER annotations_recounted AFTER UPDATE OF app_uid, task_id, user_id, status ON annotations
FOR EACH ROW WHEN (OLD.app_uid IS DISTINCT FROM NEW.app_uid OR OLD.task_id IS DISTINCT FROM NEW.task_id
                   OR OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION annotations_count();
