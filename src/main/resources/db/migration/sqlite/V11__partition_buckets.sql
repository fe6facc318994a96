-- PARTITIONED tasks split their source by bucket, not input by input (docs/ARCHITECTURE.md,
-- "The labeling workflow"): a source row's bucket is a fixed function of its place in the
-- source's order, (seq * 40503) % 16384 (input_seq for a dataset's members), so no row is
-- written or rewritten for it, and a worker reads only its own buckets.

-- A worker's scan reads one bucket at a time in arrival order: equality on the bucket, the
-- order from seq. The expression must be written exactly so in the queries (SourceScanner).
CREATE INDEX inputs_by_bucket ON inputs (app_uid, (seq * 40503 % 16384), seq);
CREATE INDEX dataset_inputs_by_bucket ON dataset_inputs (app_uid, dataset_id, (input_seq * 40503 % 16384), input_seq);

-- Tasks made before this migration keep splitting input by input, so that their workers'
-- cursors and the inputs they already passed stay theirs (a running task's split never
-- changes); tasks made from now on have FALSE.
ALTER TABLE tasks ADD COLUMN partition_by_input BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE tasks SET partition_by_input = TRUE;

-- A worker's pass over its buckets: inputs with seq in (last_seq, pass_to] are read bucket by
-- bucket; bucket_at is the bucket being read and bucket_seq the last seq read in it. pass_to 0
-- = no pass under way (the state of every cursor written before this migration).
ALTER TABLE task_cursors ADD COLUMN pass_to BIGINT NOT NULL DEFAULT 0;
ALTER TABLE task_cursors ADD COLUMN bucket_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_cursors ADD COLUMN bucket_seq BIGINT NOT NULL DEFAULT 0;
