// Browser benchmark: a 100,000-row table exported to XLSX in the app, in
// Debian's Chromium, against the real upload-server. Prints, per run, the
// time from the click to the download and to the upload's confirmation,
// and the longest main-thread task during the export (PerformanceObserver
// `longtask`: every task over 50 ms is reported). Target: none over 100 ms.
//
//   node tests/e2e/bench.mjs [RUNS]      (after scripts/build-www.sh and a
//                                         cargo build of upload-server)

import { launch, signIn, startServer } from "./lib.mjs";

const runs = Number(process.argv[2] ?? 3);
const server = await startServer();
const browser = await launch();
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  });
  const page = await context.newPage();
  await signIn(page, server.base);
  await page.getByRole("button", { name: "New table" }).click();
  await page.getByLabel("Title").fill("Bench 100k");
  await page.getByRole("button", { name: "Sample: 100,000 rows" }).click();
  await page.getByRole("heading", { name: "Bench 100k" }).waitFor();
  // The observer works here: a 150 ms busy loop must be reported.
  // (In a task of the page's own: a script run through DevTools is not one.)
  const seen = await page.evaluate(async () => {
    const t = performance.now();
    setTimeout(() => {
      const s = performance.now();
      while (performance.now() - s < 150);
    }, 0);
    await new Promise((r) => setTimeout(r, 400));
    return window.__longtasks.filter((x) => x.start >= t - 1).map((x) => x.duration);
  });
  if (!seen.some((d) => d >= 150)) throw new Error(`the longtask observer did not see a 150 ms task: ${seen}`);
  console.log(`observer check: a 150 ms busy loop was reported as ${seen.map((d) => d.toFixed(0)).join(", ")} ms`);
  const results = [];
  for (let i = 0; i < runs; i++) {
    await page.waitForTimeout(1500); // let the page settle
    const t0 = await page.evaluate(() => performance.now());
    const done = page.waitForEvent("download", { timeout: 120_000 });
    await page.getByRole("button", { name: "Export XLSX" }).click();
    const download = await done;
    const t1 = await page.evaluate(() => performance.now());
    await page.getByText("XLSX downloaded and uploaded").nth(i).waitFor({ timeout: 120_000 });
    const t2 = await page.evaluate(() => performance.now());
    const tasks = await page.evaluate(([a, b]) => window.__longtasks.filter((t) => t.start >= a && t.start <= b), [t0, t2]);
    const longest = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
    const size = (await import("node:fs")).statSync(await download.path()).size;
    results.push({ exportMs: t1 - t0, uploadedMs: t2 - t0, longest, count: tasks.length, over100: tasks.filter((t) => t.duration > 100).length, size });
    console.log(
      `run ${i + 1}: click -> download ${(t1 - t0).toFixed(0)} ms, -> uploaded ${(t2 - t0).toFixed(0)} ms; ` +
        `${size.toLocaleString("en-US")} bytes; long tasks: ${tasks.length}, longest ${longest.toFixed(0)} ms, over 100 ms: ${tasks.filter((t) => t.duration > 100).length}`,
    );
  }
  const worst = Math.max(...results.map((r) => r.longest));
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `median click -> download ${median(results.map((r) => r.exportMs)).toFixed(0)} ms, -> uploaded ${median(results.map((r) => r.uploadedMs)).toFixed(0)} ms; ` +
      `longest main-thread task over ${runs} runs: ${worst.toFixed(0)} ms (target: none over 100 ms) -> ${worst <= 100 ? "met" : "MISSED"}`,
  );
} finally {
  await browser.close();
  await server.stop();
}
