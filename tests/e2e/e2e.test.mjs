// The web app end to end: Debian's Chromium drives the built app served by
// the real upload-server (SQLite, local storage). Each export is caught as
// a download, its bytes checked by independent readers (qpdf, pdftotext,
// unzip), and the server's record of it checked over the API.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ROOT, launch, signIn, startServer } from "./lib.mjs";

const OUT = join(ROOT, "target/e2e");
mkdirSync(OUT, { recursive: true });

let server, browser, context, page;
const fontRequests = [];

before(async () => {
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  context.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/fonts/")) fontRequests.push(new URL(r.url()).pathname);
  });
  page = await context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e));
  await signIn(page, server.base);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Clicks an export button; returns the downloaded file's name and bytes. */
async function exportVia(format) {
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 60_000 }),
    page.getByRole("button", { name: `Export ${format.toUpperCase()}` }).click(),
  ]);
  const path = join(OUT, `${Date.now()}-${download.suggestedFilename()}`);
  await download.saveAs(path);
  return { name: download.suggestedFilename(), path, bytes: readFileSync(path) };
}

async function exportsOf(artifactId) {
  const { status, body } = await server.api(`/api/exports?artifactId=${artifactId}&limit=100`);
  assert.equal(status, 200);
  return body.items;
}

async function createSample(buttonName, title) {
  await page.getByRole("button", { name: "New table" }).click();
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: buttonName }).click();
  await page.getByRole("heading", { name: title }).waitFor();
  const { body } = await server.api("/api/artifacts");
  const artifact = body.items.find((a) => a.title === title);
  assert.ok(artifact, `artifact ${title} was created`);
  return artifact.id;
}

function pdfText(path) {
  execFileSync("qpdf", ["--check", path], { stdio: "pipe" }); // throws on a damaged file
  return execFileSync("pdftotext", ["-layout", path, "-"]).toString();
}

function zipEntries(path) {
  return execFileSync("unzip", ["-Z1", path]).toString().split("\n");
}

let salesId;

test("each format: click, download, the bytes are that format, the server lists it", async () => {
  salesId = await createSample("Sample: 1,000 rows", "Sales e2e");
  const seen = [];
  for (const format of ["pdf", "docx", "xlsx", "csv"]) {
    const file = await exportVia(format);
    assert.equal(file.name, `Sales e2e.${format}`);
    if (format === "pdf") {
      assert.equal(file.bytes.subarray(0, 5).toString(), "%PDF-");
      const text = pdfText(file.path);
      assert.match(text, /SO-000001/);
      assert.match(text, /SO-001000/);
    } else if (format === "csv") {
      const text = file.bytes.toString("utf8");
      assert.match(text, /\r\nSO-000001,/);
      assert.match(text, /\r\nSO-001000,/);
    } else {
      assert.equal(file.bytes.subarray(0, 2).toString(), "PK");
      const entries = zipEntries(file.path);
      assert.ok(entries.includes("[Content_Types].xml"));
      assert.ok(entries.includes(format === "docx" ? "word/document.xml" : "xl/workbook.xml"), entries.join(","));
    }
    await page.getByText(`${format.toUpperCase()} downloaded and uploaded`).first().waitFor();
    seen.push({ format, size: file.bytes.length });
  }
  const items = await exportsOf(salesId);
  assert.equal(items.length, 4);
  for (const { format, size } of seen) {
    const row = items.find((x) => x.format === format);
    assert.ok(row, `${format} listed`);
    assert.equal(row.status, "completed");
    assert.equal(row.sizeBytes, size, `${format}: the server holds the bytes downloaded`);
  }
  // The history shows them, and its download fetches a fresh URL.
  await page.locator(".history li[data-status=completed]").nth(2).waitFor();
  const [again] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /^Download PDF export of/ }).click(),
  ]);
  const againPath = join(OUT, "history-download.pdf");
  await again.saveAs(againPath);
  assert.equal(readFileSync(againPath).length, seen[0].size);
  assert.deepEqual(fontRequests, [], "no font is fetched for a plain Latin table");
  // Delete from the history: gone from the list and from the server.
  await page.getByRole("button", { name: /^Delete DOCX export of/ }).click();
  await page.locator(".history li[data-status=completed]").nth(1).waitFor();
  for (let i = 0; i < 50 && (await page.locator(".history li[data-status=completed]").count()) !== 3; i++) await page.waitForTimeout(100);
  assert.equal(await page.locator(".history li[data-status=completed]").count(), 3);
  const left = await exportsOf(salesId);
  assert.deepEqual(left.map((x) => x.format).sort(), ["csv", "pdf", "xlsx"]);
  const gone = items.find((x) => x.format === "docx");
  assert.equal((await server.api(`/api/exports/${gone.id}`)).status, 404);
});

test("100,000 rows: progress shows rows done, and a running export cannot be started twice", async () => {
  const id = await createSample("Sample: 100,000 rows", "Big e2e");
  const button = page.getByRole("button", { name: "Export XLSX" });
  const download = page.waitForEvent("download", { timeout: 120_000 });
  await button.click();
  assert.equal(await button.getAttribute("aria-busy"), "true");
  assert.equal(await button.isDisabled(), true);
  await page.getByText(/XLSX: [\d,]+ of 100,000 rows/).waitFor();
  // Clicks that reach the button anyway (a script, a fast double click).
  await button.dispatchEvent("click");
  await button.click({ force: true, timeout: 1000 }).catch(() => {});
  const file = await download;
  assert.equal(file.suggestedFilename(), "Big e2e.xlsx");
  await page.getByText("XLSX downloaded and uploaded").first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  const items = await exportsOf(id);
  assert.equal(items.length, 1, "one export for one run");
  assert.equal(await button.isDisabled(), false);
});

test("every script in a PDF: the app fetches the fonts the core names and the text survives", async () => {
  const id = await createSample("Sample: Cyrillic, Greek, CJK", "Unicode e2e");
  const file = await exportVia("pdf");
  const text = pdfText(file.path);
  for (const word of ["Москва", "Санкт-Петербург", "東京", "大阪", "서울", "Αθήνα", "Население", "القاهرة", "ירושלים", "मुंबई", "กรุงเทพมหานคร"]) {
    assert.ok(text.includes(word), `${word} in the PDF text:\n${text}`);
  }
  // The fonts of each script group rowpress's scriptsNeeded names, with
  // their bold but CJK's (each request is seen twice: the page's and its
  // service worker's).
  const served = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "NotoSansCJK-Regular.ttc"];
  for (const script of ["Arabic", "Hebrew", "Devanagari", "Thai"]) served.push(`NotoSans${script}-Regular.ttf`, `NotoSans${script}-Bold.ttf`);
  assert.deepEqual([...new Set(fontRequests)].sort(), served.map((f) => `/fonts/${f}`).sort());
  const fonts = execFileSync("pdffonts", [file.path]).toString();
  for (const name of ["DejaVuSans", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "NotoSansThai", "NotoSansCJK"]) {
    assert.match(fonts, new RegExp(name));
  }
  // The Cyrillic and Greek headers in DejaVu's real bold.
  assert.match(fonts, /DejaVuSans-Bold/);
  await page.getByText("PDF downloaded and uploaded").first().waitFor();
  assert.equal(await page.getByText(/no font has/).count(), 0, "every character had a font");
  assert.equal((await exportsOf(id)).length, 1);
});

test("pasted CSV: each column's type is read and can be changed; the view shows what the files show", async () => {
  await page.getByRole("button", { name: "New table" }).click();
  await page.getByLabel("Title").fill("Pasted e2e");
  await page
    .getByLabel("CSV or JSON")
    .fill('Invoice,Issued,Amount,Tax,Code\nINV-1,2024-10-18,"1,132.80",20%,0042\nINV-2,2024-11-02,"2,000.00",7.5%,0043\n');
  // rowpress's inferTypes, in its worker, read each column.
  const type = (header) => page.getByLabel(`Type of ${header}`);
  await type("Amount").waitFor();
  const read = {};
  for (const h of ["Invoice", "Issued", "Amount", "Tax", "Code"]) read[h] = await type(h).inputValue();
  assert.deepEqual(read, { Invoice: "text", Issued: "date", Amount: "number", Tax: "number", Code: "text" });
  // Leading zeros made Code text; the user says it is a number after all.
  await type("Code").selectOption("number");
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("heading", { name: "Pasted e2e" }).waitFor();

  const { body } = await server.api("/api/artifacts");
  const id = body.items.find((a) => a.title === "Pasted e2e").id;
  const stored = (await server.api(`/api/artifacts/${id}`)).body.data;
  assert.deepEqual(
    stored.columns.map((c) => [c.header, c.type ?? null, c.format ?? null]),
    [
      ["Invoice", null, null],
      ["Issued", "date", "yyyy-mm-dd"],
      ["Amount", "number", "#,##0.00"],
      ["Tax", "number", "0.0%"],
      ["Code", "number", null],
    ],
  );
  assert.deepEqual(stored.rows[0], ["INV-1", "2024-10-18", 1132.8, 0.2, "0042"]);

  // The table view shows the typed cells as the files do, right-aligned.
  for (const text of ["1,132.80", "2,000.00", "20.0%", "7.5%", "42"]) {
    const cell = page.getByRole("cell", { name: text, exact: true });
    await cell.waitFor();
    assert.match(await cell.getAttribute("class"), /\bright\b/, text);
  }
  const pdf = pdfText((await exportVia("pdf")).path);
  for (const text of ["2024-10-18", "1,132.80", "2,000.00", "20.0%", "7.5%", "42", "43"]) {
    assert.ok(pdf.includes(text), `${text} in the PDF text:\n${pdf}`);
  }
  assert.ok(!pdf.includes("0042"), "Code was read as a number");
});

test("a screenshot of the ArtifactPane", async () => {
  await page.getByRole("button", { name: "Sales e2e" }).click();
  await page.getByRole("heading", { name: "Sales e2e" }).waitFor();
  const path = join(OUT, "artifact-pane.png");
  await page.locator("section.pane").screenshot({ path });
  assert.ok(readFileSync(path).length > 10_000);
});

test("offline: the app reloads, exports, downloads at once, and uploads exactly once later", async () => {
  // The service worker must control the page before the network goes.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true);
  await page.getByRole("button", { name: "Sales e2e" }).click();
  await page.getByRole("heading", { name: "Sales e2e" }).waitFor();
  const before = (await exportsOf(salesId)).length;

  await context.setOffline(true);
  await page.reload();
  await page.getByText("Offline", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Sales e2e" }).click();
  await page.getByRole("heading", { name: "Sales e2e" }).waitFor();
  const file = await exportVia("xlsx");
  assert.equal(file.bytes.subarray(0, 2).toString(), "PK");
  await page.getByText("its upload waits for the network").waitFor();
  await page.locator(".history li[data-status=waiting]").waitFor();
  await page.waitForTimeout(500);
  assert.equal((await exportsOf(salesId)).length, before, "nothing reached the server while offline");

  await context.setOffline(false);
  for (let i = 0; i < 100 && (await exportsOf(salesId)).length === before; i++) await page.waitForTimeout(100);
  // Reloading sends the queue again if anything were left: still one row.
  await page.reload();
  await page.getByText("Online", { exact: true }).waitFor();
  await page.waitForTimeout(1000);
  const items = await exportsOf(salesId);
  assert.equal(items.length, before + 1, "exactly one row for the offline export");
  const newest = items[0];
  assert.equal(newest.format, "xlsx");
  assert.equal(newest.sizeBytes, file.bytes.length);
  assert.equal(await page.locator(".history li[data-status=waiting]").count(), 0);
});

test("telemetry: every export was logged as artifact_exported by the client", async () => {
  const lines = server.log
    .join("")
    .split("\n")
    .filter((l) => l.includes('"artifact_exported"') && l.includes('"client"'))
    .map((l) => JSON.parse(l).fields);
  const formats = lines.map((f) => f.format);
  assert.ok(lines.length >= 6, `client events: ${formats}`);
  for (const f of lines) {
    assert.equal(f.artifact_type, "table");
    assert.ok(Number(f.duration_ms) >= 0);
  }
  assert.ok(lines.some((f) => f.offline === true), "the offline export was reported once back online");
});
