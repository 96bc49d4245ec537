// The formats' MIME types, here rather than from rowpress so that modules
// which only talk to the server do not load the exporter.
import type { Format } from "rowpress";

export const MIME: Record<Format, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv",
};
