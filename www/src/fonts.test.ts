import { afterEach, describe, expect, it, vi } from "vitest";
import { fontNeeds, fontsFor, inWinAnsi } from "./fonts";

afterEach(() => vi.unstubAllGlobals());

describe("fonts for PDF", () => {
  it("needs none for Western European text", async () => {
    const t = { title: "Café €5 — “quoted”", headers: ["Naïve", "Straße"], rows: [["Ærø", 1, true, null]] };
    expect(await fontNeeds(t)).toEqual({ dejavu: false, cjk: false });
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    expect(await fontsFor({ dejavu: false, cjk: false })).toEqual([]);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("needs DejaVu for Cyrillic and Greek, Noto for CJK", async () => {
    expect(await fontNeeds({ headers: ["Город"], rows: [] })).toEqual({ dejavu: true, cjk: false });
    expect(await fontNeeds({ headers: ["a"], rows: [["Αθήνα"]] })).toEqual({ dejavu: true, cjk: false });
    expect(await fontNeeds({ headers: ["a"], rows: [["東京"]] })).toEqual({ dejavu: false, cjk: true });
    expect(await fontNeeds({ headers: ["a"], rows: [["x"], ["서울"], ["Москва"]] }, 1)).toEqual({ dejavu: true, cjk: true });
  });

  it("fetches each font once", async () => {
    const fetch = vi.fn(async () => new Response(new Uint8Array([1, 2, 3])));
    vi.stubGlobal("fetch", fetch);
    const [a] = await fontsFor({ dejavu: true, cjk: false });
    const [b] = await fontsFor({ dejavu: true, cjk: false });
    expect(a).toEqual(new Uint8Array([1, 2, 3]));
    expect(b).toBe(a);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith("/fonts/DejaVuSans.ttf");
  });

  it("knows WinAnsi", () => {
    expect(inWinAnsi("€".codePointAt(0)!)).toBe(true);
    expect(inWinAnsi("Ā".codePointAt(0)!)).toBe(false);
  });
});
