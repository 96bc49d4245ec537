// The module Web Worker behind exportInWorker, inferTypesInWorker and
// formatCellsInWorker: gathers a table (or a workbook's tables) sent in
// chunks, then exports it (posting progress and warnings, then the bytes,
// transferred), infers its types or formats its cells.
import init, * as wasm from "./web/rowpress.js";
import { SIMD } from "./common.js";

const loading = init({
  module_or_path: SIMD ? new URL("./web/rowpress_simd_bg.wasm", import.meta.url) : new URL("./web/rowpress_bg.wasm", import.meta.url),
});
const jobs = new Map();
// Exports waiting for the fonts the page loads (loadFonts), by id.
const waitingForFonts = new Map();

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "begin") {
    // The tables, their rows to come in chunks.
    const heads = message.book ? message.table.sheets : [message.table];
    const tables = heads.map((head, i) => (message.chunked[i] ? { ...head, rows: [] } : head));
    const table = message.book ? { ...message.table, sheets: tables } : tables[0];
    jobs.set(message.id, { task: message.task, table, tables, options: message.options });
    return;
  }
  if (message.type === "fonts") {
    waitingForFonts.get(message.id)?.(message.fonts);
    waitingForFonts.delete(message.id);
    return;
  }
  const job = jobs.get(message.id);
  if (!job) return;
  if (message.type === "rows") {
    const rows = job.tables[message.sheet].rows;
    for (const row of message.rows) rows.push(row);
    return;
  }
  jobs.delete(message.id);
  try {
    await loading;
    const id = message.id;
    // The page's thread already read the Dates and checked the texts
    // (withDates, in worker.js): straight to the module.
    if (job.task === "inferTypes" || job.task === "formatCells") {
      self.postMessage({ type: "done", id, result: wasm[job.task](job.table) });
      return;
    }
    const { loadFonts, ...options } = job.options;
    if (loadFonts && options.format === "pdf") {
      // The core says which fonts the table needs; the page fetches them.
      const scripts = wasm.scriptsNeeded(job.table);
      if (scripts.length > 0) {
        const fonts = await new Promise((resolve) => {
          waitingForFonts.set(id, resolve);
          self.postMessage({ type: "scripts", id, scripts });
        });
        if (fonts === null) return; // the page failed the export
        options.fonts = [...(options.fonts ?? []), ...fonts];
      }
    }
    const bytes = wasm.exportTable(job.table, {
      ...options,
      onProgress: (done, total) => self.postMessage({ type: "progress", id, done, total }),
      onWarning: (warning) => self.postMessage({ type: "warning", id, warning }),
    });
    self.postMessage({ type: "done", id, result: bytes }, [bytes.buffer]);
  } catch (error) {
    self.postMessage({
      type: "error",
      id: message.id,
      code: typeof error?.code === "string" ? error.code : "INTERNAL",
      message: error?.message ?? String(error),
    });
  }
};
