// The Unicode fonts a PDF needs beyond its built-in Helvetica (Western
// European text only). Which ones is the core's answer: rowpress works it
// out inside the export worker (`scriptsNeeded`) and asks through
// `loadFonts`; this module fetches them from upload-server, once per page.
// A plain Latin table downloads no font at all.

import type { FontScript } from "rowpress";

/** Where upload-server serves the font for each group of scripts. */
export const FONT_URLS: Record<FontScript, string> = {
  other: "/fonts/DejaVuSans.ttf",
  arabic: "/fonts/NotoSansArabic-Regular.ttf",
  hebrew: "/fonts/NotoSansHebrew-Regular.ttf",
  devanagari: "/fonts/NotoSansDevanagari-Regular.ttf",
  thai: "/fonts/NotoSansThai-Regular.ttf",
  cjk: "/fonts/NotoSansCJK-Regular.ttc",
};

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

/** The fonts for `scripts`, in their order, each fetched once per page. */
export async function fontsFor(scripts: readonly FontScript[]): Promise<Uint8Array[]> {
  return Promise.all(
    scripts.map((script) => {
      const url = FONT_URLS[script];
      if (!url) return Promise.reject(new Error(`no font is served for the script group ${JSON.stringify(script)}`));
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
