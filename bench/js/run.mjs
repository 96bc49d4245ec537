// Runs every case in its own Node process (so each peak RSS is its own),
// prints a table of time, peak memory and size with ratios against rowpress.
// Usage: node run.mjs [rows] [timeoutSeconds] [format,...]
import { execFileSync } from "node:child_process";
import { statSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const rows = Number(process.argv[2] ?? 100_000);
const timeout = Number(process.argv[3] ?? 300) * 1000;
const plan = {
  xlsx: ["rowpress", "rowpress-json", "sheetjs", "exceljs"],
  docx: ["rowpress", "rowpress-json", "docx"],
  pdf: ["rowpress", "rowpress-json", "jspdf-autotable", "pdfkit", "pdfmake"],
  csv: ["rowpress", "rowpress-json", "sheetjs-csv", "papaparse"],
  // Typed columns (issue #12): today's untyped table first, for the ratio
  // the issue sets (typed at most 1.3x untyped for XLSX, 1.2x for PDF and
  // DOCX); the "faster by" column is against the first row.
  "xlsx-typed": ["rowpress-typed", "rowpress", "sheetjs-typed", "exceljs-stream-typed", "exceljs-stream"],
  "docx-typed": ["rowpress-typed", "rowpress"],
  "pdf-typed": ["rowpress-typed", "rowpress"],
};
// Without a list, the plain formats; typed plans are asked for by name.
const only = process.argv[4]?.split(",") ?? ["xlsx", "docx", "pdf", "csv"];

for (const [module, note] of [["rowpress_simd_bg", "with SIMD, what Node and current browsers load"], ["rowpress_bg", "without SIMD"]]) {
  const wasm = new URL(`./node_modules/rowpress/web/${module}.wasm`, import.meta.url);
  const wasmBytes = readFileSync(wasm);
  console.log(`rowpress ${module}.wasm (${note}): ${statSync(wasm).size} bytes, ${gzipSync(wasmBytes, { level: 9 }).length} bytes gzipped (all four formats)`);
}
console.log(`node ${process.version}, ${rows} rows x 10 columns\n`);
console.log("| format | library | time (s) | peak RSS (MiB) | export adds (MiB) | output (MB) | rowpress faster by | rowpress memory share |");
console.log("|---|---|---|---|---|---|---|---|");
for (const [format, libraries] of Object.entries(plan)) {
  if (only && !only.includes(format)) continue;
  const results = [];
  for (const library of libraries) {
    try {
      const line = execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=16384", "case.mjs", library, format, String(rows)], {
        cwd: new URL(".", import.meta.url).pathname,
        timeout,
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 1 << 20,
      });
      results.push(JSON.parse(line.toString().trim().split("\n").at(-1)));
    } catch (e) {
      results.push({ library, format, failed: e.killed || e.signal ? `did not finish in ${timeout / 1000} s` : String(e.stderr || e).split("\n")[0] });
    }
  }
  const ours = results[0];
  for (const r of results) {
    if (r.failed) {
      console.log(`| ${format} | ${r.library} | ${r.failed} | | | | | |`);
      continue;
    }
    const adds = r.peakMiB - r.beforeMiB;
    const faster = r === ours || ours.failed ? "" : `${(r.seconds / ours.seconds).toFixed(1)}x`;
    const share = r === ours || ours.failed ? "" : `${((ours.peakMiB / r.peakMiB) * 100).toFixed(0)}% (adds ${(((ours.peakMiB - ours.beforeMiB) / adds) * 100).toFixed(0)}%)`;
    console.log(`| ${format} | ${r.library} | ${r.seconds.toFixed(2)} | ${r.peakMiB.toFixed(0)} | ${adds.toFixed(0)} | ${(r.bytes / 1e6).toFixed(2)} | ${faster} | ${share} |`);
  }
}
