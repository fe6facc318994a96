-- A version's snapshot is copied by the export worker in bounded batches (not in the request
-- that makes it): snapshot_upto is the highest input_seq the dataset had when the version was
-- made, so inputs added to the dataset later stay out. The copy resumes after the highest
-- input_seq already in dataset_version_inputs. Versions made before this migration have their
-- snapshot already (0: nothing left to copy).
ALTER TABLE dataset_versions ADD COLUMN snapshot_upto BIGINT NOT NULL DEFAULT 0;
