// What the app keeps in IndexedDB to work offline: the artifacts last seen
// and telemetry events not yet sent; and the upload queue's sender.

import { Api, type Artifact, type ArtifactSummary, NetworkError, isKept, isTransient } from "./api";
import { getAll, withStore } from "./idb";
import { flush, type FlushReport, type PendingUpload, type SendResult } from "./queue";

interface CachedList {
  cacheKey: string;
  items: ArtifactSummary[];
}
interface CachedArtifact {
  cacheKey: string;
  artifact: Artifact;
}

export async function rememberArtifacts(user: string, items: ArtifactSummary[]): Promise<void> {
  await withStore("artifacts", "readwrite", (s) => s.put({ cacheKey: `${user}:list`, items } satisfies CachedList));
}

export async function rememberedArtifacts(user: string): Promise<ArtifactSummary[] | null> {
  const hit = (await withStore("artifacts", "readonly", (s) => s.get(`${user}:list`))) as CachedList | undefined;
  return hit?.items ?? null;
}

export async function rememberArtifact(user: string, artifact: Artifact): Promise<void> {
  await withStore("artifacts", "readwrite", (s) =>
    s.put({ cacheKey: `${user}:${artifact.id}`, artifact } satisfies CachedArtifact),
  );
}

export async function rememberedArtifact(user: string, id: string): Promise<Artifact | null> {
  const hit = (await withStore("artifacts", "readonly", (s) => s.get(`${user}:${id}`))) as CachedArtifact | undefined;
  return hit?.artifact ?? null;
}

/** Forgets everything of every user (sign-out). */
export async function forgetAll(): Promise<void> {
  await withStore("artifacts", "readwrite", (s) => s.clear());
}

/** Sends one waiting upload; how it went decides whether it stays queued.
 * Its bytes leave the queue only for a `completed` export with a URL: any
 * other answer keeps them, to be sent again with the same key. */
export async function sendUpload(api: Api, u: PendingUpload): Promise<SendResult> {
  try {
    const record = await api.upload(u.artifactId, u.format, u.bytes, u.key);
    if (isKept(record)) return { kind: "sent" };
    return { kind: "retry", reason: `the server has not kept the file yet (${record.status})`, backoff: true };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (!isTransient(e)) return { kind: "refused", reason };
    // Offline: retried as soon as the network is back. The server busy or
    // full: retried later and later.
    return { kind: "retry", reason, backoff: !(e instanceof NetworkError) };
  }
}

/** Sends the queue and the waiting telemetry. */
export async function syncAll(api: Api): Promise<FlushReport> {
  const report = await flush(api.userId, (u) => sendUpload(api, u));
  await flushEvents(api);
  return report;
}

interface StoredEvent {
  user: string;
  body: Record<string, unknown>;
}

/** Logs an event on the server, or keeps it for later when offline. */
export async function recordEvent(api: Api, body: Record<string, unknown>): Promise<void> {
  try {
    await api.event(body);
  } catch (e) {
    if (isTransient(e)) {
      await withStore("events", "readwrite", (s) => s.add({ user: api.userId, body } satisfies StoredEvent));
    }
    // A refused event (a bug) is dropped: telemetry never bothers the user.
  }
}

async function flushEvents(api: Api): Promise<void> {
  const db = await getAll<StoredEvent>("events");
  if (db.length === 0) return;
  const keys = ((await withStore("events", "readonly", (s) => s.getAllKeys())) ?? []) as IDBValidKey[];
  for (let i = 0; i < keys.length; i++) {
    if (db[i]?.user !== api.userId) continue;
    try {
      await api.event(db[i].body);
    } catch (e) {
      if (isTransient(e)) return;
    }
    await withStore("events", "readwrite", (s) => s.delete(keys[i]));
  }
}
