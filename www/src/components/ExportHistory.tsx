import { Download, Trash2, CloudOff, RefreshCw } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { MIME } from "../formats";
import { type Api, type ExportRecord, NetworkError } from "../api";
import { download, downloadUrl } from "../exporter";
import { discard, pending, type PendingUpload } from "../queue";

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function when(iso: string | number): string {
  return new Date(iso).toLocaleString();
}

/** Past exports of the artifact, and those whose upload waits for the network. */
export function ExportHistory({
  api,
  artifactId,
  refreshKey,
  onError,
}: {
  api: Api;
  artifactId: string;
  refreshKey: number;
  onError: (message: string) => void;
}) {
  const [items, setItems] = useState<ExportRecord[] | null>(null);
  const [waiting, setWaiting] = useState<PendingUpload[]>([]);
  const [offline, setOffline] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    setWaiting(await pending(api.userId, artifactId).catch(() => []));
    try {
      setItems((await api.exports(artifactId)).items);
      setOffline(false);
    } catch (e) {
      if (e instanceof NetworkError) setOffline(true);
      else onError(e instanceof Error ? e.message : String(e));
    }
  }, [api, artifactId, onError]);

  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const fetchFresh = async (id: string) => {
    setBusy(id);
    try {
      const record = await api.exportRecord(id);
      if (record.url) downloadUrl(record.url);
      else onError(`export ${id} has no file (${record.status})`);
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  const remove = async (id: string) => {
    setBusy(id);
    try {
      await api.deleteExport(id);
      await load();
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="history" aria-label="Export history">
      <header>
        <h3>Export history</h3>
        <button type="button" className="btn icon" aria-label="Refresh history" onClick={() => void load()}>
          <RefreshCw size={14} aria-hidden />
        </button>
      </header>
      {offline && (
        <p className="note">
          <CloudOff size={14} aria-hidden /> Offline: showing exports made on this device only.
        </p>
      )}
      <ul>
        {waiting.map((u) => (
          <li key={u.key} className="waiting" data-status={u.failed ? "refused" : "waiting"}>
            <span className="fmt">{u.format.toUpperCase()}</span>
            <span>{formatBytes(u.bytes.byteLength)}</span>
            <span>{when(u.createdAt)}</span>
            <span className="status">{u.failed ? `Upload refused: ${u.failed}` : "Waiting for network"}</span>
            <span className="actions">
              <button type="button" className="btn icon" aria-label={`Download ${u.fileName}`} onClick={() => download(new Blob([u.bytes], { type: MIME[u.format] }), u.fileName)}>
                <Download size={14} aria-hidden />
              </button>
              <button
                type="button"
                className="btn icon"
                aria-label={`Discard waiting ${u.format.toUpperCase()} upload`}
                onClick={() => void discard(u.key).then(load)}
              >
                <Trash2 size={14} aria-hidden />
              </button>
            </span>
          </li>
        ))}
        {items?.map((x) => (
          <li key={x.id} data-status={x.status}>
            <span className="fmt">{x.format.toUpperCase()}</span>
            <span>{formatBytes(x.sizeBytes)}</span>
            <span>{when(x.createdAt)}</span>
            <span className="status">{x.status === "completed" ? "Uploaded" : x.status}</span>
            <span className="actions">
              <button
                type="button"
                className="btn icon"
                aria-label={`Download ${x.format.toUpperCase()} export of ${when(x.createdAt)}`}
                disabled={busy === x.id || x.status !== "completed"}
                onClick={() => void fetchFresh(x.id)}
              >
                <Download size={14} aria-hidden />
              </button>
              <button
                type="button"
                className="btn icon"
                aria-label={`Delete ${x.format.toUpperCase()} export of ${when(x.createdAt)}`}
                disabled={busy === x.id}
                onClick={() => void remove(x.id)}
              >
                <Trash2 size={14} aria-hidden />
              </button>
            </span>
          </li>
        ))}
      </ul>
      {items && items.length === 0 && waiting.length === 0 && <p className="note">No exports yet.</p>}
    </section>
  );
}
