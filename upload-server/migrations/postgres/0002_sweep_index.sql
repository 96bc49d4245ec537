-- The retention sweeper and the stale-processing sweep select by age.
CREATE INDEX idx_exports_created ON exports (created_at);
