// A page built by Vite from the installed tarball: runs exportTable on the
// main thread and exportInWorker in a worker, and reports to window.results.
import { ready, exportTable, mimeType, toBlob } from "rowpress";
import { exportInWorker, formatCellsInWorker, inferTypesInWorker } from "rowpress/worker";
import { dateTable } from "../dates.mjs";

const table = {
  title: "Vite check",
  headers: ["Order", "Qty", "Paid"],
  rows: Array.from({ length: 5000 }, (_, i) => [`A-${i}`, i, i % 2 === 0]),
};
const magic = { pdf: "%PDF-", docx: "PK\u0003\u0004", xlsx: "PK\u0003\u0004" };
const head = (bytes, n) => String.fromCharCode(...bytes.subarray(0, n));

// The same Dates as the Node test, exported on both threads: the page is
// opened once per time zone (?dates).
async function dates() {
  await ready();
  const text = (bytes) => new TextDecoder().decode(bytes);
  return {
    zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    main: text(exportTable(dateTable(), { format: "csv" })),
    worker: text(await exportInWorker(dateTable(), { format: "csv" })),
  };
}

async function run() {
  if (location.search.includes("dates")) return { dates: await dates() };
  const results = { main: {}, worker: {}, progress: 0, errors: {} };
  try {
    exportTable(table, { format: "pdf" });
  } catch (e) {
    results.errors.beforeReady = e.code;
  }
  await ready();
  for (const format of ["pdf", "docx", "xlsx"]) {
    const bytes = exportTable(table, { format });
    results.main[format] = head(bytes, magic[format].length) === magic[format] && toBlob(bytes, format).type === mimeType(format);
  }
  for (const format of ["pdf", "docx", "xlsx"]) {
    const bytes = await exportInWorker(table, { format, onProgress: () => results.progress++ });
    results.worker[format] = bytes instanceof Uint8Array && head(bytes, magic[format].length) === magic[format];
  }
  try {
    await exportInWorker({ headers: ["a"], rows: [[1, 2]] }, { format: "xlsx" });
  } catch (e) {
    results.errors.worker = `${e.code}: ${e.message}`;
  }
  // A workbook through the worker: each sheet's rows in chunks, the same
  // bytes as on the main thread; a fault names its sheet.
  const book = { title: "Book", sheets: [table, { name: "Due", headers: ["Day"], rows: [[new Date(2024, 0, 15)]] }] };
  const options = { format: "xlsx", createdAt: new Date(1_700_000_000_000) };
  const [inWorker, onMain] = [await exportInWorker(book, options), exportTable(book, options)];
  results.book = inWorker.length === onMain.length && inWorker.every((b, i) => b === onMain[i]);
  try {
    await exportInWorker({ sheets: [table, { headers: ["a"], rows: [[1, 2]] }] }, { format: "pdf" });
  } catch (e) {
    results.errors.book = `${e.code}: ${e.message}`;
  }
  // Types inferred and cells formatted in the worker, as the web app does.
  const inferred = await inferTypesInWorker({ headers: ["Amount", "Day"], rows: [["1,132.80", "2024-10-18"]] });
  results.inferred = inferred.columns.map((c) => `${c.type}:${c.format}`);
  results.formatted = await formatCellsInWorker({ sheets: [inferred] });
  try {
    await inferTypesInWorker({ sheets: [] });
  } catch (e) {
    results.errors.infer = e.code;
  }
  return results;
}

run().then(
  (results) => {
    window.results = results;
    document.getElementById("out").textContent = JSON.stringify(results);
  },
  (error) => {
    window.results = { failed: String(error && error.stack || error) };
  },
);
