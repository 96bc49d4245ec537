// Compiled with `tsc --noEmit --strict`: the published types must name the
// API precisely (no `any`), and reject what the API rejects.
import { exportTable, formatCells, inferTypes, scriptsNeeded, type FontScript, type FormattedSheet, type ExportOptions, type ExportWarning, type TableData, type Workbook, type Format, type RowpressError, isRowpressError } from "rowpress";
import { exportInWorker, formatCellsInWorker, inferTypesInWorker } from "rowpress/worker";

const table: TableData = { title: "t", headers: ["a", "b"], rows: [["x", 1], [true, null]] };
const format: Format = "xlsx";
const options: ExportOptions = { format, pageSize: "letter", orientation: "auto", onProgress: (done: number, total: number) => void (done / total) };
const bytes: Uint8Array = exportTable(table, options);
const later: Promise<Uint8Array> = exportInWorker(table, { format: "pdf", fonts: [bytes] });
void later;
const scripts: FontScript[] = scriptsNeeded(table);
void exportInWorker(table, { format: "pdf", loadFonts: async (needed: FontScript[]) => needed.map(() => bytes) });
void exportTable(table, { format: "pdf", fonts: [{ regular: bytes, bold: bytes }, { regular: bytes }, bytes] });
// @ts-expect-error: a family needs its regular face
void exportTable(table, { format: "pdf", fonts: [{ bold: bytes }] });
// @ts-expect-error: loadFonts resolves with fonts, not names
void exportInWorker(table, { format: "pdf", loadFonts: async (needed: FontScript[]) => needed });
// @ts-expect-error: no such script group
const latin: FontScript = "latin";
void [scripts, latin];
const records: TableData = { columns: [{ header: "Id", key: "id", align: "center", width: 12 }, { header: "Qty" }], rows: [{ id: "a" }, ["b", 2]] };
// @ts-expect-error: align is left, center or right
exportTable({ columns: [{ header: "A", align: "middle" }], rows: [] }, options);
void exportTable(records, { format: "xlsx" });
// @ts-expect-error: a column needs a header
exportTable({ columns: [{ key: "id" }], rows: [] }, options);
const seen: ExportWarning[] = [];
exportTable(table, { format: "xlsx", strict: false, onWarning: (w: ExportWarning) => void seen.push(w) });
const where: number | undefined = seen[0]?.row;
void where;
const typedTable: TableData = inferTypes({ headers: ["a"], rows: [["1,234.50"]] });
void exportTable(typedTable, { format: "csv", csvAsDisplayed: true });
const formatted: TableData = {
  columns: [{ header: "Paid", type: "number", format: "#,##0.00" }, { header: "Portal", type: "link" }],
  rows: [[1.5, { text: "open", url: "https://example.com" }]],
};
void exportTable(formatted, { format: "pdf" });
// @ts-expect-error: a link needs a url
exportTable({ headers: ["a"], rows: [[{ text: "open" }]] }, options);
// @ts-expect-error: strict is a boolean
exportTable(table, { format: "xlsx", strict: "yes" });

try {
  exportTable(table, { format: "pdf" });
} catch (e) {
  if (isRowpressError(e)) {
    const err: RowpressError = e;
    const code: "ROW_TOO_LONG" | string = err.code;
    void code;
  }
}

// @ts-expect-error: not a format
exportTable(table, { format: "odt" });
// @ts-expect-error: cells are strings, numbers, booleans or null
exportTable({ headers: ["a"], rows: [[{}]] }, options);
// @ts-expect-error: headers are required
exportTable({ rows: [] }, options);
// @ts-expect-error: the result is bytes, not a string
const wrong: string = exportTable(table, options);
void wrong;

const book: Workbook = { title: "2024", sheets: [{ name: "Sales", headers: ["a"], rows: [["x"]] }, records] };
void exportTable(book, { format: "xlsx" });
void exportInWorker(book, { format: "pdf" });
const sheet: number | undefined = seen[0]?.sheet;
void sheet;
// @ts-expect-error: sheets are tables
exportTable({ sheets: [{ rows: [] }] }, options);

// What each typed cell shows, on either thread.
const shown: FormattedSheet[] = formatCells(book);
const firstTyped: string | undefined = shown[0].columns[1]?.[0];
const align: "left" | "center" | "right" | null = shown[0].align[0];
void formatCellsInWorker(table).then((sheets: FormattedSheet[]) => sheets.length);
void inferTypesInWorker({ headers: ["a"], rows: [["1"]] }).then((t) => t.columns[0].type);
void [firstTyped, align];
