-- What a server render kept another way than given (issue #12): the
-- core's one-line warnings as a JSON array of strings; NULL when none.
ALTER TABLE exports ADD COLUMN warnings TEXT;
