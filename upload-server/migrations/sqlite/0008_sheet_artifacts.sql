-- `sheet` artifacts (workbooks, issue #12) join `table`. SQLite cannot
-- change a CHECK constraint in place, and rebuilding `artifacts` (the
-- parent of `exports`) would delete every export through ON DELETE
-- CASCADE. The constraint's text is widened in the schema instead: the
-- procedure SQLite documents for constraint changes that leave every
-- stored row valid (https://www.sqlite.org/lang_altertable.html, section
-- "Making Other Kinds Of Table Schema Changes"). The table created and
-- dropped after it makes every connection read the schema again.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
    SET sql = replace(sql, 'CHECK (type IN (''table''))', 'CHECK (type IN (''table'', ''sheet''))')
    WHERE type = 'table' AND name = 'artifacts';
PRAGMA writable_schema = OFF;
CREATE TABLE schema_reread (x INTEGER);
DROP TABLE schema_reread;
