import { CircleAlert, CircleCheck, CloudOff, X } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { FormattedSheet, Format, TableData, Workbook } from "rowpress";
import { formatCellsInWorker } from "rowpress/worker";
import { type Api, type Artifact, isKept, isTransient } from "../api";
import { download, makeFile } from "../exporter";
import { recordEvent } from "../offline";
import { enqueue, newKey } from "../queue";
import { ExportButtons, Progress } from "./ExportButtons";
import { ExportHistory } from "./ExportHistory";
import { TableRenderer } from "./TableRenderer";

/**
 * What the export kept another way than given, in one line: the first of
 * the core's messages (they name row and column) and how many more.
 */
export function warningText(format: string, warnings: string[]): string {
  const more = warnings.length - 1;
  return `${format}: a value was kept another way: ${warnings[0]}${more > 0 ? ` (and ${more} more)` : ""}.`;
}

/** Whether any sheet of `data` has a typed column (only those are formatted). */
function hasTypes(data: TableData | Workbook): boolean {
  const tables = "sheets" in data ? data.sheets : [data];
  return tables.some((t) => "columns" in t && t.columns.some((c) => c.type !== undefined));
}

/**
 * What each typed cell of `data` shows in the exported files (rowpress's
 * formatCells, in its worker), for the table view; null until it is known,
 * or when no column is typed (the cells then show as given).
 */
function useFormatted(data: TableData | Workbook): FormattedSheet[] | null {
  const [formatted, setFormatted] = useState<{ data: TableData | Workbook; sheets: FormattedSheet[] } | null>(null);
  useEffect(() => {
    if (!hasTypes(data)) return;
    let live = true;
    formatCellsInWorker(data).then(
      (sheets) => live && setFormatted({ data, sheets }),
      () => {
        // The cells show as given; an export says what is wrong.
      },
    );
    return () => {
      live = false;
    };
  }, [data]);
  return formatted?.data === data ? formatted.sheets : null;
}

interface Message {
  id: number;
  kind: "ok" | "error" | "waiting" | "warning";
  text: string;
  url?: string;
}

let nextMessage = 1;

/** A table artifact: its rows, the export buttons and its export history. */
export function ArtifactPane({
  api,
  artifact,
  online,
  syncs,
  onQueued,
}: {
  api: Api;
  artifact: Artifact;
  online: boolean;
  /** Changes whenever the upload queue was sent: the history reloads. */
  syncs: number;
  onQueued: () => void;
}) {
  const [running, setRunning] = useState<ReadonlySet<Format>>(new Set());
  const runningRef = useRef(new Set<Format>());
  const [progress, setProgress] = useState<Partial<Record<Format, [number, number]>>>({});
  const [messages, setMessages] = useState<Message[]>([]);
  const [refresh, setRefresh] = useState(0);
  // The sheet shown (a workbook has several; a table is one).
  const [sheet, setSheet] = useState(0);
  const shownIndex = Math.min(sheet, artifact.sheets.length - 1);
  const shown = artifact.sheets[shownIndex];
  const formatted = useFormatted(artifact.data);
  const totalRows = artifact.sheets.reduce((n, s) => n + s.grid.rows.length, 0);

  const say = useCallback((kind: Message["kind"], text: string, url?: string) => {
    setMessages((m) => [{ id: nextMessage++, kind, text, url }, ...m].slice(0, 5));
  }, []);
  const onHistoryError = useCallback((text: string) => say("error", text), [say]);

  const run = async (format: Format) => {
    // A second click while this format runs does nothing (the button is
    // disabled too, but a click can land before React re-renders).
    if (runningRef.current.has(format)) return;
    runningRef.current.add(format);
    setRunning(new Set(runningRef.current));
    setProgress((p) => ({ ...p, [format]: [0, totalRows] }));
    const name = format.toUpperCase();
    try {
      const made = await makeFile(artifact.data, artifact.title, format, (done, total) =>
        setProgress((p) => ({ ...p, [format]: [done, total] })),
      );
      download(made.blob, made.fileName);
      if (made.warnings.length > 0) say("warning", warningText(name, made.warnings));
      const offline = !navigator.onLine;
      void recordEvent(api, {
        event: "artifact_exported",
        type: artifact.type,
        format,
        artifactId: artifact.id,
        durationMs: made.durationMs,
        rows: totalRows,
        sizeBytes: made.bytes.length,
        offline,
      });
      const key = newKey();
      const queue = async () => {
        await enqueue({
          key,
          userId: api.userId,
          artifactId: artifact.id,
          format,
          fileName: made.fileName,
          bytes: made.bytes.slice().buffer,
          createdAt: Date.now(),
        });
        onQueued();
        say("waiting", `${name} saved as ${made.fileName}; its upload waits for the network.`);
      };
      if (offline) {
        await queue();
      } else {
        try {
          const record = await api.upload(artifact.id, format, made.blob, key);
          if (isKept(record)) say("ok", `${name} downloaded and uploaded (${made.fileName}).`, record.url ?? undefined);
          else await queue();
        } catch (e) {
          if (isTransient(e)) await queue();
          else say("error", `${name} downloaded, but the upload was refused: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } catch (e) {
      say("error", `${name} export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      runningRef.current.delete(format);
      setRunning(new Set(runningRef.current));
      setProgress((p) => {
        const next = { ...p };
        delete next[format];
        return next;
      });
      setRefresh((r) => r + 1);
    }
  };

  return (
    <section className="pane" aria-label="Artifact">
      <header className="pane-head">
        <div>
          <h2>{artifact.title ?? "Untitled table"}</h2>
          <p className="note">
            {artifact.sheets.length > 1 && `${artifact.sheets.length} sheets · `}
            {shown.grid.rows.length.toLocaleString("en-US")} rows × {shown.grid.headers.length} columns
            {!online && (
              <span className="offline-badge">
                <CloudOff size={12} aria-hidden /> offline
              </span>
            )}
          </p>
        </div>
        <ExportButtons running={running} onExport={(f) => void run(f)} />
      </header>
      {(Object.entries(progress) as [Format, [number, number]][]).map(([f, [done, total]]) => (
        <Progress key={f} format={f} done={done} total={total} />
      ))}
      <ul className="messages" aria-live="polite">
        {messages.map((m) => (
          <li key={m.id} className={`msg ${m.kind}`} role={m.kind === "error" ? "alert" : "status"}>
            {m.kind === "error" || m.kind === "warning" ? (
              <CircleAlert size={16} aria-hidden />
            ) : m.kind === "ok" ? (
              <CircleCheck size={16} aria-hidden />
            ) : (
              <CloudOff size={16} aria-hidden />
            )}
            <span>{m.text}</span>
            {m.url && (
              <a href={m.url} rel="noopener">
                Download link
              </a>
            )}
            <button type="button" className="btn icon" aria-label="Dismiss" onClick={() => setMessages((all) => all.filter((x) => x.id !== m.id))}>
              <X size={12} aria-hidden />
            </button>
          </li>
        ))}
      </ul>
      {artifact.sheets.length > 1 && (
        <div className="sheet-tabs" role="tablist" aria-label="Sheets">
          {artifact.sheets.map((s, i) => (
            <button
              key={i}
              type="button"
              role="tab"
              className="btn sheet-tab"
              aria-selected={s === shown}
              onClick={() => setSheet(i)}
            >
              {s.name}
            </button>
          ))}
        </div>
      )}
      <TableRenderer key={sheet} table={shown.grid} formatted={formatted?.[shownIndex]} />
      <ExportHistory api={api} artifactId={artifact.id} refreshKey={refresh + syncs} onError={onHistoryError} />
    </section>
  );
}
