-- What the header of an input's video or audio bytes says, or how long its text is, as the
-- JSON of Clarifai's VideoInfo, AudioInfo or TextInfo; read once when the content is stored
-- (docs/ARCHITECTURE.md, "Hosted bytes and fetched URLs"). NULL when there is nothing to say
-- (images have their own columns) and for inputs stored before this migration.
ALTER TABLE inputs ADD COLUMN media_info TEXT;
