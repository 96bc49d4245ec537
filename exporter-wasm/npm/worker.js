// exportInWorker (and inferTypesInWorker, formatCellsInWorker): the work runs
// in a module Web Worker, so the page's main thread never blocks. The table
// is posted in chunks of rows with a yield to the event loop between them,
// so even posting a 100,000-row table makes no long task; an export's bytes
// come back transferred, not copied.
import { rowpressError, withDates } from "./common.js";

const CHUNK_ROWS = 2000;

let worker = null;
let nextId = 1;
const jobs = new Map();

function failAll(error) {
  for (const job of jobs.values()) job.reject(error);
  jobs.clear();
}

function getWorker() {
  if (worker) return worker;
  worker = new Worker(new URL("./worker-entry.js", import.meta.url), { type: "module", name: "rowpress" });
  worker.onmessage = (event) => {
    const message = event.data;
    const job = jobs.get(message.id);
    if (!job) return;
    if (message.type === "progress") {
      job.onProgress?.(message.done, message.total);
    } else if (message.type === "warning") {
      job.onWarning?.(message.warning);
    } else if (message.type === "scripts") {
      // The worker asks for the fonts the table needs (exportInWorker's loadFonts).
      Promise.resolve()
        .then(() => job.loadFonts(message.scripts))
        .then((fonts) => {
          if (!Array.isArray(fonts)) {
            throw rowpressError("INVALID_OPTION", "option loadFonts: must resolve with an array of fonts (Uint8Array, or {regular, bold})");
          }
          worker?.postMessage({ type: "fonts", id: message.id, fonts });
        })
        .catch((error) => {
          worker?.postMessage({ type: "fonts", id: message.id, fonts: null });
          jobs.delete(message.id);
          job.reject(error);
        });
    } else if (message.type === "done") {
      jobs.delete(message.id);
      job.resolve(message.result);
    } else if (message.type === "error") {
      jobs.delete(message.id);
      job.reject(rowpressError(message.code, message.message));
    }
  };
  worker.onerror = (event) => {
    event.preventDefault?.();
    failAll(rowpressError("WORKER_FAILED", `the export worker failed: ${event.message || "it could not start"}`));
    worker?.terminate();
    worker = null;
  };
  return worker;
}

const yieldToEventLoop = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Refuses what is neither a table nor a workbook; whether it is a workbook. */
function checkTable(table) {
  const isBook = table !== null && typeof table === "object" && Array.isArray(table.sheets);
  if (table === null || typeof table !== "object" || (!isBook && !Array.isArray(table.rows))) {
    throw rowpressError("INVALID_JSON", "invalid table: expected an object with `headers` and `rows`, or a workbook with `sheets`");
  }
  return isBook;
}

/**
 * Sends `table` (checked by checkTable, which said whether it is a
 * workbook) to the worker for `task` (`export`, `inferTypes` or
 * `formatCells`): each table (a workbook's sheets) without its rows, which
 * follow in chunks with a yield between them. Resolves with the task's
 * result.
 */
async function run(task, table, isBook, options, callbacks) {
  // Dates are read on this thread: its time zone is the one the user sees.
  const dated = withDates(table);
  // A sheet that is not a table goes as it is, for the core to name what
  // is wrong with it.
  const tables = isBook ? dated.sheets : [dated];
  const chunked = tables.map((t) => t !== null && typeof t === "object" && Array.isArray(t.rows));
  const heads = tables.map((t, i) => {
    if (!chunked[i]) return t;
    const { rows: _rows, ...head } = t;
    return head;
  });
  const head = isBook ? { ...dated, sheets: heads } : heads[0];
  const id = nextId++;
  const w = getWorker();
  const result = new Promise((resolve, reject) => jobs.set(id, { resolve, reject, ...callbacks }));
  w.postMessage({ type: "begin", id, task, table: head, book: isBook, chunked, options });
  for (let sheet = 0; sheet < tables.length && jobs.has(id); sheet++) {
    const rows = chunked[sheet] ? tables[sheet].rows : [];
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      w.postMessage({ type: "rows", id, sheet, rows: rows.slice(start, start + CHUNK_ROWS) });
      await yieldToEventLoop();
      if (!jobs.has(id)) break; // the worker failed meanwhile
    }
  }
  w.postMessage({ type: "end", id });
  return result;
}

export async function exportInWorker(table, options) {
  const isBook = checkTable(table);
  if (options === null || typeof options !== "object") {
    throw rowpressError("INVALID_OPTION", "option options: must be an object with at least `format`");
  }
  const { onProgress, onWarning, loadFonts, ...rest } = options;
  for (const [name, f] of [["onProgress", onProgress], ["onWarning", onWarning], ["loadFonts", loadFonts]]) {
    if (f !== undefined && typeof f !== "function") {
      throw rowpressError("INVALID_OPTION", `option ${name}: must be a function`);
    }
  }
  return run("export", table, isBook, { ...rest, loadFonts: loadFonts !== undefined }, { onProgress, onWarning, loadFonts });
}

export async function inferTypesInWorker(table) {
  if (table !== null && typeof table === "object" && Array.isArray(table.sheets)) {
    throw rowpressError("INVALID_JSON", "invalid table: inferTypes takes one table, not a workbook");
  }
  return run("inferTypes", table, checkTable(table), {}, {});
}

export async function formatCellsInWorker(table) {
  return run("formatCells", table, checkTable(table), {}, {});
}

/** Stops the shared worker (a new one starts on the next export). */
export function terminateWorker() {
  if (worker) {
    worker.terminate();
    worker = null;
    failAll(rowpressError("WORKER_FAILED", "the export worker was terminated"));
  }
}
