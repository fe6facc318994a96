-- Hosted bytes (docs/ARCHITECTURE.md, "Hosted bytes and fetched URLs").

-- What the header of an input's stored bytes says, read once when they are stored, so that
-- reads never parse bytes. For an input with stored bytes image_format is the format read
-- ('' when the bytes are no image Annotask reads: video, audio, text, an unknown or broken
-- header); NULL only for inputs without bytes and, until the start-up backfill has read
-- them, for inputs stored before this migration.
ALTER TABLE inputs ADD COLUMN image_width INTEGER;
ALTER TABLE inputs ADD COLUMN image_height INTEGER;
ALTER TABLE inputs ADD COLUMN image_format TEXT;

-- Why the input's status is what it is (a failed fetch says why); NULL when there is nothing to say.
ALTER TABLE inputs ADD COLUMN status_details TEXT;

-- With --fetch-urls, URL inputs wait as INPUT_DOWNLOAD_PENDING (30001) until a node fetches
-- them; fetch_lease is the time (epoch ms) until which the node that claimed one is fetching
-- it, 0 while nobody is.
ALTER TABLE inputs ADD COLUMN fetch_lease BIGINT NOT NULL DEFAULT 0;

-- Both lists are small or empty, and these keep them from costing a scan of every input:
-- the pending fetches, and the stored bytes whose header the backfill has yet to read. The
-- literals must appear as such in the queries (InputMediaStore).
CREATE INDEX inputs_fetch_pending ON inputs (seq) WHERE status = 30001;
CREATE INDEX inputs_header_unread ON inputs (seq) WHERE byte_size > 0 AND image_format IS NULL;
