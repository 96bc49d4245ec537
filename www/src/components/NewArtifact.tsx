import { FilePlus2, X } from "lucide-react";
import { useEffect, useState } from "react";
import type { TableData } from "rowpress";
import { inferTypesInWorker } from "rowpress/worker";
import {
  COLUMN_TYPES,
  type ColumnType,
  type Inferred,
  isCsv,
  parseTable,
  readCsv,
  sampleTable,
  type TextGrid,
  typedTable,
  unicodeSample,
} from "../table";

/** Pasted CSV as read, the types rowpress inferred for it, and the types chosen. */
interface Typing {
  text: string;
  grid: TextGrid;
  inferred: Inferred;
  chosen: ColumnType[];
}

/** How long typing pauses before pasted CSV is read for its column types. */
const INFER_DELAY_MS = 250;

/**
 * The types rowpress reads in pasted CSV, inferred in its worker once the
 * text stops changing; null for JSON, unreadable CSV, or while reading.
 */
function useTyping(text: string): [Typing | null, (t: Typing) => void] {
  const [typing, setTyping] = useState<Typing | null>(null);
  useEffect(() => {
    if (!isCsv(text)) return;
    let grid: TextGrid;
    try {
      grid = readCsv(text.trim());
    } catch {
      return; // Create says what is wrong.
    }
    let live = true;
    const timer = setTimeout(() => {
      const table = { headers: grid.headers, rows: grid.rows.map((r) => r.map((c) => (c === "" ? null : c))) };
      inferTypesInWorker(table).then(
        (inferred) => {
          if (live) setTyping({ text, grid, inferred, chosen: inferred.columns.map((c) => c.type ?? "text") });
        },
        () => {
          // Without types the CSV is still created, as text and numbers.
        },
      );
    }, INFER_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);
  return [typing?.text === text ? typing : null, setTyping];
}

/** Paste CSV or JSON (or take a sample) to make a new table artifact; pasted CSV gets a type per column. */
export function NewArtifact({
  onCreate,
  onCancel,
}: {
  onCreate: (title: string | undefined, data: TableData) => Promise<void>;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [typing, setTyping] = useTyping(text);

  const create = async (data: () => TableData) => {
    setError(null);
    setBusy(true);
    try {
      await onCreate(title.trim() || undefined, data());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const choose = (t: Typing, column: number, type: ColumnType) =>
    setTyping({ ...t, chosen: t.chosen.map((was, c) => (c === column ? type : was)) });

  return (
    <form
      className="new-artifact"
      aria-label="New table"
      onSubmit={(e) => {
        e.preventDefault();
        void create(() => (typing ? typedTable(typing.grid, typing.inferred, typing.chosen) : parseTable(text)));
      }}
    >
      <header>
        <h2>New table</h2>
        <button type="button" className="btn icon" aria-label="Close" onClick={onCancel}>
          <X size={16} aria-hidden />
        </button>
      </header>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Quarterly sales" maxLength={300} />
      </label>
      <label>
        CSV or JSON
        <textarea
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={8}
          placeholder={'Order,Qty,Paid\nA-1,3,true\n\nor [{"Order": "A-1", "Qty": 3}]'}
        />
      </label>
      {typing && (
        <fieldset className="column-types">
          <legend>Column types</legend>
          {typing.grid.headers.map((header, c) => {
            const read = typing.inferred.columns[c];
            const name = header || `Column ${c + 1}`;
            return (
              <label key={c}>
                {name}
                <select aria-label={`Type of ${name}`} value={typing.chosen[c]} onChange={(e) => choose(typing, c, e.target.value as ColumnType)}>
                  {COLUMN_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                      {t === (read?.type ?? "text") && read?.format ? ` (${read.format})` : ""}
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
        </fieldset>
      )}
      {error && (
        <p className="msg error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="btn primary" disabled={busy}>
          <FilePlus2 size={16} aria-hidden /> Create
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void create(() => sampleTable(1000))}>
          Sample: 1,000 rows
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void create(() => sampleTable(100_000))}>
          Sample: 100,000 rows
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void create(unicodeSample)}>
          Sample: Cyrillic, Greek, CJK
        </button>
      </div>
    </form>
  );
}
