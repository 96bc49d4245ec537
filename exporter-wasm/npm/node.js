// Node.js entry: the wasm module is compiled synchronously at import, so
// exportTable works at once; ready() resolves immediately.
import { readFileSync } from "node:fs";
import * as wasm from "./web/rowpress.js";
import { SIMD, makeExportTable, makeFormatCells, makeInferTypes, makeScriptsNeeded } from "./common.js";

export { fileExtension, fileName, isRowpressError, mimeType, toBlob } from "./common.js";

// ROWPRESS_WASM=baseline loads the module without SIMD (its tests do).
const simd = SIMD && process.env.ROWPRESS_WASM !== "baseline";
wasm.initSync({ module: readFileSync(new URL(simd ? "./web/rowpress_simd_bg.wasm" : "./web/rowpress_bg.wasm", import.meta.url)) });

export function ready() {
  return Promise.resolve();
}

export const exportTable = makeExportTable(wasm, () => true);
export const inferTypes = makeInferTypes(wasm, () => true);
export const formatCells = makeFormatCells(wasm, () => true);
export const scriptsNeeded = makeScriptsNeeded(wasm, () => true);
