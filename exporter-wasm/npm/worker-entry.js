// The module Web Worker behind exportInWorker: gathers a table sent in
// chunks, exports it, posts progress and warnings, then the bytes
// (transferred).
import init, * as wasm from "./web/rowpress.js";
import { makeExportTable } from "./common.js";

let loaded = false;
const loading = init().then(() => {
  loaded = true;
});
const exportTable = makeExportTable(wasm, () => loaded);
const jobs = new Map();

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "begin") {
    jobs.set(message.id, { table: { ...message.table, rows: [] }, options: message.options });
    return;
  }
  const job = jobs.get(message.id);
  if (!job) return;
  if (message.type === "rows") {
    for (const row of message.rows) job.table.rows.push(row);
    return;
  }
  jobs.delete(message.id);
  try {
    await loading;
    const id = message.id;
    const bytes = exportTable(job.table, {
      ...job.options,
      onProgress: (done, total) => self.postMessage({ type: "progress", id, done, total }),
      onWarning: (warning) => self.postMessage({ type: "warning", id, warning }),
    });
    self.postMessage({ type: "done", id, bytes }, [bytes.buffer]);
  } catch (error) {
    self.postMessage({
      type: "error",
      id: message.id,
      code: typeof error?.code === "string" ? error.code : "INTERNAL",
      message: error?.message ?? String(error),
    });
  }
};
