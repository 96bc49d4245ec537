-- CSV joins the formats (issue #12). SQLite cannot change a CHECK
-- constraint in place: the table is rebuilt with the same columns, rows
-- and indexes, and the wider check.
CREATE TABLE exports_new (
    id TEXT PRIMARY KEY,
    artifact_id TEXT NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('pdf', 'docx', 'xlsx', 'csv')),
    url TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
    storage_key TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    idempotency_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    source TEXT NOT NULL DEFAULT 'upload' CHECK (source IN ('upload', 'server'))
);
INSERT INTO exports_new (id, artifact_id, user_id, format, url, status, storage_key, size_bytes, sha256, idempotency_key, created_at, updated_at, source)
    SELECT id, artifact_id, user_id, format, url, status, storage_key, size_bytes, sha256, idempotency_key, created_at, updated_at, source FROM exports;
DROP TABLE exports;
ALTER TABLE exports_new RENAME TO exports;
CREATE INDEX idx_exports_artifact ON exports (artifact_id);
CREATE INDEX idx_exports_user_created ON exports (user_id, created_at DESC);
CREATE UNIQUE INDEX idx_exports_idempotency ON exports (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX idx_exports_created ON exports (created_at);
