-- `sheet` artifacts (workbooks, issue #12) join `table`.
ALTER TABLE artifacts DROP CONSTRAINT artifacts_type_check;
ALTER TABLE artifacts ADD CONSTRAINT artifacts_type_check CHECK (type IN ('table', 'sheet'));
