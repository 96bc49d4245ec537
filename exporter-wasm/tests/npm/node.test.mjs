// The packed npm tarball, installed into this scratch project, used from
// Node.js the way users do (ESM import of "rowpress").
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DATES_CSV, TIME_ZONES } from "./dates.mjs";
import { exportTable, formatCells, inferTypes, scriptsNeeded, ready, mimeType, fileExtension, fileName, toBlob, isRowpressError } from "rowpress";

const table = {
  title: "Quarterly sales",
  headers: ["Order", "Qty", "Paid", "Note"],
  rows: [["A-1", 3, true, "=1+1"], ["A-2", null, false], ["A-3", 2.5, true, "tab\tand\nnewline"]],
};

const dir = mkdtempSync(join(tmpdir(), "rowpress-node-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function zipEntries(bytes) {
  // Names from the zip central directory (signature 0x02014b50).
  const names = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i + 46 <= bytes.length; i++) {
    if (view.getUint32(i, true) === 0x02014b50) {
      const len = view.getUint16(i + 28, true);
      names.push(new TextDecoder().decode(bytes.subarray(i + 46, i + 46 + len)));
      i += 45 + len;
    }
  }
  return names;
}

test("ready resolves at once in Node", async () => {
  await ready();
});

test("PDF passes qpdf and holds every cell's text", () => {
  const bytes = exportTable(table, { format: "pdf", createdAt: new Date("2024-01-02T03:04:05Z") });
  assert.ok(bytes instanceof Uint8Array);
  const path = join(dir, "t.pdf");
  writeFileSync(path, bytes);
  execFileSync("qpdf", ["--check", path]);
  const text = execFileSync("pdftotext", [path, "-"]).toString();
  for (const word of ["Quarterly", "A-1", "A-3", "2.5", "true", "false", "=1+1", "newline"]) {
    assert.ok(text.includes(word), `${word} missing`);
  }
  assert.match(readFileSync(path).toString("latin1"), /CreationDate \(D:20240102030405/);
});

test("DOCX and XLSX are zip packages with their main parts", () => {
  const docx = exportTable(table, { format: "docx" });
  assert.deepEqual(zipEntries(docx).filter((n) => ["[Content_Types].xml", "word/document.xml"].includes(n)).sort(), ["[Content_Types].xml", "word/document.xml"]);
  const xlsx = exportTable(table, { format: "xlsx", sheetName: "Sales" });
  const names = zipEntries(xlsx);
  assert.ok(names.includes("xl/workbook.xml") && names.includes("xl/worksheets/sheet1.xml"), names.join());
});

test("same createdAt, same bytes", () => {
  for (const format of ["pdf", "docx", "xlsx"]) {
    const a = exportTable(table, { format, createdAt: 1_700_000_000_000 });
    const b = exportTable(table, { format, createdAt: 1_700_000_000_000 });
    assert.deepEqual(a, b, format);
  }
});

test("errors carry the core's message and a stable code", () => {
  const cases = [
    [{ headers: ["a"], rows: [[1, 2]] }, { format: "pdf" }, "ROW_TOO_LONG", "row 1 has 2 cells but there are only 1 headers"],
    [{ headers: ["a"], rows: [[{ x: 1 }]] }, { format: "xlsx" }, "INVALID_CELL", 'row 1, column 1: a cell must be a string, number, boolean or null, found an object with "x" (the one object a cell may be is a link, {"text", "url"})'],
    [{ headers: ["a"], rows: [[NaN]] }, { format: "xlsx" }, "INVALID_NUMBER", "row 1, column 1: NaN is not a finite number; use null or a string"],
    [{ headers: ["a"], rows: [["Привет"]] }, { format: "pdf", strict: true }, "MISSING_GLYPH", "row 1, column 1: no font has the character 'П' (U+041F); pass a font that covers it (--font FILE, or `fonts` in the options)"],
    [table, { format: "odt" }, "INVALID_OPTION", 'option format: "odt" is not one of pdf, docx, xlsx, csv'],
    [table, { format: "pdf", pageSize: "a5" }, "INVALID_OPTION", 'option pageSize: "a5" is not one of a4, letter, legal'],
    [table, { format: "pdf", fonts: ["x"] }, "INVALID_OPTION", "option fonts: item 1 is not a Uint8Array, an ArrayBuffer or {regular, bold?} of them"],
    [table, { format: "pdf", fonts: [{ bold: new Uint8Array(4) }] }, "INVALID_OPTION", "option fonts: item 1 is not a Uint8Array, an ArrayBuffer or {regular, bold?} of them"],
    [table, { format: "pdf", fonts: [new Uint8Array([1, 2, 3])] }, "INVALID_FONT", null],
    [table, { format: "xlsx", sheetName: "a/b" }, "INVALID_SHEET_NAME", `sheet name "a/b" contains '/', which Excel does not allow in sheet names`],
    [{ rows: [] }, { format: "pdf" }, "INVALID_JSON", null],
    [table, undefined, "INVALID_OPTION", "option options: must be an object with at least `format`"],
  ];
  for (const [t, o, code, message] of cases) {
    assert.throws(() => exportTable(t, o), (e) => {
      assert.ok(isRowpressError(e), String(e));
      assert.equal(e.code, code);
      if (message) assert.equal(e.message, message);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
  // The module still works after errors: no panic killed it.
  assert.ok(exportTable(table, { format: "pdf" }).length > 0);
});

test("scriptsNeeded names the fonts a PDF needs, and with them nothing is missing", () => {
  assert.deepEqual(scriptsNeeded({ headers: ["café €"], rows: [["“ok” — fine"], [1]] }), []);
  const t = {
    title: "Отчёт",
    headers: ["city"],
    rows: [["القاهرة"], ["ירושלים"], ["मुंबई"], ["กรุงเทพ"], ["東京"], ["Zürich"]],
  };
  const scripts = scriptsNeeded(t);
  assert.deepEqual(scripts, ["arabic", "hebrew", "devanagari", "thai", "other", "cjk"]);
  assert.deepEqual(scriptsNeeded({ sheets: [{ headers: ["a"], rows: [["Αθήνα"]] }, { headers: ["b"], rows: [["서울"]] }] }), ["other", "cjk"]);
  const files = {
    other: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    arabic: "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    hebrew: "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
    devanagari: "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    thai: "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    cjk: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  };
  // strict: a character no font has would be an error.
  const pdf = exportTable(t, { format: "pdf", strict: true, fonts: scripts.map((s) => readFileSync(files[s])) });
  assert.equal(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
  // Families: each bold face draws the headers of its script, no stroking.
  const bold = (s) => files[s].replace("-Regular.", "-Bold.").replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf");
  const families = scripts.map((s) => ({ regular: readFileSync(files[s]), bold: readFileSync(bold(s)) }));
  const headed = { ...t, headers: ["مدينة"], title: undefined };
  const dir = mkdtempSync(join(tmpdir(), "rowpress-families-"));
  try {
    writeFileSync(join(dir, "f.pdf"), exportTable(headed, { format: "pdf", strict: true, fonts: families }));
    const fonts = execFileSync("pdffonts", [join(dir, "f.pdf")]).toString();
    assert.match(fonts, /NotoSansArabic-Bold/);
    const trace = execFileSync("mutool", ["trace", join(dir, "f.pdf")]).toString();
    assert.ok(!trace.includes("<stroke_text"), "no synthetic bold");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => scriptsNeeded({ rows: [] }), (e) => isRowpressError(e));
});

test("running out of memory is TOO_LARGE, and the module works after it", () => {
  // 17 "fonts" of 256 MiB, copied into wasm, need more than the 4 GiB a
  // wasm32 module can have (as a table of some 10,000,000 rows does, more
  // slowly): the allocator's failure must come back as a RowpressError (it
  // was `RuntimeError: unreachable`, leaving the module unusable).
  const big = new Uint8Array(2 ** 28);
  assert.throws(() => exportTable(table, { format: "pdf", fonts: Array(17).fill(big) }), (e) => {
    assert.ok(isRowpressError(e), String(e));
    assert.equal(e.code, "TOO_LARGE");
    assert.match(e.message, /^out of memory: the export asked for \d+ MiB more with \d+ MiB in use/);
    assert.ok(!e.message.includes("\n"));
    return true;
  });
  // Rows whose texts pass V8's longest string go in one by one (joined
  // they threw RangeError: Invalid string length, out of the module).
  const long = "a".repeat(2 ** 28);
  assert.throws(() => exportTable({ headers: ["x"], rows: [[long], [long]] }, { format: "xlsx" }), (e) => {
    assert.ok(isRowpressError(e), String(e));
    assert.match(e.message, /^row 1, column 1: /);
    return true;
  });
  // A fresh instance takes the next call.
  const pdf = exportTable(table, { format: "pdf", createdAt: 1_700_000_000_000 });
  assert.deepEqual(pdf, exportTable(table, { format: "pdf", createdAt: 1_700_000_000_000 }));
  assert.equal(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
});

test("fonts make Cyrillic and CJK exportable and searchable", () => {
  const fonts = [
    readFileSync("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    new Uint8Array(readFileSync("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")),
  ];
  const bytes = exportTable({ headers: ["Имя", "備考"], rows: [["Пётр", "東京"]] }, { format: "pdf", fonts });
  const path = join(dir, "u.pdf");
  writeFileSync(path, bytes);
  const text = execFileSync("pdftotext", [path, "-"]).toString();
  for (const w of ["Имя", "備考", "Пётр", "東京"]) assert.ok(text.includes(w), w);
});

test("CSV: RFC 4180, a BOM on request, formulas neutralised with a warning", () => {
  const t = { title: "T", headers: ["Name", "Note"], rows: [["Ann, B", "=1+1"], ["x", 'say "hi"']] };
  const warnings = [];
  const csv = new TextDecoder().decode(exportTable(t, { format: "csv", onWarning: (w) => warnings.push(w.code) }));
  assert.equal(csv, 'Name,Note\r\n"Ann, B","\'=1+1"\r\nx,"say ""hi"""\r\n');
  assert.deepEqual(warnings, ["FORMULA_TEXT"]);
  const bom = exportTable(t, { format: "csv", csvBom: true });
  assert.deepEqual([...bom.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.equal(mimeType("csv"), "text/csv");
  assert.equal(fileName("Q3", "csv"), "Q3.csv");
  assert.throws(() => exportTable(t, { format: "csv", strict: true }), (e) => e.code === "FORMULA_TEXT");
});

test("format codes show in CSV as displayed, and an unsupported one warns with its column", () => {
  const t = {
    columns: [
      { header: "Amount", key: "amount", type: "number", format: "#,##0.00;(#,##0.00)" },
      { header: "Issued", key: "issued", type: "date", format: "ddd d mmm yyyy" },
      { header: "Odd", key: "odd", type: "number", format: "[>1]0" },
    ],
    rows: [{ amount: -1132.8, issued: "2024-10-18", odd: 2 }],
  };
  const warnings = [];
  const csv = new TextDecoder().decode(
    exportTable(t, { format: "csv", csvAsDisplayed: true, onWarning: (w) => warnings.push(w) }),
  );
  assert.equal(csv, 'Amount,Issued,Odd\r\n"(1,132.80)",Fri 18 Oct 2024,2\r\n');
  assert.deepEqual(
    warnings.map((w) => [w.code, w.column, w.row]),
    [["UNSUPPORTED_FORMAT", 3, undefined]],
  );
  const plain = new TextDecoder().decode(exportTable(t, { format: "csv" }));
  assert.equal(plain, "Amount,Issued,Odd\r\n-1132.8,2024-10-18,2\r\n");
  assert.throws(() => exportTable(t, { format: "xlsx", strict: true }), (e) => e.code === "UNSUPPORTED_FORMAT");
  assert.throws(() => exportTable(t, { format: "csv", csvAsDisplayed: "yes" }), (e) => e.code === "INVALID_OPTION");
});

test("links: objects and link columns, only http, https and mailto", () => {
  const t = {
    columns: [{ header: "Id", key: "id" }, { header: "Portal", key: "portal", type: "link" }],
    rows: [
      { id: "A", portal: { text: "open", url: "https://example.com/a" } },
      { id: "B", portal: "mailto:b@example.com" },
    ],
  };
  const csv = new TextDecoder().decode(exportTable(t, { format: "csv" }));
  assert.equal(csv, "Id,Portal\r\nA,https://example.com/a\r\nB,mailto:b@example.com\r\n");
  const xlsx = exportTable(t, { format: "xlsx" });
  assert.equal(xlsx[0], 0x50);
  assert.throws(
    () => exportTable({ headers: ["a"], rows: [[{ text: "x", url: "javascript:alert(1)" }]] }, { format: "pdf" }),
    (e) => e.code === "INVALID_CELL" && e.message.includes("not an http, https or mailto address"),
  );
});

test("inferTypes types pasted text, and the export formats it", () => {
  const pasted = {
    title: "Pasted",
    headers: ["When", "Amount", "Tax", "Zip"],
    rows: [
      ["2024-10-18", "$1,132.80", "20%", "01234"],
      ["2024-10-19", "$12.00", "7.5%", "98101"],
    ],
  };
  const typed = inferTypes(pasted);
  assert.deepEqual(typed.columns, [
    { header: "When", type: "date", format: "yyyy-mm-dd" },
    { header: "Amount", type: "number", format: '"$"#,##0.00' },
    { header: "Tax", type: "number", format: "0.0%" },
    { header: "Zip" },
  ]);
  assert.deepEqual(typed.rows[0], ["2024-10-18", 1132.8, 0.2, "01234"]);
  const csv = new TextDecoder().decode(exportTable(typed, { format: "csv", csvAsDisplayed: true }));
  assert.equal(csv, 'When,Amount,Tax,Zip\r\n2024-10-18,"$1,132.80",20.0%,01234\r\n2024-10-19,$12.00,7.5%,98101\r\n');
  assert.throws(() => inferTypes(null), (e) => e.code === "INVALID_JSON");
});

test("formatCells gives each typed cell the text its files show", () => {
  const table = {
    columns: [
      { header: "Invoice" },
      { header: "Issued", type: "date", format: "d mmm yyyy" },
      { header: "Amount", type: "number", format: "#,##0.00", align: "center" },
      { header: "Portal", type: "link" },
    ],
    rows: [
      ["INV-1", new Date(2024, 9, 18), 1132.8, { text: "open", url: "https://example.com/1" }],
      ["INV-2", "someday", 5, null],
    ],
  };
  const [sheet] = formatCells(table);
  assert.deepEqual(sheet, {
    align: [null, "right", "center", null],
    columns: [null, ["18 Oct 2024", "someday"], ["1,132.80", "5.00"], ["open", ""]],
  });
  // The files show the same text.
  const csv = exportTable(table, { format: "csv", csvAsDisplayed: true });
  assert.match(new TextDecoder().decode(csv), /INV-1,18 Oct 2024,"1,132.80",open/);
  const book = formatCells({ sheets: [table, { headers: ["a"], rows: [[1]] }] });
  assert.equal(book.length, 2);
  assert.deepEqual(book[1], { align: [null], columns: [null] });
  assert.throws(() => formatCells({ headers: ["a"], rows: [[1, 2]] }), (e) => e.code === "ROW_TOO_LONG");
});

test("a Date is the date and time its runtime shows, under every TZ", () => {
  // Each zone in its own process: TZ is read when Node starts.
  const script = `
    import { exportTable } from "rowpress";
    import { dateTable } from ${JSON.stringify(new URL("./dates.mjs", import.meta.url).href)};
    process.stdout.write(new TextDecoder().decode(exportTable(dateTable(), { format: "csv" })));
  `;
  for (const tz of TIME_ZONES) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, TZ: tz },
      encoding: "utf8",
    });
    assert.equal(out, DATES_CSV, tz);
  }
  assert.throws(
    () => exportTable({ headers: ["a"], rows: [[new Date(NaN)]] }, { format: "csv" }),
    (e) => e.code === "INVALID_CELL" && e.message === "row 1, column 1: an invalid Date",
  );
});

test("the modules with and without SIMD write the same bytes", () => {
  // Node runs SIMD, so the package loads that module; ROWPRESS_WASM=baseline
  // makes it load the one for engines without (Safari before 16.4).
  const script = `
    import { createHash } from "node:crypto";
    import fs from "node:fs";
    import { syncBuiltinESMExports } from "node:module";
    // Which module the package reads, seen through readFileSync.
    const read = fs.readFileSync;
    const modules = [];
    fs.readFileSync = (path, ...rest) => (modules.push(String(path).split("/").pop()), read(path, ...rest));
    syncBuiltinESMExports();
    const { exportTable } = await import("rowpress");
    const font = read("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    const pad = (n) => String(n).padStart(2, "0");
    const table = {
      title: "Both modules",
      columns: [
        { header: "Order" }, { header: "Issued", type: "date", format: "d mmm yyyy" },
        { header: "Amount", type: "number", format: "#,##0.00" }, { header: "Portal", type: "link" },
      ],
      rows: Array.from({ length: 3000 }, (_, r) => [
        "ORD-" + r + " Ωμέγα", "2024-" + pad(1 + (r % 12)) + "-" + pad(1 + (r % 28)), r * 1.25, "https://example.com/" + r,
      ]),
    };
    const digests = ["xlsx", "docx", "pdf", "csv"].map((format) =>
      createHash("sha256").update(exportTable(table, { format, fonts: [font], createdAt: new Date(1_700_000_000_000) })).digest("hex"));
    process.stdout.write(JSON.stringify({ modules: modules.filter((m) => m.endsWith(".wasm")), digests }));
  `;
  const run = (env) => JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, ...env }, encoding: "utf8" }));
  const simd = run({});
  const baseline = run({ ROWPRESS_WASM: "baseline" });
  assert.deepEqual(simd.modules, ["rowpress_simd_bg.wasm"]);
  assert.deepEqual(baseline.modules, ["rowpress_bg.wasm"]);
  assert.equal(new Set(simd.digests).size, 4);
  assert.deepEqual(baseline.digests, simd.digests);
  const wasmDir = new URL("./node_modules/rowpress/web/", import.meta.url);
  const modules = readdirSync(wasmDir).filter((f) => f.endsWith(".wasm")).sort();
  assert.deepEqual(modules, ["rowpress_bg.wasm", "rowpress_simd_bg.wasm"]);
  // (That the baseline module holds no SIMD instruction is checked as it
  // is built: scripts/build-npm.sh validates it with SIMD disabled.)
});

test("fileName follows the core's rule for every title", async () => {
  const wasm = await import(new URL("./node_modules/rowpress/web/rowpress.js", import.meta.url));
  const titles = [
    undefined, "", "   ", "Q3: sales/returns", "../../etc/passwd", ". hidden", "...", "a .. b",
    "invoice\u202Efdp.exe", "a\u200Bb\u2066c\u2069d\u061Ce\uFEFFf", "tab\tnew\nline\r\u0085x\u009Fy",
    "flag \u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", "soft\u00ADhyphen",
    "Отчёт за квартал", "東京 売上 2024", "x".repeat(119) + "é漢字", "é".repeat(130), "a\u3000b\u00A0c",
    "trailing space at 120 " + "y".repeat(97) + " z",
  ];
  for (const title of titles) {
    for (const format of ["pdf", "csv"]) {
      assert.equal(fileName(title, format), wasm.coreFileName(title, format), JSON.stringify(title));
    }
  }
  for (const format of ["pdf", "docx", "xlsx", "csv"]) {
    assert.equal(mimeType(format), wasm.coreMimeType(format), format);
  }
});

test("rows given as objects go to their columns by key", () => {
  const records = {
    title: "Invoices",
    columns: [{ header: "Invoice", key: "id" }, { header: "Amount", key: "amount" }],
    rows: [{ id: "INV-1", amount: 2825.78 }, { amount: 3 }, ["INV-3", 4]],
  };
  const arrays = { title: "Invoices", headers: ["Invoice", "Amount"], rows: [["INV-1", 2825.78], [null, 3], ["INV-3", 4]] };
  for (const format of ["pdf", "docx", "xlsx"]) {
    assert.deepEqual(exportTable(records, { format, createdAt: 1_700_000_000_000 }), exportTable(arrays, { format, createdAt: 1_700_000_000_000 }), format);
  }
  assert.throws(
    () => exportTable({ columns: [{ header: "A", key: "a" }], rows: [{ a: 1 }, { b: 2 }] }, { format: "xlsx" }),
    (e) => e.code === "UNKNOWN_KEY" && e.message === 'row 2: "b" is not the key of any column; add a column with that key, or remove it from the row',
  );
});

test("values kept another way reach onWarning; strict refuses them", () => {
  const big = { headers: ["n", "ok"], rows: [[1e308, 1], [2, 3]] };
  const warnings = [];
  const xlsx = exportTable(big, { format: "xlsx", onWarning: (w) => warnings.push(w) });
  assert.ok(xlsx.length > 0);
  assert.deepEqual(warnings, [
    {
      code: "INVALID_NUMBER",
      message: "row 1, column 1: 1e+308 is outside the range Excel holds (±2.2251e-308 to ±9.99999999999999e+307); written as text",
      row: 1,
      column: 1,
    },
  ]);
  assert.throws(() => exportTable(big, { format: "xlsx", strict: true }), (e) => e.code === "INVALID_NUMBER");
  // Kept without a callback too; PDF holds the number: no warning.
  assert.ok(exportTable(big, { format: "xlsx" }).length > 0);
  const none = [];
  exportTable(big, { format: "pdf", onWarning: (w) => none.push(w) });
  assert.deepEqual(none, []);
  // Past 100, the rest are counted.
  const many = { headers: ["n"], rows: Array.from({ length: 130 }, () => [1e-320]) };
  const seen = [];
  exportTable(many, { format: "xlsx", onWarning: (w) => seen.push(w) });
  assert.equal(seen.length, 101);
  assert.deepEqual({ code: seen[100].code, count: seen[100].count }, { code: "MORE_WARNINGS", count: 30 });
  assert.throws(() => exportTable(big, { format: "xlsx", strict: "yes" }), (e) => e.code === "INVALID_OPTION" && e.message === "option strict: must be true or false");
  assert.throws(() => exportTable(big, { format: "xlsx", onWarning: 1 }), (e) => e.message === "option onWarning: must be a function");
});

test("a workbook: one worksheet per sheet, Dates in any sheet, faults naming the sheet", () => {
  const book = {
    title: "Year 2024",
    sheets: [
      { name: "Sales", headers: ["Order"], rows: [["A-1"], ["A-2"]] },
      {
        name: "Due",
        columns: [{ header: "Id", key: "id" }, { header: "Due", key: "due", type: "date" }],
        rows: [{ id: 1e308, due: new Date(2024, 0, 15) }],
      },
    ],
  };
  const warnings = [];
  const progress = [];
  const xlsx = exportTable(book, {
    format: "xlsx",
    onWarning: (w) => warnings.push(w),
    onProgress: (done, total) => progress.push([done, total]),
  });
  assert.deepEqual(progress.at(-1), [3, 3]);
  assert.deepEqual(
    warnings.map((w) => [w.sheet, w.row, w.column, w.code]),
    [[2, 1, 1, "INVALID_NUMBER"]],
  );
  assert.ok(warnings[0].message.startsWith("sheet 2, row 1, column 1: 1e+308 is outside the range Excel holds"), warnings[0].message);
  const path = join(dir, "book.xlsx");
  writeFileSync(path, xlsx);
  const read = JSON.parse(
    execFileSync("python3", [
      "-c",
      "import openpyxl, json, sys\n" +
        "wb = openpyxl.load_workbook(sys.argv[1])\n" +
        "print(json.dumps([wb.sheetnames, wb.properties.title, wb['Due']['B2'].value.isoformat(), wb['Due']['B2'].is_date]))",
      path,
    ]).toString(),
  );
  assert.deepEqual(read, [["Sales", "Due"], "Year 2024", "2024-01-15T00:00:00", true]);
  // The same workbook as JSON text, and in PDF: one page per sheet.
  const pdf = exportTable(book, { format: "pdf" });
  writeFileSync(join(dir, "book.pdf"), pdf);
  const pages = execFileSync("pdfinfo", [join(dir, "book.pdf")]).toString();
  assert.match(pages, /^Pages:\s+2$/m);
  assert.throws(
    () => exportTable(book, { format: "csv" }),
    (e) => e.code === "INVALID_OPTION" && e.message.startsWith("option format: a CSV file holds one table"),
  );
  const bad = { sheets: [book.sheets[0], { headers: ["d"], rows: [[new Date(NaN)]] }] };
  assert.throws(() => exportTable(bad, { format: "xlsx" }), (e) => e.code === "INVALID_CELL" && e.message === "sheet 2: row 1, column 1: an invalid Date");
  const long = { sheets: [book.sheets[0], { name: "Wide", headers: ["a"], rows: [["x", "y"]] }] };
  assert.throws(() => exportTable(long, { format: "pdf" }), (e) => e.code === "ROW_TOO_LONG" && e.message === "sheet 2 (\"Wide\"): row 1 has 2 cells but there are only 1 headers");
  assert.throws(() => exportTable({ sheets: [] }, { format: "pdf" }), (e) => e.code === "INVALID_WORKBOOK");
});

test("a lone surrogate is refused where it is, never changed into U+FFFD", () => {
  // JavaScript strings can hold one; UTF-8 cannot, and converting it would
  // silently write U+FFFD instead.
  const cases = [
    [{ headers: ["a"], rows: [["ok"], ["x\ud800y"]] }, "row 2, column 1: UTF-8 cannot hold the character U+D800; remove it"],
    [{ title: "t\udc00", headers: ["a"], rows: [] }, "title: UTF-8 cannot hold the character U+DC00; remove it"],
    [{ headers: ["a", "b\ud83d"], rows: [] }, "header of column 2: UTF-8 cannot hold the character U+D83D; remove it"],
    [{ headers: ["a"], rows: [[{ text: "\ud800", url: "https://example.com" }]] }, "row 1, column 1: UTF-8 cannot hold the character U+D800; remove it"],
    [
      { columns: [{ header: "A", key: "a" }, { header: "B", key: "b" }], rows: [{ b: "\udfff" }] },
      "row 1, column 2: UTF-8 cannot hold the character U+DFFF; remove it",
    ],
    [{ sheets: [{ headers: ["a"], rows: [] }, { headers: ["a"], rows: [["\ud800"]] }] }, "sheet 2: row 1, column 1: UTF-8 cannot hold the character U+D800; remove it"],
  ];
  for (const [table, message] of cases) {
    for (const format of ["xlsx", "csv", "pdf"]) {
      assert.throws(() => exportTable(table, { format }), (e) => e.code === "INVALID_CHARACTER" && e.message === message, `${format}: ${message}`);
    }
  }
  // A pair is one character, kept.
  const csv = new TextDecoder().decode(exportTable({ headers: ["a"], rows: [["😀 \ud83d\ude00"]] }, { format: "csv" }));
  assert.equal(csv, "a\r\n😀 😀\r\n");
});

test("onProgress reports at least every 1% and ends at the total", () => {
  const rows = Array.from({ length: 10_000 }, (_, i) => [`r${i}`, i]);
  for (const format of ["pdf", "docx", "xlsx"]) {
    const seen = [];
    exportTable({ headers: ["id", "n"], rows }, { format, onProgress: (done, total) => seen.push([done, total]) });
    assert.ok(seen.length >= 100, `${format}: ${seen.length} calls`);
    assert.deepEqual(seen.at(-1), [10_000, 10_000]);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] >= seen[i - 1][0], `${format} goes backwards`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] - seen[i - 1][0] <= 100, `${format}: a gap over 1%`);
  }
});

test("a throwing progress callback fails the export with its error", () => {
  const boom = new Error("stop");
  assert.throws(() => exportTable(table, { format: "xlsx", onProgress: () => { throw boom; } }), (e) => e === boom);
});

test("helpers", async () => {
  assert.equal(mimeType("pdf"), "application/pdf");
  assert.equal(mimeType("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  assert.equal(fileExtension("docx"), "docx");
  assert.equal(fileName('Q3: sales/returns "draft"', "xlsx"), "Q3 sales returns draft.xlsx");
  assert.equal(fileName("invoice\u202Efdp.exe", "pdf"), "invoice fdp.exe.pdf");
  assert.equal(fileName(undefined, "pdf"), "export.pdf");
  const blob = toBlob(new Uint8Array([1, 2, 3]), "docx");
  assert.equal(blob.type, mimeType("docx"));
  assert.equal(blob.size, 3);
  assert.throws(() => mimeType("odt"), (e) => e.code === "INVALID_OPTION");
});
