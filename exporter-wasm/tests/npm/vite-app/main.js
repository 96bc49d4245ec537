// A page built by Vite from the installed tarball: runs exportTable on the
// main thread and exportInWorker in a worker, and reports to window.results.
import { ready, exportTable, mimeType, toBlob } from "rowpress";
import { exportInWorker } from "rowpress/worker";

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
  const rows = [
    [new Date(2024, 0, 15), new Date(2024, 0, 15, 9, 5, 7, 250), new Date(1970, 0, 1, 9, 15), new Date(2024, 2, 31, 12)],
    [new Date(1900, 0, 1), new Date(1900, 1, 28, 23, 59, 59), new Date(2000, 0, 1, 23, 59), new Date(1900, 2, 1)],
    [new Date(9999, 11, 31), new Date(2024, 9, 27, 1, 30), new Date(2024, 0, 1, 0, 0, 1), null],
  ];
  const columns = [{ header: "d", type: "date" }, { header: "dt", type: "datetime" }, { header: "t", type: "time" }, { header: "any" }];
  await ready();
  const text = (bytes) => new TextDecoder().decode(bytes);
  return {
    zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    main: text(exportTable({ columns, rows }, { format: "csv" })),
    worker: text(await exportInWorker({ columns, rows }, { format: "csv" })),
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
