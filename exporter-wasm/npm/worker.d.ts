import type { ExportOptions, TableData, Workbook } from "./index.js";

export type {
  Cell,
  Column,
  ErrorCode,
  ExportOptions,
  ExportWarning,
  Format,
  RowpressError,
  TableData,
  WarningCode,
  Workbook,
} from "./index.js";

/**
 * Exports in a Web Worker: the page's main thread never blocks. The table is
 * sent in chunks; the bytes come back transferred. `onProgress` and
 * `onWarning` receive the worker's progress events and warnings.
 * @throws {RowpressError} (the promise rejects)
 */
export function exportInWorker(table: TableData | Workbook, options: ExportOptions): Promise<Uint8Array>;

/** Stops the shared worker; pending exports reject with `WORKER_FAILED`. */
export function terminateWorker(): void;
