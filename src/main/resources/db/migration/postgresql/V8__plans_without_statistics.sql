-- Indexes that leave the planner one good plan for the labeling calls' hot reads whatever its
-- statistics say. Right after a bulk upload, or while a new task's first slots are taken, the
-- tables have often not been analysed yet, and with the old indexes a plan could read every
-- slot or assignment of the task on each call (docs/ARCHITECTURE.md, "Plans that do not depend
-- on statistics").

-- Reoffered slots (every LABEL_START): only the rows the query wants are in this index, so it
-- is small and exact, whatever the planner believes about how common reoffer is.
DROP INDEX task_inputs_reoffered;
CREATE INDEX task_inputs_reoffered ON task_inputs (app_uid, task_id) WHERE reoffer = TRUE AND open;

-- A worker's pending assignments in order (every labeling call): equality on the first four
-- columns and the order from the fifth, so the primary key (seq) read with a filter is never
-- the cheaper choice. Serves every query the old four-column index served.
DROP INDEX task_assignments_by_worker;
CREATE INDEX task_assignments_by_worker ON task_assignments (app_uid, task_id, worker_id, status, seq);
