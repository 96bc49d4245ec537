// Turning pasted text into a table, and the sample tables.

import type { Cell, Column, TableData, Workbook } from "rowpress";

/** A table as the app shows and exports it: headers, and rows of cells. */
export type Grid = Extract<TableData, { headers: string[] }>;

/**
 * `data` as a Grid: a table given with `columns` gets their headers, and
 * its rows given as objects their values by the columns' keys (a key not
 * given is an empty cell), as the core reads them. Used for tables the
 * server has checked (it refuses a key no column has).
 */
export function toGrid(data: TableData): Grid {
  if ("headers" in data) return data;
  const keys = data.columns.map((c) => c.key);
  return {
    ...(data.title === undefined ? {} : { title: data.title }),
    headers: data.columns.map((c) => c.header),
    rows: data.rows.map((row) =>
      Array.isArray(row)
        ? row
        : keys.map((k) => (k !== undefined && Object.prototype.hasOwnProperty.call(row, k) ? (row[k] ?? null) : null)),
    ),
  };
}

/** One sheet of an artifact, as the app shows it: its tab's name and its grid. */
export interface Sheet {
  name: string;
  grid: Grid;
}

/**
 * The sheets of `data`: a workbook's, each labelled by its name, else its
 * title, else `SheetN` (the XLSX's tab may differ where Excel refuses a
 * character of a title), or a table as the one sheet.
 */
export function toSheets(data: TableData | Workbook): Sheet[] {
  const tables = "sheets" in data ? data.sheets : [data];
  return tables.map((table, i) => ({
    name: table.name || table.title || `Sheet${i + 1}`,
    grid: toGrid(table),
  }));
}

/** A pasted table could not be read; says where. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParseError";
  }
}

/**
 * A CSV cell as a value: a number only when writing the number back gives
 * the same text (so `007`, `1e3`, `3.10` and `+1` stay text, unchanged),
 * empty as null, anything else as the text itself.
 */
export function csvValue(text: string): Cell {
  if (text === "") return null;
  if (/^-?\d/.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n) && String(n) === text) return n;
  }
  return text;
}

/** A table of text as read from CSV, before any cell is typed. */
export interface TextGrid {
  headers: string[];
  rows: string[][];
}

/** RFC 4180 CSV (quotes, doubled quotes, CRLF or LF); the first row is the header; every cell as text. */
export function readCsv(text: string): TextGrid {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
      quoteLine = line;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      line++;
    } else field += c;
  }
  if (quoted) throw new ParseError(`CSV line ${quoteLine}: a quoted field is not closed`);
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const nonEmpty = rows.filter((r) => !(r.length === 1 && r[0] === ""));
  if (nonEmpty.length === 0) throw new ParseError("CSV: no header row");
  const [headers, ...body] = nonEmpty;
  body.forEach((r, i) => {
    if (r.length > headers.length)
      throw new ParseError(`CSV row ${i + 1}: ${r.length} fields, but the header has ${headers.length}`);
  });
  return { headers, rows: body };
}

/** RFC 4180 CSV as a Grid, numbers read by csvValue. */
export function parseCsv(text: string): Grid {
  const { headers, rows } = readCsv(text);
  return { headers, rows: rows.map((r) => r.map(csvValue)) };
}

/** Whether pasted text is CSV (not JSON), told apart by its first character. */
export function isCsv(text: string): boolean {
  const t = text.trim();
  return t !== "" && !t.startsWith("{") && !t.startsWith("[");
}

/** The column types a user can choose for pasted CSV. */
export const COLUMN_TYPES = ["text", "number", "date", "datetime", "time", "boolean", "link"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** What rowpress's inferTypes made of a table of text: a column each, typed where every cell read as one type. */
export interface Inferred {
  columns: Column[];
  rows: Cell[][];
}

/**
 * The table to create from CSV read as `text`, typed as the user chose:
 * a column of the type inferTypes saw keeps its column (with the format it
 * made) and its cells (percents and amounts as numbers); a column left as
 * text where none was seen has its cells read by csvValue; a column given
 * another type gets that type and its cells as pasted, for the export to
 * read (a cell that does not read as the type is kept as text, with a
 * warning).
 */
export function typedTable(text: TextGrid, inferred: Inferred, chosen: ColumnType[]): { columns: Column[]; rows: Cell[][] } {
  const keep = text.headers.map((_, c) => chosen[c] === (inferred.columns[c]?.type ?? "text"));
  const columns: Column[] = text.headers.map((header, c) =>
    keep[c] ? { ...inferred.columns[c], header } : { header, type: chosen[c] },
  );
  const rows = text.rows.map((row, r) =>
    text.headers.map((_, c) => {
      const cell = row[c] ?? "";
      // An untyped column (no type read for all its cells) as before:
      // each cell a number where it reads back as the same text.
      if (keep[c] && inferred.columns[c]?.type === undefined) return csvValue(cell);
      if (keep[c]) return inferred.rows[r]?.[c] ?? null;
      return cell === "" ? null : cell;
    }),
  );
  return { columns, rows };
}

function isCell(v: unknown): v is Cell {
  return v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
}

/**
 * JSON: a table `{headers, rows}`, an array of objects (keys become
 * headers, in order of first appearance) or an array of arrays (the first
 * is the header).
 */
export function parseJson(text: string): Grid {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ParseError(`JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const t = value as Partial<Grid>;
    if (!Array.isArray(t.headers) || !Array.isArray(t.rows)) throw new ParseError("JSON: expected `headers` and `rows`");
    return t as Grid;
  }
  if (!Array.isArray(value) || value.length === 0) throw new ParseError("JSON: expected a table or a non-empty array");
  if (Array.isArray(value[0])) {
    const [headers, ...rows] = value as unknown[][];
    return { headers: headers.map(String), rows: rows as Cell[][] };
  }
  const headers: string[] = [];
  const seen = new Set<string>();
  value.forEach((o, i) => {
    if (!o || typeof o !== "object" || Array.isArray(o)) throw new ParseError(`JSON item ${i + 1}: expected an object`);
    for (const k of Object.keys(o)) if (!seen.has(k)) (seen.add(k), headers.push(k));
  });
  const rows = value.map((o: Record<string, unknown>, i) =>
    headers.map((h) => {
      const v = o[h] ?? null;
      if (!isCell(v)) throw new ParseError(`JSON item ${i + 1}, field "${h}": expected text, a number, true/false or null`);
      return v;
    }),
  );
  return { headers, rows };
}

/** CSV or JSON, told apart by the first character. */
export function parseTable(text: string): Grid {
  const t = text.trim();
  if (t === "") throw new ParseError("nothing to read: paste CSV or JSON");
  return t.startsWith("{") || t.startsWith("[") ? parseJson(t) : parseCsv(t);
}

const REGIONS = ["North", "South", "East", "West", "Central"];
const PRODUCTS = ["Widget", "Gadget", "Gizmo", "Doohickey", "Sprocket", "Flange"];

/** The sample's columns: a date, amounts and a flag typed, shown as the files show them. */
const SAMPLE_COLUMNS: Column[] = [
  { header: "Order" },
  { header: "Date", type: "date", format: "d mmm yyyy" },
  { header: "Region" },
  { header: "Product" },
  { header: "Qty", type: "number", format: "#,##0" },
  { header: "Unit price", type: "number", format: "#,##0.00" },
  { header: "Total", type: "number", format: "#,##0.00" },
  { header: "Paid", type: "boolean" },
  { header: "Customer" },
  { header: "Notes" },
];

/** A sales table of `n` rows (deterministic), its columns typed. */
export function sampleTable(n: number): { title: string; columns: Column[]; rows: Cell[][] } {
  const rows: Cell[][] = [];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) {
    const qty = 1 + Math.floor(rand() * 50);
    const price = Math.round(rand() * 10000) / 100;
    rows.push([
      `SO-${String(i + 1).padStart(6, "0")}`,
      `2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
      REGIONS[i % REGIONS.length],
      PRODUCTS[Math.floor(rand() * PRODUCTS.length)],
      qty,
      price,
      Math.round(qty * price * 100) / 100,
      rand() < 0.8,
      i % 7 === 0 ? null : `Customer ${1 + Math.floor(rand() * 5000)}`,
      i % 3 === 0 ? "Rush order" : "",
    ]);
  }
  return {
    title: `Sales sample (${n.toLocaleString("en-US")} rows)`,
    columns: SAMPLE_COLUMNS,
    rows,
  };
}

/**
 * A small table in Cyrillic, Greek, CJK, Arabic, Hebrew, Devanagari and
 * Thai (needs the Unicode fonts in PDF).
 */
export function unicodeSample(): Grid {
  return {
    title: "Отчёт — 報告 — Αναφορά",
    headers: ["Город", "都市", "Πόλη", "Население"],
    rows: [
      ["Москва", "東京", "Αθήνα", 13010112],
      ["Санкт-Петербург", "大阪", "Θεσσαλονίκη", 5601911],
      ["Новосибирск", "서울", "Πάτρα", 1633595],
      ["القاهرة", "ירושלים", "मुंबई", 12691836],
      ["กรุงเทพมหานคร", "東京", "Αθήνα", 5494932],
    ],
  };
}
