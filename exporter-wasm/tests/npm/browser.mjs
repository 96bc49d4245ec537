// Serves the Vite build and opens it in Debian's headless Chromium through
// playwright-core; fails unless every export worked on both threads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";
import { DATES_CSV, TIME_ZONES } from "./dates.mjs";

const dist = new URL("./vite-app/dist/", import.meta.url).pathname;
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

test("the tarball works in a Vite build, on the main thread and in a worker", async () => {
  const server = createServer(async (req, res) => {
    const path = normalize(join(dist, decodeURIComponent(new URL(req.url, "http://x").pathname)));
    try {
      const file = path.endsWith("/") ? join(path, "index.html") : path;
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: execFileSync("sh", ["-c", "command -v chromium"]).toString().trim(),
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    const logs = [];
    page.on("console", (m) => logs.push(m.text()));
    page.on("pageerror", (e) => logs.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => window.results, null, { timeout: 60_000 });
    const results = await page.evaluate(() => window.results);
    assert.equal(results.failed, undefined, `${results.failed}\n${logs.join("\n")}`);
    assert.deepEqual(results.main, { pdf: true, docx: true, xlsx: true });
    assert.deepEqual(results.worker, { pdf: true, docx: true, xlsx: true });
    assert.ok(results.progress >= 3 * 100, `progress events: ${results.progress}`);
    assert.equal(results.errors.beforeReady, "NOT_READY");
    assert.equal(results.errors.worker, "ROW_TOO_LONG: row 1 has 2 cells but there are only 1 headers");
    assert.equal(results.book, true);
    assert.equal(results.errors.book, "ROW_TOO_LONG: sheet 2: row 1 has 2 cells but there are only 1 headers");
    assert.deepEqual(results.inferred, ["number:#,##0.00", "date:yyyy-mm-dd"]);
    assert.deepEqual(results.formatted, [{ align: ["right", "right"], columns: [["1,132.80"], ["2024-10-18"]] }]);
    assert.equal(results.errors.infer, "INVALID_JSON");

    // A Date is the date and time the page shows, under every time zone,
    // on the main thread and through the worker.
    for (const timezoneId of TIME_ZONES) {
      const context = await browser.newContext({ timezoneId });
      const zoned = await context.newPage();
      await zoned.goto(`${url}?dates`);
      await zoned.waitForFunction(() => window.results, null, { timeout: 60_000 });
      const { dates, failed } = await zoned.evaluate(() => window.results);
      assert.equal(failed, undefined, failed);
      // The zone took (Chromium names Kolkata by its older alias).
      assert.ok([timezoneId, { "Asia/Kolkata": "Asia/Calcutta" }[timezoneId]].includes(dates.zone), dates.zone);
      assert.equal(dates.main, DATES_CSV, `${timezoneId}, main thread`);
      assert.equal(dates.worker, DATES_CSV, `${timezoneId}, worker`);
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
});
