// Which Unicode fonts a PDF of a table needs. The PDF's built-in font
// (Helvetica, WinAnsi encoding) shows Western European text only; for
// anything else the app fetches fonts served by upload-server and passes
// them to rowpress, which embeds the glyphs used. A plain Latin table
// downloads no font at all.

import type { Grid } from "./table";

/** The characters of WinAnsiEncoding above Latin-1 (PDF 32000-1, D.2). */
const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

export function inWinAnsi(code: number): boolean {
  return (
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xff) ||
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    WIN_ANSI_EXTRA.has(String.fromCodePoint(code))
  );
}

/** Han, kana, Hangul, CJK punctuation and full-width forms. */
export function isCjk(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x11ff) ||
    (code >= 0x2e80 && code <= 0x9fff) ||
    (code >= 0xa960 && code <= 0xa97f) ||
    (code >= 0xac00 && code <= 0xd7ff) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xffef) ||
    (code >= 0x20000 && code <= 0x3ffff)
  );
}

export interface FontNeeds {
  /** Text outside WinAnsi that is not CJK: DejaVu Sans (Latin, Greek, Cyrillic, ...). */
  dejavu: boolean;
  /** CJK text: Noto Sans CJK. */
  cjk: boolean;
}

function scanText(text: string, needs: FontNeeds): void {
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80 || inWinAnsi(code)) continue;
    if (isCjk(code)) needs.cjk = true;
    else needs.dejavu = true;
  }
}

/**
 * Scans the title, headers and every text cell, yielding to the event loop
 * every `chunk` rows so a large table never blocks the page.
 */
export async function fontNeeds(table: Grid, chunk = 5000): Promise<FontNeeds> {
  const needs: FontNeeds = { dejavu: false, cjk: false };
  scanText(table.title ?? "", needs);
  for (const h of table.headers) scanText(h, needs);
  for (let start = 0; start < table.rows.length; start += chunk) {
    const end = Math.min(table.rows.length, start + chunk);
    for (let r = start; r < end; r++) {
      for (const cell of table.rows[r]) if (typeof cell === "string") scanText(cell, needs);
    }
    if (needs.dejavu && needs.cjk) break;
    if (end < table.rows.length) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return needs;
}

export const FONT_URLS = {
  dejavu: "/fonts/DejaVuSans.ttf",
  cjk: "/fonts/NotoSansCJK-Regular.ttc",
} as const;

const loaded = new Map<string, Promise<Uint8Array>>();

async function fetchFont(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch {
    throw new Error(`the font ${url} is needed for this table's characters and cannot be fetched offline until it has been used once online`);
  }
  if (!res.ok) throw new Error(`the font ${url} is not available on this server (${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The fonts to pass to rowpress for `needs`, fetched once per page. */
export async function fontsFor(needs: FontNeeds): Promise<Uint8Array[]> {
  const urls: string[] = [];
  if (needs.dejavu) urls.push(FONT_URLS.dejavu);
  if (needs.cjk) urls.push(FONT_URLS.cjk);
  return Promise.all(
    urls.map((url) => {
      let p = loaded.get(url);
      if (!p) {
        p = fetchFont(url);
        p.catch(() => loaded.delete(url));
        loaded.set(url, p);
      }
      return p;
    }),
  );
}
