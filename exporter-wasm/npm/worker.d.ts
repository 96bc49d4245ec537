import type { Column, Cell, ExportOptions, FontFamily, FontScript, FormattedSheet, TableData, Workbook } from "./index.js";

export type {
  Cell,
  Column,
  ErrorCode,
  ExportOptions,
  ExportWarning,
  FontFamily,
  FontScript,
  Format,
  FormattedSheet,
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
export function exportInWorker(table: TableData | Workbook, options: WorkerExportOptions): Promise<Uint8Array>;

/** The options of `exportInWorker`. */
export interface WorkerExportOptions extends ExportOptions {
  /**
   * PDF: called once the worker knows which fonts the table needs
   * (`scriptsNeeded`, computed there), and only when it needs some; the
   * fonts it resolves with go after `fonts`, in the order given. The
   * table is sent to the worker once. A rejection rejects the export.
   */
  loadFonts?: (scripts: FontScript[]) => Promise<(Uint8Array | FontFamily)[]>;
}

/**
 * `inferTypes` in the Web Worker (the page needs no module of its own).
 * @throws {RowpressError} (the promise rejects)
 */
export function inferTypesInWorker(table: TableData): Promise<{ title?: string; columns: Column[]; rows: Cell[][] }>;

/**
 * `formatCells` in the Web Worker: what each typed cell shows in the files.
 * @throws {RowpressError} (the promise rejects)
 */
export function formatCellsInWorker(table: TableData | Workbook): Promise<FormattedSheet[]>;

/** Stops the shared worker; pending exports reject with `WORKER_FAILED`. */
export function terminateWorker(): void;
