import type { ExportOptions, TableData } from "./index.js";

export type { Cell, ErrorCode, ExportOptions, Format, RowpressError, TableData } from "./index.js";

/**
 * Exports in a Web Worker: the page's main thread never blocks. The table is
 * sent in chunks; the bytes come back transferred. `onProgress` receives the
 * worker's progress events.
 * @throws {RowpressError} (the promise rejects)
 */
export function exportInWorker(table: TableData, options: ExportOptions): Promise<Uint8Array>;

/** Stops the shared worker; pending exports reject with `WORKER_FAILED`. */
export function terminateWorker(): void;
