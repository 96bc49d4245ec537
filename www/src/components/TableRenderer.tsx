import { useCallback, useEffect, useRef, useState } from "react";
import type { Cell, FormattedSheet } from "rowpress";
import type { Grid } from "../table";

export const ROW_HEIGHT = 32;
const OVERSCAN = 8;
const COLUMN_WIDTH = 160;

function show(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "boolean") return cell ? "TRUE" : "FALSE";
  if (typeof cell === "object" && !(cell instanceof Date)) return cell.text ?? cell.url;
  return String(cell);
}

/**
 * The table, virtualised: only the rows in view (and a few either side) are
 * in the DOM, so 100,000 rows scroll as smoothly as 100. With `formatted`
 * (rowpress's formatCells), typed cells show the text the exported files
 * show, aligned as they are there.
 */
export function TableRenderer({
  table,
  formatted,
  height = 480,
}: {
  table: Grid;
  formatted?: FormattedSheet | null;
  height?: number;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef(0);
  const onScroll = useCallback((e: React.UIEvent<HTMLDivElement>) => {
    const top = e.currentTarget.scrollTop;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(top));
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  useEffect(() => setScrollTop(0), [table]);

  const total = table.rows.length;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const width = table.headers.length * COLUMN_WIDTH;
  const columns = `repeat(${table.headers.length}, ${COLUMN_WIDTH}px)`;

  const visible = [];
  for (let r = first; r < last; r++) {
    const row = table.rows[r];
    visible.push(
      <div
        role="row"
        aria-rowindex={r + 2}
        key={r}
        className="tr"
        style={{ top: r * ROW_HEIGHT, gridTemplateColumns: columns, width }}
      >
        {table.headers.map((_, c) => {
          const cell = row[c];
          const text = formatted?.columns[c]?.[r] ?? show(cell);
          const align = formatted?.align[c];
          return (
            <div role="cell" key={c} className={align ? `td ${align}` : typeof cell === "number" ? "td num" : "td"} title={text}>
              {text}
            </div>
          );
        })}
      </div>,
    );
  }

  return (
    <div
      className="table-scroll"
      style={{ height }}
      onScroll={onScroll}
      role="table"
      aria-label={table.title ?? "Table"}
      aria-rowcount={total + 1}
      tabIndex={0}
    >
      <div role="row" aria-rowindex={1} className="tr th-row" style={{ gridTemplateColumns: columns, width }}>
        {table.headers.map((h, c) => (
          <div role="columnheader" key={c} className={formatted?.align[c] ? `th ${formatted.align[c]}` : "th"} title={h}>
            {h}
          </div>
        ))}
      </div>
      <div className="tbody" style={{ height: total * ROW_HEIGHT, width }}>
        {visible}
      </div>
    </div>
  );
}
