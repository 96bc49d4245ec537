// One export: the table to bytes in a Web Worker (rowpress), with the fonts
// its characters need when the format is PDF.

import { fileName, type Format, type TableData, type Workbook } from "rowpress";
import { exportInWorker } from "rowpress/worker";
import { fontsFor } from "./fonts";
import { MIME } from "./formats";

export interface Made {
  bytes: Uint8Array;
  blob: Blob;
  fileName: string;
  durationMs: number;
  /** Values the format could not hold as given and kept another way (the core's one-line messages). */
  warnings: string[];
}


export async function makeFile(
  table: TableData | Workbook,
  title: string | null,
  format: Format,
  onProgress: (done: number, total: number) => void,
): Promise<Made> {
  const started = performance.now();
  const warnings: string[] = [];
  const bytes = await exportInWorker(table, {
    format,
    title: title ?? undefined,
    // The worker says which fonts the table's characters need (PDF only).
    loadFonts: fontsFor,
    onProgress,
    onWarning: (w) => warnings.push(w.message),
  });
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[format] });
  return {
    bytes,
    blob,
    fileName: fileName(title ?? table.title, format),
    durationMs: Math.round(performance.now() - started),
    warnings,
  };
}

/** Saves `blob` as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Follows a server download URL (sent as an attachment, so it downloads). */
export function downloadUrl(url: string): void {
  const a = document.createElement("a");
  a.href = url;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
}
