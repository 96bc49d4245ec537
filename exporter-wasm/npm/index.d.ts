/** One cell: text, a finite number, a boolean, or empty. */
export type Cell = string | number | boolean | null;

/** The table: optional title, one header per column, rows of cells (a short row is padded). */
export interface TableData {
  title?: string;
  headers: string[];
  rows: Cell[][];
}

export type Format = "pdf" | "docx" | "xlsx";
export type PageSize = "a4" | "letter" | "legal";
/** `auto`: portrait, or landscape when the columns do not fit across the page. */
export type Orientation = "auto" | "portrait" | "landscape";

/** Page margins in points (1/72 inch); 36 on each side by default. */
export interface Margins {
  top?: number;
  right?: number;
  bottom?: number;
  left?: number;
}

export interface ExportOptions {
  format: Format;
  /** Replaces the table's own title. */
  title?: string;
  /** PDF and DOCX; default `a4`. */
  pageSize?: PageSize;
  /** PDF and DOCX; default `auto`. */
  orientation?: Orientation;
  /** PDF and DOCX. */
  margins?: Margins;
  /**
   * TrueType/OpenType fonts (.ttf, .otf, first face of a .ttc) for text the
   * built-in PDF font cannot show: each character uses the first font that
   * has it, then Helvetica. Subset and embedded, searchable.
   */
  fonts?: Uint8Array[];
  /** XLSX worksheet name; derived from the title by default. */
  sheetName?: string;
  /** Creation time written into the file; default now. Same time, same input: same bytes. */
  createdAt?: Date | number;
  /** Called as rows are written: at least every 1% of the rows, and at the end. */
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
}

/** Stable codes of the errors Rowpress throws. */
export type ErrorCode =
  | "INVALID_JSON"
  | "MISSING_HEADERS"
  | "INVALID_CELL"
  | "ROW_TOO_LONG"
  | "INVALID_NUMBER"
  | "CELL_TOO_LONG"
  | "TOO_MANY_ROWS"
  | "TOO_MANY_COLUMNS"
  | "TOO_LARGE"
  | "TOO_MANY_CELLS"
  | "INVALID_SHEET_NAME"
  | "MISSING_GLYPH"
  | "INVALID_CHARACTER"
  | "INVALID_FONT"
  | "INVALID_OPTION"
  | "INTERNAL"
  | "NOT_READY"
  | "WORKER_FAILED";

/** Every error thrown: a one-line message naming the row, column or option, and a code. */
export interface RowpressError extends Error {
  name: "RowpressError";
  code: ErrorCode;
}

/**
 * Loads the WebAssembly module (browsers: once, asynchronously; Node.js:
 * already done at import). Pass a URL, Response or bytes to load it from
 * elsewhere than beside this file.
 */
export function ready(
  wasm?: URL | string | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;

/**
 * Exports `table` as the bytes of a PDF, DOCX or XLSX file, on the calling
 * thread. In browsers, `await ready()` first, and prefer `exportInWorker`
 * from `rowpress/worker` for large tables.
 * @throws {RowpressError}
 */
export function exportTable(table: TableData, options: ExportOptions): Uint8Array;

/** `application/pdf`, ... */
export function mimeType(format: Format): string;
/** `pdf`, `docx` or `xlsx` (no dot). */
export function fileExtension(format: Format): string;
/** A file name safe on every OS: `Quarterly sales.xlsx`. */
export function fileName(title: string | undefined, format: Format): string;
/** The bytes as a Blob with the format's MIME type, ready for a download link. */
export function toBlob(bytes: Uint8Array, format: Format): Blob;
export function isRowpressError(value: unknown): value is RowpressError;
