// The Unicode fonts a PDF needs beyond its built-in Helvetica (Western
// European text only). Which ones is the core's answer: rowpress works it
// out inside the export worker (`scriptsNeeded`) and asks through
// `loadFonts`; this module fetches them from upload-server, once per page.
// A plain Latin table downloads no font at all.

import type { FontFamily, FontScript } from "rowpress";

/**
 * Where upload-server serves the fonts for each group of scripts: the
 * regular face, and the bold that draws the headers (not for CJK, whose
 * bold is 20 MB: its headers are stroked).
 */
export const FONT_URLS: Record<FontScript, { regular: string; bold?: string }> = {
  arabic: { regular: "/fonts/NotoSansArabic-Regular.ttf", bold: "/fonts/NotoSansArabic-Bold.ttf" },
  hebrew: { regular: "/fonts/NotoSansHebrew-Regular.ttf", bold: "/fonts/NotoSansHebrew-Bold.ttf" },
  devanagari: { regular: "/fonts/NotoSansDevanagari-Regular.ttf", bold: "/fonts/NotoSansDevanagari-Bold.ttf" },
  thai: { regular: "/fonts/NotoSansThai-Regular.ttf", bold: "/fonts/NotoSansThai-Bold.ttf" },
  other: { regular: "/fonts/DejaVuSans.ttf", bold: "/fonts/DejaVuSans-Bold.ttf" },
  cjk: { regular: "/fonts/NotoSansCJK-Regular.ttc" },
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

/** The font at `url`, fetched once per page. */
function font(url: string): Promise<Uint8Array> {
  let p = loaded.get(url);
  if (!p) {
    p = fetchFont(url);
    p.catch(() => loaded.delete(url));
    loaded.set(url, p);
  }
  return p;
}

/** The font families for `scripts`, in their order. */
export async function fontsFor(scripts: readonly FontScript[]): Promise<FontFamily[]> {
  return Promise.all(
    scripts.map(async (script) => {
      const urls = FONT_URLS[script];
      if (!urls) throw new Error(`no font is served for the script group ${JSON.stringify(script)}`);
      const [regular, bold] = await Promise.all([font(urls.regular), urls.bold ? font(urls.bold) : undefined]);
      return bold ? { regular, bold } : { regular };
    }),
  );
}
