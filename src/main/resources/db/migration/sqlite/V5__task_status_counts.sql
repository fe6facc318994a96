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
) WITHOUT ROWID;

INSERT INTO task_status_counts (app_uid, task_id, kind, user_id, status, n)
SELECT app_uid, task_id, 'assignment', worker_id, status, COUNT(*) FROM task_assignments
GROUP BY app_uid, task_id, worker_id, status;

INSERT INTO task_status_counts (app_uid, task_id, kind, user_id, status, n)
SELECT app_uid, task_id, 'annotation', user_id, status, COUNT(*) FROM annotations WHERE task_id <> ''
GROUP BY app_uid, task_id, user_id, status;

-- Foreign-key cascades (a task's assignments, an input's annotations) fire these too.
CREATE TRIGGER task_assignments_counted AFTER INSERT ON task_assignments
BEGIN
    INSERT INTO task_status_counts (app_uid, task_id, kind, user_id, status, n)
    VALUES (NEW.app_uid, NEW.task_id, 'assignment', NEW.worker_id, NEW.status, 1)
    ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER task_assignments_uncounted AFTER DELETE ON task_assignments
BEGIN
    UPDATE task_status_counts SET n = n - 1
    WHERE app_uid = OLD.app_uid AND task_id = OLD.task_id AND kind = 'assignment' AND user_id = OLD.worker_id
      AND status = OLD.status;
    DELETE FROM task_status_counts
    WHERE app_uid = OLD.app_uid AND task_id = OLD.task_id AND kind = 'assignment' AND user_id = OLD.worker_id
      AND status = OLD.status AND n = 0;
END;

CREATE TRIGGER task_assignments_recounted AFTER UPDATE OF app_uid, task_id, worker_id, status ON task_assignments
WHEN OLD.app_uid IS NOT NEW.app_uid OR OLD.task_id IS NOT NEW.task_id OR OLD.worker_id IS NOT NEW.worker_id
  OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE task_status_counts SET n = n - 1
    WHERE app_uid = OLD.app_uid AND task_id = OLD.task_id AND kind = 'assignment' AND user_id = OLD.worker_id
      AND status = OLD.status;
    DELETE FROM task_status_counts
    WHERE app_uid = OLD.app_uid AND task_id = OLD.task_id AND kind = 'assignment' AND user_id = OLD.worker_id
      AND status = OLD.status AND n = 0;
    INSERT INTO task_status_counts (app_uid, task_id, kind, user_id, status, n)
    VALUES (NEW.app_uid, NEW.task_id, 'assignment', NEW.worker_id, NEW.status, 1)
    ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER annotations_counted AFTER INSERT ON annotations
WHEN NEW.task_id <> ''
BEGIN
    INSERT INTO task_status_counts (app_uid, task_id, kind, user_id, status, n)
    VALUES (NEW.app_uid, NEW.task_id, 'annotation', NEW.user_id, NEW.status, 1)
    ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER annotations_uncounted AFTER DELETE ON annotations
WHEN OLD.task_id <> ''
BEGIN
    UPDATE task_status_counts SET n = n - 1
    WHERE app_uid = OLD.app_uid AND task_id = OLD.task_id AND kind = 'annotation' AND user_id = OLD.user_id
      AND status = OLD.status;
    DELETE FROM task_status_counts
    WHERE app_uid = OLD.app_uid AND task_id = OLD.task_id AND kind = 'annotation' AND user_id = OLD.user_id
      AND status = OLD.status AND n = 0;
END;

-- An annotation moved out of a task, or into one, leaves or joins the counts (the WHERE
-- clauses on OLD and NEW); the WHERE on the SELECT also keeps SQLite from reading ON CONFLICT
-- as a join constraint.
CREATE TRIGGER annotations_recounted AFTER UPDATE OF app_uid, task_id, user_id, status ON annotations
WHEN OLD.app_uid IS NOT NEW.app_uid OR OLD.task_id IS NOT NEW.task_id OR OLD.user_id IS NOT NEW.user_id
  OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE task_status_counts SET n = n - 1
    WHERE OLD.task_id <> '' AND app_uid = OLD.app_uid AND task_id = OLD.task_id AND kind = 'annotation'
      AND user_id = OLD.user_id AND status = OLD.status;
    DELETE FROM task_status_counts
    WHERE OLD.task_id <> '' AND app_uid = OLD.app_uid AND task_id = OLD.task_id AND kind = 'annotation'
      AND user_id = OLD.user_id AND status = OLD.status AND n = 0;
    INSERT INTO task_status_counts (app_uid, task_id, kind, user_id, status, n)
    SELECT NEW.app_uid, NEW.task_id, 'annotation', NEW.user_id, NEW.status, 1 WHERE NEW.task_id <> ''
    ON CONFLICT (app_uid, task_id, kind, user_id, status) DO UPDATE SET n = n + 1;
END;
