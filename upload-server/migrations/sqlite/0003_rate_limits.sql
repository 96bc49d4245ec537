-- The per-user limit on export creation, shared by every instance: one row
-- per user holding the generic cell rate algorithm's "theoretical arrival
-- time" (microseconds since the epoch). A row whose time has passed is a
-- full bucket and may be deleted.
CREATE TABLE rate_limits (
    user_id TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);
