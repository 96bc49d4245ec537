// The offline upload queue. An export made without network is downloaded at
// once and its bytes wait here, in IndexedDB, with the Idempotency-Key they
// will be sent with; `flush` sends each one when the network is back. The
// key is chosen when the export is made, so however often a send is retried
// (a lost response, two tabs, a reload mid-send) the server records one row.

import { getAll, withStore } from "./idb";
import type { Format } from "rowpress";

export interface PendingUpload {
  /** The Idempotency-Key, also the record's key. */
  key: string;
  userId: string;
  artifactId: string;
  format: Format;
  fileName: string;
  /** The file (an ArrayBuffer: stored the same way by every browser). */
  bytes: ArrayBuffer;
  /** Unix milliseconds when the export was made. */
  createdAt: number;
  attempts: number;
  /** Unix milliseconds before which it is not sent again (backoff after
   * the server asked for a retry). */
  nextAttemptAt?: number;
  /** Set when the server refused the upload for good (it is not retried). */
  failed?: string;
}

/** What a send attempt came to. */
export type SendResult =
  | { kind: "sent" }
  | { kind: "retry"; reason: string; backoff?: boolean }
  | { kind: "refused"; reason: string };

/** How long to wait before the `attempts`-th retry the server asked for:
 * 5 s doubling to 10 minutes, with a little jitter so tabs and devices do
 * not come back at once. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function newKey(): string {
  return crypto.randomUUID();
}

export async function enqueue(upload: Omit<PendingUpload, "attempts">): Promise<void> {
  await withStore("uploads", "readwrite", (s) => s.put({ ...upload, attempts: 0 }));
}

/** The user's waiting uploads, oldest first (of one artifact if given). */
export async function pending(userId: string, artifactId?: string): Promise<PendingUpload[]> {
  const all = await getAll<PendingUpload>("uploads");
  return all
    .filter((u) => u.userId === userId && (artifactId === undefined || u.artifactId === artifactId))
    .sort((a, b) => a.createdAt - b.createdAt);
}

export async function discard(key: string): Promise<void> {
  await withStore("uploads", "readwrite", (s) => s.delete(key));
}

let running: Promise<FlushReport> | null = null;

export interface FlushReport {
  sent: number;
  waiting: number;
  refused: number;
}

/**
 * Sends every waiting upload of `userId` with `send`, one at a time, oldest
 * first. A sent upload leaves the queue; one to retry stays (the next flush
 * tries again); one the server refused stays, marked, for the user to see
 * and discard. Concurrent calls share one run; across tabs a Web Lock
 * keeps one flush at a time.
 */
export function flush(userId: string, send: (u: PendingUpload) => Promise<SendResult>): Promise<FlushReport> {
  running ??= (async () => {
    try {
      const locks = (globalThis.navigator as Navigator | undefined)?.locks;
      const work = () => flushNow(userId, send);
      return locks ? await locks.request("rowpress-upload-queue", work) : await work();
    } finally {
      running = null;
    }
  })();
  return running;
}

async function flushNow(userId: string, send: (u: PendingUpload) => Promise<SendResult>): Promise<FlushReport> {
  const report: FlushReport = { sent: 0, waiting: 0, refused: 0 };
  for (const upload of await pending(userId)) {
    if (upload.failed) {
      report.refused++;
      continue;
    }
    if (upload.nextAttemptAt !== undefined && upload.nextAttemptAt > Date.now()) continue;
    let result: SendResult;
    try {
      result = await send(upload);
    } catch (e) {
      result = { kind: "retry", reason: e instanceof Error ? e.message : String(e) };
    }
    if (result.kind === "sent") {
      await discard(upload.key);
      report.sent++;
    } else {
      const updated: PendingUpload = { ...upload, attempts: upload.attempts + 1 };
      if (result.kind === "retry" && result.backoff) updated.nextAttemptAt = Date.now() + backoffMs(updated.attempts);
      else delete updated.nextAttemptAt;
      if (result.kind === "refused") {
        updated.failed = result.reason;
        report.refused++;
      }
      await withStore("uploads", "readwrite", (s) => s.put(updated));
      // Offline again: the rest would fail the same way.
      if (result.kind === "retry" && !result.backoff) break;
    }
  }
  report.waiting = (await pending(userId)).filter((u) => !u.failed).length;
  return report;
}
