// One benchmark case in a fresh process: `node case.mjs LIBRARY FORMAT ROWS`.
// Prints one JSON line: seconds, peak RSS, RSS before the export, bytes out.
import { createRequire } from "node:module";
import { makeTable, makeTypedTable } from "./table.mjs";

const require = createRequire(import.meta.url);
const [library, plan, rowsArg] = process.argv.slice(2);
// `xlsx-typed` and the like: the typed table's plan, written as `xlsx`.
const format = plan.replace(/-typed$/, "");
const rows = Number(rowsArg ?? 100_000);
const table = makeTable(rows);
const typed = plan.endsWith("-typed") ? makeTypedTable(rows) : null;
const asText = (rows) => rows.map((r) => r.map((c) => (c === null ? "" : String(c))));

const cases = {
  async "rowpress"() {
    const { exportTable } = await import("rowpress");
    return () => exportTable(table, { format, createdAt: 1_700_000_000_000 });
  },
  async "rowpress-json"() {
    // The other way into wasm: JSON text parsed inside wasm.
    const { exportTable } = await import("rowpress"); // initialises the module
    void exportTable;
    const wasm = await import(new URL("./node_modules/rowpress/web/rowpress.js", import.meta.url));
    return () => wasm.exportTableJson(JSON.stringify(table), { format, createdAt: 1_700_000_000_000 });
  },
  async "rowpress-typed"() {
    const { exportTable } = await import("rowpress");
    const { title, columns, rows } = typed;
    return () => exportTable({ title, columns, rows }, { format, createdAt: 1_700_000_000_000 });
  },
  async "sheetjs-typed"() {
    // The same typed cells as SheetJS writes them: JS Dates (cellDates)
    // and a number format (`z`) on every formatted cell.
    const XLSX = require("xlsx");
    const formats = typed.columns.map((c) => c.format);
    return () => {
      const aoa = [typed.columns.map((c) => c.header)];
      typed.rows.forEach((r, i) => aoa.push([r[0], typed.dates[i][0], typed.dates[i][1], ...r.slice(3)]));
      const sheet = XLSX.utils.aoa_to_sheet(aoa, { cellDates: true });
      const link = formats.length - 1;
      for (let r = 1; r < aoa.length; r++) {
        for (let c = 0; c < formats.length; c++) {
          if (formats[c]) sheet[XLSX.utils.encode_cell({ r, c })].z = formats[c];
        }
        const cell = sheet[XLSX.utils.encode_cell({ r, c: link })];
        cell.l = { Target: cell.v };
      }
      const book = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(book, sheet, "Sheet1");
      return XLSX.write(book, { type: "buffer", bookType: "xlsx", compression: true, cellDates: true });
    };
  },
  async "exceljs-stream"() {
    return exceljsStream(false);
  },
  async "exceljs-stream-typed"() {
    return exceljsStream(true);
  },
  async "sheetjs"() {
    const XLSX = require("xlsx");
    return () => {
      const sheet = XLSX.utils.aoa_to_sheet([table.headers, ...table.rows]);
      const book = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(book, sheet, "Sheet1");
      return XLSX.write(book, { type: "buffer", bookType: "xlsx", compression: true });
    };
  },
  async "sheetjs-csv"() {
    const XLSX = require("xlsx");
    return () => Buffer.from(XLSX.utils.sheet_to_csv(XLSX.utils.aoa_to_sheet([table.headers, ...table.rows])), "utf8");
  },
  async "papaparse"() {
    const Papa = require("papaparse");
    return () => Buffer.from(Papa.unparse({ fields: table.headers, data: table.rows }, { newline: "\r\n" }), "utf8");
  },
  async "exceljs"() {
    const ExcelJS = require("exceljs");
    return async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet("Sheet1");
      sheet.addRow(table.headers);
      sheet.addRows(table.rows);
      return Buffer.from(await book.xlsx.writeBuffer());
    };
  },
  async "docx"() {
    const { Document, Packer, Table, TableRow, TableCell, Paragraph, TextRun } = require("docx");
    return async () => {
      const row = (cells, bold) => new TableRow({
        tableHeader: bold,
        children: cells.map((c) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: c, bold })] })] })),
      });
      const rows = [row(table.headers, true), ...asText(table.rows).map((r) => row(r, false))];
      const doc = new Document({ sections: [{ children: [new Table({ rows })] }] });
      return Packer.toBuffer(doc);
    };
  },
  async "jspdf-autotable"() {
    const { jsPDF } = require("jspdf");
    const { autoTable } = require("jspdf-autotable");
    return () => {
      const doc = new jsPDF();
      autoTable(doc, { head: [table.headers], body: asText(table.rows) });
      return new Uint8Array(doc.output("arraybuffer"));
    };
  },
  async "pdfkit"() {
    const PDFDocument = require("pdfkit");
    return () => new Promise((resolve, reject) => {
      const doc = new PDFDocument({ size: "A4", margin: 36 });
      const chunks = [];
      doc.on("data", (c) => chunks.push(c));
      doc.on("end", () => resolve(Buffer.concat(chunks)));
      doc.on("error", reject);
      doc.fontSize(8).table({ data: [table.headers, ...asText(table.rows)] });
      doc.end();
    });
  },
  async "pdfmake"() {
    const pdfmake = require("pdfmake");
    pdfmake.setFonts({ Helvetica: { normal: "Helvetica", bold: "Helvetica-Bold" } });
    pdfmake.setUrlAccessPolicy?.(() => false);
    return async () => {
      const doc = pdfmake.createPdf({
        defaultStyle: { font: "Helvetica", fontSize: 8 },
        content: [{ table: { headerRows: 1, body: [table.headers, ...asText(table.rows)] } }],
      });
      return doc.getBuffer();
    };
  },
};

// exceljs's streaming WorkbookWriter into memory: untyped, or the typed
// table with JS Dates and a numFmt on each formatted column.
async function exceljsStream(withTypes) {
  const ExcelJS = require("exceljs");
  const { PassThrough } = await import("node:stream");
  return async () => {
    const stream = new PassThrough();
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true });
    const sheet = book.addWorksheet("Sheet1");
    if (withTypes) {
      sheet.columns = typed.columns.map((c) => ({ header: c.header, key: c.key, style: c.format ? { numFmt: c.format } : {} }));
      typed.rows.forEach((r, i) => {
        const url = r[9];
        sheet.addRow([r[0], typed.dates[i][0], typed.dates[i][1], ...r.slice(3, 9), { text: url, hyperlink: url }]).commit();
      });
    } else {
      sheet.addRow(table.headers).commit();
      for (const r of table.rows) sheet.addRow(r).commit();
    }
    sheet.commit();
    await book.commit();
    return Buffer.concat(chunks);
  };
}

const make = cases[library];
if (!make) throw new Error(`unknown library ${library}`);
const run = await make();
global.gc?.();
const before = process.memoryUsage().rss;
const start = performance.now();
const out = await run();
const seconds = (performance.now() - start) / 1000;
const peakKiB = process.resourceUsage().maxRSS;
console.log(JSON.stringify({ library, format, seconds, peakMiB: peakKiB / 1024, beforeMiB: before / 1048576, bytes: out.length ?? out.byteLength }));
