-- An artifact's table is kept in storage beside the exports, under
-- `data_key`; `data` holds it only for artifacts made before (issue #11:
-- a large table bound into an INSERT was copied three more times).
ALTER TABLE artifacts ADD COLUMN data_key TEXT;
-- The sweeper asks, for each file under artifacts/, whether a row names it.
CREATE INDEX idx_artifacts_data_key ON artifacts (data_key);
