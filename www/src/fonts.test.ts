import { afterEach, describe, expect, it, vi } from "vitest";
import { FONT_URLS, fontsFor } from "./fonts";

afterEach(() => vi.unstubAllGlobals());

describe("fonts for PDF", () => {
  it("fetches nothing when the core needs no font", async () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    expect(await fontsFor([])).toEqual([]);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("fetches each family once, in the order asked", async () => {
    const fetch = vi.fn(async (url: string) => new Response(new TextEncoder().encode(url)));
    vi.stubGlobal("fetch", fetch);
    const [a, b] = await fontsFor(["thai", "cjk"]);
    const [c] = await fontsFor(["thai"]);
    const text = (bytes: Uint8Array | ArrayBuffer | undefined) => new TextDecoder().decode(bytes);
    expect(text(a.regular)).toBe("/fonts/NotoSansThai-Regular.ttf");
    expect(text(a.bold)).toBe("/fonts/NotoSansThai-Bold.ttf");
    expect(text(b.regular)).toBe("/fonts/NotoSansCJK-Regular.ttc");
    expect(b.bold).toBeUndefined();
    expect(c.regular).toBe(a.regular);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("has a font for every group the core names, and says when offline", async () => {
    expect(Object.keys(FONT_URLS).sort()).toEqual(["arabic", "cjk", "devanagari", "hebrew", "other", "thai"]);
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("offline"))));
    await expect(fontsFor(["hebrew"])).rejects.toThrow(/cannot be fetched offline/);
  });
});
