// Shared by the browser entry (index.js), the Node entry (node.js) and the
// worker: argument checks, error objects and the file helpers.

const MIME = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv",
};

/**
 * Whether this engine runs WebAssembly SIMD (every current browser and
 * Node.js; not Safari before 16.4): the smallest module using an
 * i8x16 instruction, validated. The package ships the module built with
 * and without SIMD (docs/decisions.md); both write the same bytes.
 */
export const SIMD = (() => {
  try {
    return WebAssembly.validate(
      new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]),
    );
  } catch {
    return false;
  }
})();

/** An Error with a stable `code`, like the ones the core throws. */
export function rowpressError(code, message) {
  const error = new Error(message);
  error.name = "RowpressError";
  error.code = code;
  return error;
}

export function isRowpressError(value) {
  return value instanceof Error && value.name === "RowpressError" && typeof value.code === "string";
}

function checkFormat(format) {
  if (!Object.prototype.hasOwnProperty.call(MIME, format)) {
    throw rowpressError("INVALID_OPTION", `option format: ${JSON.stringify(format)} is not one of pdf, docx, xlsx, csv`);
  }
}

export function mimeType(format) {
  checkFormat(format);
  return MIME[format];
}

export function fileExtension(format) {
  checkFormat(format);
  return format;
}

// What a file name may not hold: the core's rule (exporter-core's
// names.rs), copied so fileName works before the module loads (the web app
// exports in a worker); a test holds the two to the same result. Controls,
// characters file systems refuse, and invisible format characters (bidi
// overrides and isolates, which can make `exe.pdf` show as `fdp.exe`).
const REFUSED =
  /[\u0000-\u001f\u007f-\u009f<>:"/\\|?*\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\u{E0000}-\u{E007F}]/gu;

/** A safe file name: the title without characters file systems refuse, plus the extension. */
export function fileName(title, format) {
  checkFormat(format);
  const words = String(title ?? "")
    .replace(REFUSED, " ")
    .split(/\s+/u)
    .filter((w) => w !== "" && !/^\.+$/.test(w));
  const base = Array.from(words.join(" ").replace(/^\.+/, "")).slice(0, 120).join("").trimEnd();
  return `${base || "export"}.${format}`;
}

export function toBlob(bytes, format) {
  return new Blob([bytes], { type: mimeType(format) });
}

/**
 * Binds exportTable to an initialised wasm module. The table crosses into
 * wasm as JS values through serde-wasm-bindgen: as fast as JSON text within
 * the noise of our runs, 25 MB lighter at 100,000 x 10, and it sees NaN or a
 * Date (which JSON.stringify would silently turn into null or a string), so
 * the core can refuse them (docs/benchmarks.md).
 */
/**
 * `wasm[name]` over the loaded module as a function of a table (its Dates
 * read and its texts checked by withDates first): inferTypes, formatCells.
 */
function tableFunction(wasm, isReady, name) {
  return function (table) {
    if (!isReady()) {
      throw rowpressError("NOT_READY", `the WebAssembly module is still loading; await ready() before calling ${name}`);
    }
    if (table === null || typeof table !== "object") {
      throw rowpressError("INVALID_JSON", "invalid table: expected an object with `headers` and `rows`");
    }
    return wasm[name](withDates(table));
  };
}

/** `inferTypes` over the loaded module. */
export function makeInferTypes(wasm, isReady) {
  return tableFunction(wasm, isReady, "inferTypes");
}

/** `scriptsNeeded` over the loaded module. */
export function makeScriptsNeeded(wasm, isReady) {
  return tableFunction(wasm, isReady, "scriptsNeeded");
}

/** `formatCells` over the loaded module. */
export function makeFormatCells(wasm, isReady) {
  return tableFunction(wasm, isReady, "formatCells");
}

const pad = (n, width = 2) => String(n).padStart(width, "0");

/**
 * A Date as the cell the core reads: the date and wall-clock time the
 * runtime shows (getFullYear() ... getMilliseconds()), in no time zone, so
 * `new Date(2024, 0, 15)` is 15 January 2024 00:00 under every TZ.
 */
function dateCell(date, row, column) {
  if (Number.isNaN(date.getTime())) {
    throw rowpressError("INVALID_CELL", `row ${row}, column ${column}: an invalid Date`);
  }
  const year = date.getFullYear();
  if (year < 0 || year > 9999) {
    throw rowpressError("INVALID_CELL", `row ${row}, column ${column}: a Date in year ${year}, outside 0 to 9999`);
  }
  return {
    datetime:
      `${pad(year, 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`,
  };
}

/**
 * The first lone UTF-16 surrogate of `text` (JavaScript strings can hold
 * one, no file can: converted to UTF-8 it would silently become U+FFFD),
 * or -1.
 */
function loneSurrogate(text) {
  if (typeof text !== "string" || (text.isWellFormed && text.isWellFormed())) return -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return c;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return c;
  }
  return -1;
}

/**
 * Refuses `text` when it holds a lone surrogate, as the core words it;
 * `where()` names the place (worked out only then).
 */
function checkText(text, where) {
  const code = loneSurrogate(text);
  if (code >= 0) {
    const hex = code.toString(16).toUpperCase().padStart(4, "0");
    throw rowpressError("INVALID_CHARACTER", `${where()}: UTF-8 cannot hold the character U+${hex}; remove it`);
  }
}

/** Checks a cell's text (a link's too); `where()` names the cell. */
function checkCell(value, where) {
  if (typeof value === "string") checkText(value, where);
  else if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    checkText(value.text, where);
    checkText(value.url, where);
  }
}

/** Checks the title, name and headers of a table. */
function checkHead(table) {
  checkText(table.title, () => "title");
  checkText(table.name, () => "name");
  const headers = Array.isArray(table.headers) ? table.headers : Array.isArray(table.columns) ? table.columns.map((c) => c?.header) : [];
  headers.forEach((h, c) => checkText(h, () => `header of column ${c + 1}`));
}

/**
 * `table` with its Date cells as date-time cells; itself when it has none.
 * A workbook's sheets each the same way. Text holding a lone surrogate is
 * refused here, naming where (INVALID_CHARACTER), rather than changed.
 */
export function withDates(table) {
  if (Array.isArray(table.sheets)) {
    checkText(table.title, () => "title");
    const sheets = table.sheets.map((sheet, i) => {
      if (sheet === null || typeof sheet !== "object") return sheet;
      try {
        return withDates(sheet);
      } catch (error) {
        if (isRowpressError(error)) error.message = `sheet ${i + 1}: ${error.message}`;
        throw error;
      }
    });
    return sheets.every((sheet, i) => sheet === table.sheets[i]) ? table : { ...table, sheets };
  }
  checkHead(table);
  const rows = table.rows;
  if (!Array.isArray(rows)) return table;
  const columnOf = (key) => (Array.isArray(table.columns) ? table.columns.findIndex((c) => c?.key === key) + 1 : 0);
  let out = null;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    let copy = null;
    if (Array.isArray(row)) {
      for (let c = 0; c < row.length; c++) {
        const v = row[c];
        if (v instanceof Date) {
          copy ??= row.slice();
          copy[c] = dateCell(v, r + 1, c + 1);
        } else if (typeof v === "string" || (v !== null && typeof v === "object")) {
          checkCell(v, () => `row ${r + 1}, column ${c + 1}`);
        }
      }
    } else if (row !== null && typeof row === "object") {
      for (const key of Object.keys(row)) {
        const v = row[key];
        if (v instanceof Date) {
          copy ??= { ...row };
          copy[key] = dateCell(v, r + 1, columnOf(key) || JSON.stringify(key));
        } else if (typeof v === "string" || (v !== null && typeof v === "object")) {
          checkCell(v, () => `row ${r + 1}, column ${columnOf(key) || JSON.stringify(key)}`);
        }
      }
    }
    if (copy) {
      out ??= rows.slice();
      out[r] = copy;
    }
  }
  return out ? { ...table, rows: out } : table;
}

export function makeExportTable(wasm, isReady) {
  return function exportTable(table, options) {
    if (!isReady()) {
      throw rowpressError(
        "NOT_READY",
        "the WebAssembly module is still loading; await ready() before calling exportTable",
      );
    }
    if (table === null || typeof table !== "object") {
      throw rowpressError("INVALID_JSON", "invalid table: expected an object with `headers` and `rows`");
    }
    return wasm.exportTable(withDates(table), options);
  };
}
