// A small promise layer over IndexedDB: one database, three stores.
//   uploads:   exports made in the browser whose upload has not succeeded
//   artifacts: the artifacts last seen, so the app works offline
//   events:    telemetry waiting for the network

const DB_NAME = "rowpress";
const DB_VERSION = 1;
export type StoreName = "uploads" | "artifacts" | "events";

let opening: Promise<IDBDatabase> | null = null;

export function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("uploads")) db.createObjectStore("uploads", { keyPath: "key" });
      if (!db.objectStoreNames.contains("artifacts")) db.createObjectStore("artifacts", { keyPath: "cacheKey" });
      if (!db.objectStoreNames.contains("events")) db.createObjectStore("events", { autoIncrement: true });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error ?? new Error("IndexedDB is unavailable"));
    };
  });
  return opening;
}

/** Runs `fn` in one transaction on `store`; resolves when it commits. */
export async function withStore<T>(
  store: StoreName,
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => IDBRequest<T> | void,
): Promise<T | undefined> {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req ? req.result : undefined);
    tx.onerror = () => reject(tx.error ?? new Error(`IndexedDB ${store} failed`));
    tx.onabort = () => reject(tx.error ?? new Error(`IndexedDB ${store} aborted`));
  });
}

export async function getAll<T>(store: StoreName): Promise<T[]> {
  return ((await withStore(store, "readonly", (s) => s.getAll())) ?? []) as T[];
}

/** Closes the connection (tests delete the database between cases). */
export async function closeDb(): Promise<void> {
  if (opening) (await opening).close();
  opening = null;
}
