import { FilePlus2, X } from "lucide-react";
import { useState } from "react";
import { type Grid, parseTable, sampleTable, unicodeSample } from "../table";

/** Paste CSV or JSON (or take a sample) to make a new table artifact. */
export function NewArtifact({
  onCreate,
  onCancel,
}: {
  onCreate: (title: string | undefined, data: Grid) => Promise<void>;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (data: () => Grid) => {
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

  return (
    <form
      className="new-artifact"
      aria-label="New table"
      onSubmit={(e) => {
        e.preventDefault();
        void create(() => parseTable(text));
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
