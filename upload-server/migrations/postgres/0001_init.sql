-- Rowpress schema, PostgreSQL. Times are Unix milliseconds (UTC).
CREATE TABLE artifacts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('table')),
    title TEXT,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX idx_artifacts_user_created ON artifacts (user_id, created_at DESC);

CREATE TABLE exports (
    id TEXT PRIMARY KEY,
    artifact_id TEXT NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('pdf', 'docx', 'xlsx')),
    url TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
    storage_key TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    idempotency_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX idx_exports_artifact ON exports (artifact_id);
CREATE INDEX idx_exports_user_created ON exports (user_id, created_at DESC);
CREATE UNIQUE INDEX idx_exports_idempotency ON exports (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
