// Browser entry (bundlers and <script type="module">): the wasm module loads
// asynchronously, so await ready() once before calling exportTable.
import init, * as wasm from "./web/rowpress.js";
import { SIMD, makeExportTable, makeFormatCells, makeInferTypes, makeScriptsNeeded } from "./common.js";

export { fileExtension, fileName, isRowpressError, mimeType, toBlob } from "./common.js";

let loading = null;
let loaded = false;

export function ready(source) {
  if (!loading) {
    // Two literal URLs, so that bundlers see and emit both modules.
    const module_or_path =
      source ?? (SIMD ? new URL("./web/rowpress_simd_bg.wasm", import.meta.url) : new URL("./web/rowpress_bg.wasm", import.meta.url));
    loading = init({ module_or_path }).then(() => {
      loaded = true;
    });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

export const exportTable = makeExportTable(wasm, () => loaded);
export const inferTypes = makeInferTypes(wasm, () => loaded);
export const formatCells = makeFormatCells(wasm, () => loaded);
export const scriptsNeeded = makeScriptsNeeded(wasm, () => loaded);
