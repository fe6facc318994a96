-- Saved searches (PostInputsSearches / PostAnnotationsSearches / PostSearches with save) and
-- the inputs of those a task takes its inputs from (docs/ARCHITECTURE.md, "Saved searches as
-- task sources").

-- spec is the Search as saved (JSON of clarifai.api.Search: query, name, visibility, ...);
-- kind says which RPC saved it ('inputs' or 'annotations'), so PostSearchesByID answers the
-- same kind of hits. tracked: a task's input source, so its matches are kept in search_inputs.
CREATE TABLE searches (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    app_uid     TEXT    NOT NULL REFERENCES apps (uid) ON DELETE CASCADE,
    id          TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    spec        TEXT    NOT NULL,
    tracked     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    modified_at BIGINT  NOT NULL,
    UNIQUE (app_uid, id)
);
-- Every change to an app's inputs, annotations or datasets asks for its tracked searches.
CREATE INDEX searches_tracked ON searches (app_uid) WHERE tracked;

-- The inputs a tracked search has matched since it became a task's source, with their place
-- in its order (input_seq, given as they join: after every member so far), exactly like
-- dataset_inputs, so that tasks scan it the same way (SourceScanner).
CREATE TABLE search_inputs (
    app_uid    TEXT   NOT NULL,
    search_id  TEXT   NOT NULL,
    input_id   TEXT   NOT NULL,
    input_seq  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (app_uid, search_id, input_id),
    FOREIGN KEY (app_uid, search_id) REFERENCES searches (app_uid, id) ON DELETE CASCADE,
    FOREIGN KEY (app_uid, input_id) REFERENCES inputs (app_uid, id) ON DELETE CASCADE
);
CREATE INDEX search_inputs_in_order ON search_inputs (app_uid, search_id, input_seq);
CREATE INDEX search_inputs_by_bucket ON search_inputs (app_uid, search_id, (input_seq * 40503 % 16384), input_seq);
CREATE INDEX search_inputs_by_input ON search_inputs (app_uid, input_id);

-- Annotation searches read an app's annotations in order, and filters by labeler or status
-- read one labeler's or one status's annotations.
CREATE INDEX annotations_in_order ON annotations (app_uid, seq);
CREATE INDEX annotations_by_user ON annotations (app_uid, user_id, seq);
