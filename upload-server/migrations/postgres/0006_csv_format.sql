-- CSV joins the formats (issue #12).
ALTER TABLE exports DROP CONSTRAINT exports_format_check;
ALTER TABLE exports ADD CONSTRAINT exports_format_check CHECK (format IN ('pdf', 'docx', 'xlsx', 'csv'));
