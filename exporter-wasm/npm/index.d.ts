/** A link: the text shown (the address when omitted) and an http, https or mailto address. */
export interface Link {
  text?: string;
  url: string;
}

/**
 * One cell: text, a finite number, a boolean, a link, a Date, or empty. A
 * Date is the date and time its runtime shows (`getFullYear()` ...
 * `getMilliseconds()`), never shifted by a time zone: `new Date(2024, 0,
 * 15)` is 15 January 2024 00:00 under every `TZ`.
 */
export type Cell = string | number | boolean | Link | Date | null;

/** A column given with `columns`: its header, its key in rows given as objects, and how it is shown. */
export interface Column {
  header: string;
  key?: string;
  /**
   * What the cells are, read from their text: `date` (`YYYY-MM-DD`),
   * `datetime` (`YYYY-MM-DDTHH:MM[:SS[.fff]]`, no time zone), `time`
   * (`HH:MM[:SS]`), `number`, `boolean`, `text`, `link` (an http, https or
   * mailto URL, or a `Link`). A cell that is not its
   * type is kept as it is, with a `TYPE_MISMATCH` warning.
   */
  type?: "text" | "number" | "boolean" | "date" | "datetime" | "time" | "link";
  /**
   * An Excel number-format code for the cells (needs `type`): `"#,##0.00"`,
   * `"0.0%"`, `"yyyy-mm-dd hh:mm"`, `"[$€-407] #,##0.00;(#,##0.00)"`. XLSX
   * keeps the code; PDF, DOCX and CSV with `csvAsDisplayed` show the text
   * Excel shows. A code Rowpress cannot show (conditions such as `[>100]`,
   * fractions) is shown as General, with an `UNSUPPORTED_FORMAT` warning.
   */
  format?: string;
  /** Of the header and every cell; by default numbers, dates and times right, text left. */
  align?: "left" | "center" | "right";
  /** In characters (the width of `0`, as Excel counts), 1 to 255; by default fitted to the content. */
  width?: number;
}

/**
 * The table: optional title, one header per column, rows of cells (a short
 * row is padded). With `columns` instead of `headers`, a row may also be an
 * object keyed by the columns' keys (`{ id: "A-1", qty: 3 }`): a key not
 * given is an empty cell, a key no column has is an `UNKNOWN_KEY` error.
 */
export type TableData =
  | { title?: string; name?: string; headers: string[]; rows: Cell[][] }
  | { title?: string; name?: string; columns: Column[]; rows: (Cell[] | Record<string, Cell>)[] };

/**
 * Several tables in one file. XLSX: one worksheet each, named by its
 * `name` (checked against Excel's rules; names must differ ignoring case),
 * else made from its title, else `SheetN`. PDF and DOCX: the tables in
 * order, each under its title (else its name) and starting a page, with a
 * bookmark each in the PDF. CSV holds one table: a workbook of more sheets
 * is an `INVALID_OPTION` error. Errors and warnings name the sheet
 * (`sheet 2 ("Costs"): row 3, column 1: ...`). `title` is the document's.
 */
export interface Workbook {
  title?: string;
  sheets: TableData[];
}

export type Format = "pdf" | "docx" | "xlsx" | "csv";
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
   * has it, then Helvetica. Subset and embedded, searchable. A font with
   * no outlines a PDF can embed (a colour bitmap emoji font, CFF2) is left
   * out with an `INVALID_FONT` warning (an error when `strict`). A
   * `{regular, bold}` family is its regular face then its bold, which
   * draws the headers (messages count the faces one by one: `font 2`).
   */
  fonts?: (Uint8Array | ArrayBuffer | FontFamily)[];
  /** XLSX worksheet name of a table; derived from the title by default. A workbook's sheets take their `name`. */
  sheetName?: string;
  /** CSV: start with a UTF-8 byte order mark, which Excel needs to read UTF-8. Default false. */
  csvBom?: boolean;
  /** CSV: write typed columns as displayed (`1,132.80`) rather than as a program reads them back (`1132.8`). Default false. */
  csvAsDisplayed?: boolean;
  /** Creation time written into the file; default now. Same time, same input: same bytes. */
  createdAt?: Date | number;
  /** Called as rows are written: at least every 1% of the rows, and at the end. */
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  /**
   * Refuse, with the error of the warning's code, any value the format
   * cannot hold as given, instead of keeping it another way. Default false.
   */
  strict?: boolean;
  /**
   * Called, before the export returns, once for each value the format could
   * not hold as given and kept another way (a number outside Excel's range
   * written as text in XLSX, a control character Word cannot hold dropped):
   * the first 100, then once with `MORE_WARNINGS` and the count of the rest.
   */
  onWarning?: (warning: ExportWarning) => void;
}

/** Codes of warnings: each is the code of the error `strict` makes of it. */
export type WarningCode =
  | "INVALID_NUMBER"
  | "INVALID_CHARACTER"
  | "FORMULA_TEXT"
  | "TYPE_MISMATCH"
  | "UNSUPPORTED_FORMAT"
  | "MISSING_GLYPH"
  | "INVALID_FONT"
  | "MORE_WARNINGS";

/** A value kept another way than given. */
export interface ExportWarning {
  code: WarningCode;
  /** One line naming where and what was done: `row 3, column 2: ...`. */
  message: string;
  /** 1-based sheet, in a workbook. */
  sheet?: number;
  /** 1-based body row (row 1 is the first after the headers), when in a cell. */
  row?: number;
  /** 1-based column, when in a cell or header. */
  column?: number;
  /** 1-based position in `options.fonts`, when about a font (`INVALID_FONT`: a colour bitmap font left out of the chain). */
  font?: number;
  /** With `MORE_WARNINGS`: how many were not listed. */
  count?: number;
}

/** Stable codes of the errors Rowpress throws. */
export type ErrorCode =
  | "INVALID_JSON"
  | "MISSING_HEADERS"
  | "INVALID_CELL"
  | "UNKNOWN_KEY"
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
  | "FORMULA_TEXT"
  | "TYPE_MISMATCH"
  | "UNSUPPORTED_FORMAT"
  | "INVALID_FONT"
  | "INVALID_OPTION"
  | "INVALID_WORKBOOK"
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
export function exportTable(table: TableData | Workbook, options: ExportOptions): Uint8Array;

/**
 * A table of text (pasted CSV) with types inferred: each column whose every
 * non-empty cell reads as one type (ISO dates and times, numbers with
 * thousands separators, percents, currency amounts, booleans) gets that
 * `type` and a `format` made from what was seen; percents and amounts
 * become the numbers they show (`"12.5%"` is `0.125` shown as `0.0%`).
 * Text that only looks like a number (`007`, 16 digits) stays text.
 * Returns the table with `columns`; columns already typed are kept.
 * @throws {RowpressError}
 */
export function inferTypes(table: TableData): {
  title?: string;
  columns: Column[];
  rows: Cell[][];
};

/**
 * What the cells of one sheet show in its files, for a view that agrees
 * with them (`formatCells`).
 */
export interface FormattedSheet {
  /** Each column's alignment; null leaves each cell to its kind (numbers right, text left). */
  align: ("left" | "center" | "right" | null)[];
  /**
   * Each typed column's cells as the PDF, DOCX and displayed CSV show them
   * (what Excel shows through the column's format; a link as its text; a
   * cell that is not its column's type as it is), one per row; null for an
   * untyped column, whose cells show as given.
   */
  columns: (string[] | null)[];
}

/**
 * The text each typed cell of `table` (each sheet of a workbook) shows in
 * its files: `"2024-10-18"` in a `d mmm yyyy` column is `"18 Oct 2024"`,
 * `1132.8` in a `#,##0.00` column `"1,132.80"`. One entry per sheet.
 * @throws {RowpressError}
 */
export function formatCells(table: TableData | Workbook): FormattedSheet[];

/** A font family: its regular face and, to draw the headers, its bold. */
export interface FontFamily {
  regular: Uint8Array | ArrayBuffer;
  bold?: Uint8Array | ArrayBuffer;
}

/**
 * A font a PDF needs beyond the built-in Helvetica, by the scripts it
 * covers: `other` is Latin beyond Western Europe, Greek, Cyrillic and
 * symbols (DejaVu Sans covers them), `cjk` Chinese, Japanese and Korean.
 */
export type FontScript = "arabic" | "hebrew" | "devanagari" | "thai" | "other" | "cjk";

/**
 * The fonts a PDF of `table` (every sheet of a workbook) needs, in the
 * order to pass them in `fonts`; empty when Helvetica shows all its text.
 * Fetch only these.
 * @throws {RowpressError}
 */
export function scriptsNeeded(table: TableData | Workbook): FontScript[];

/** `application/pdf`, ... */
export function mimeType(format: Format): string;
/** `pdf`, `docx`, `xlsx` or `csv` (no dot). */
export function fileExtension(format: Format): string;
/** A file name safe on every OS: `Quarterly sales.xlsx`. */
export function fileName(title: string | undefined, format: Format): string;
/** The bytes as a Blob with the format's MIME type, ready for a download link. */
export function toBlob(bytes: Uint8Array, format: Format): Blob;
export function isRowpressError(value: unknown): value is RowpressError;
