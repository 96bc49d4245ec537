-- Who made an export's bytes: `upload` (a client sent them) or `server`
-- (rendered here). A retry with the same Idempotency-Key is compared by
-- bytes for uploads, by artifact and format for renders.
ALTER TABLE exports ADD COLUMN source TEXT NOT NULL DEFAULT 'upload' CHECK (source IN ('upload', 'server'));
