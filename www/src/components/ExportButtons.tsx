import { Download, LoaderCircle } from "lucide-react";
import type { Format } from "rowpress";

export const FORMATS: Format[] = ["pdf", "docx", "xlsx", "csv"];

/** The export buttons, one per format; a running format shows a spinner and is disabled. */
export function ExportButtons({
  running,
  onExport,
}: {
  running: ReadonlySet<Format>;
  onExport: (format: Format) => void;
}) {
  return (
    <div className="export-buttons" role="group" aria-label="Export">
      {FORMATS.map((format) => {
        const busy = running.has(format);
        const label = `Export ${format.toUpperCase()}`;
        return (
          <button
            key={format}
            type="button"
            className="btn primary"
            aria-label={label}
            aria-busy={busy}
            disabled={busy}
            onClick={() => onExport(format)}
          >
            {busy ? <LoaderCircle className="spin" size={16} aria-hidden /> : <Download size={16} aria-hidden />}
            {format.toUpperCase()}
          </button>
        );
      })}
    </div>
  );
}

/** Rows done out of the total. */
export function Progress({ format, done, total }: { format: Format; done: number; total: number }) {
  const pct = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <div className="progress" aria-live="polite">
      <div
        className="bar"
        role="progressbar"
        aria-label={`${format.toUpperCase()} export progress`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <div className="fill" style={{ width: `${pct}%` }} />
      </div>
      <span>
        {format.toUpperCase()}: {done.toLocaleString("en-US")} of {total.toLocaleString("en-US")} rows
      </span>
    </div>
  );
}
