//! The wasm-bindgen layer of Rowpress: JavaScript values in, a call of
//! [`exporter_core::export_with_warnings`], bytes (and warnings, to
//! `onWarning`) or a JS `Error` out. No export logic lives here.
//!
//! Errors thrown to JavaScript are `Error`s named `RowpressError` with the
//! core's one-line message and its stable `code` (`ROW_TOO_LONG`,
//! `MISSING_GLYPH`, ...); options this layer reads itself fail with
//! `INVALID_OPTION`.

use exporter_core::{
    Align, Cell, ExportError, ExportOptions, Exported, Format, Location, Margins, Orientation,
    PageSize, RowSource, StreamedTable, Table, Workbook, export_streamed_with_warnings,
};
use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "export function rowpressError(code, message) {
  const error = new Error(message);
  error.name = 'RowpressError';
  error.code = code;
  return error;
}

// Thrown from the allocator when memory cannot grow (memory.rs): unwinds
// the call out of wasm as an error the caller can catch.
export function throwTooLarge(requested, inUse) {
  const mib = (bytes) => `${Math.ceil(bytes / 1048576)} MiB`;
  throw rowpressError('TOO_LARGE', `out of memory: the export asked for ${mib(requested)} more with ${mib(inUse)} in use, beyond what WebAssembly may have here (4 GiB at most, often less in a browser tab); export fewer rows at once, or as XLSX or CSV, which read rows one at a time`);
}

// A block of rows, encoded on the JS side so the block crosses into wasm
// at once: a tag per cell (0 empty, 1 false, 2 true, 3 number, 4 text,
// 5 text holding a lone surrogate, which no file can hold), the numbers
// (and each lone surrogate's code), the texts joined with their UTF-16
// lengths, and each row's cell count. A row holding anything else (a
// Date read as an object, a link, a record with a key no column has, a
// non-finite number, a hole) is marked to be read apart, with the core's
// rules and messages. The typed arrays are kept from block to block (the
// caller copies them at once): less garbage for the JS heap to collect.
let tagBuf = new Uint8Array(1 << 14);
let numBuf = new Float64Array(1 << 12);
let lenBuf = new Uint32Array(1 << 12);
const room = (buf, n) => {
  if (n < buf.length) return buf;
  const bigger = new buf.constructor(Math.max(n + 1, buf.length * 2));
  bigger.set(buf);
  return bigger;
};
export function encodeRows(rows, start, end, keys) {
  let nt = 0;
  let nn = 0;
  let nl = 0;
  let joined = 0;
  const texts = [];
  const widths = new Uint32Array(end - start);
  // The first lone surrogate of a text, or -1 (isWellFormed, where there).
  const lone = (t) => {
    if (t.isWellFormed && t.isWellFormed()) return -1;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = t.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
        return c;
      }
      if (c >= 0xdc00 && c <= 0xdfff) return c;
    }
    return -1;
  };
  const plain = (v) =>
    v === null ||
    typeof v === 'boolean' ||
    typeof v === 'string' ||
    (typeof v === 'number' && Number.isFinite(v));
  for (let r = start; r < end; r++) {
    const row = rows[r];
    let cells = null;
    if (Array.isArray(row)) {
      cells = row;
      for (let c = 0; c < row.length; c++) {
        if (!(c in row) || !plain(row[c])) { cells = null; break; }
      }
    } else if (keys !== null && row !== null && typeof row === 'object') {
      cells = new Array(keys.length);
      let given = 0;
      for (let c = 0; c < keys.length; c++) {
        const k = keys[c];
        if (k !== null && Object.prototype.hasOwnProperty.call(row, k)) {
          const v = row[k] === undefined ? null : row[k];
          if (!plain(v)) { cells = null; break; }
          cells[c] = v;
          given++;
        } else {
          cells[c] = null;
        }
      }
      if (cells !== null && given !== Object.keys(row).length) cells = null;
    }
    if (cells !== null) {
      // The block's texts are joined into one string, and V8's strings
      // stop short of 2^29 code units: a row that would take the join
      // past 2^28 is read apart instead.
      let size = 0;
      for (const v of cells) if (typeof v === 'string') size += v.length;
      if (joined + size > 268435456) cells = null;
      else joined += size;
    }
    if (cells === null) {
      widths[r - start] = 0xffffffff;
      continue;
    }
    widths[r - start] = cells.length;
    tagBuf = room(tagBuf, nt + cells.length);
    numBuf = room(numBuf, nn + cells.length);
    lenBuf = room(lenBuf, nl + cells.length);
    for (const v of cells) {
      if (v === null) tagBuf[nt++] = 0;
      else if (v === false) tagBuf[nt++] = 1;
      else if (v === true) tagBuf[nt++] = 2;
      else if (typeof v === 'number') { tagBuf[nt++] = 3; numBuf[nn++] = v; }
      else {
        const bad = lone(v);
        if (bad < 0) { tagBuf[nt++] = 4; lenBuf[nl++] = v.length; texts.push(v); }
        else { tagBuf[nt++] = 5; numBuf[nn++] = bad; }
      }
    }
  }
  return [tagBuf.subarray(0, nt), numBuf.subarray(0, nn), lenBuf.subarray(0, nl), texts.join(''), widths];
}")]
extern "C" {
    #[wasm_bindgen(js_name = rowpressError)]
    fn rowpress_error(code: &str, message: &str) -> JsValue;

    #[wasm_bindgen(js_name = encodeRows)]
    fn encode_rows(rows: &Array, start: u32, end: u32, keys: &JsValue) -> Array;

    /// Throws the `TOO_LARGE` `RowpressError` (never returns).
    #[wasm_bindgen(js_name = throwTooLarge)]
    fn throw_too_large(requested: f64, in_use: f64);
}

mod memory;

/// Installs a panic hook, so that a bug shows a readable message in the
/// console rather than `unreachable`; errors never travel as panics.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The table given with types inferred (`infer_types`): a table of text,
/// such as pasted CSV, comes back with `columns` giving each column whose
/// every cell reads as one type that type and a format, percents and
/// amounts as numbers.
///
/// # Errors
///
/// A `RowpressError` when the table is not one.
#[wasm_bindgen(js_name = inferTypes, skip_typescript)]
pub fn infer_types(table: JsValue) -> Result<JsValue, JsValue> {
    let table = Table::from_deserializer(serde_wasm_bindgen::Deserializer::from(table))
        .map_err(core_error)?;
    let json = exporter_core::table_json(&exporter_core::infer_types(table));
    js_sys::JSON::parse(&json)
}

/// The fonts a PDF of a table or workbook needs beyond the built-in
/// Helvetica (`scripts_needed`), as names in chain order: `arabic`,
/// `hebrew`, `devanagari`, `thai`, `other` (Latin beyond Western Europe,
/// Greek, Cyrillic, ...), `cjk`; empty when it needs none.
///
/// # Errors
///
/// A `RowpressError` when the value is neither a table nor a workbook.
#[wasm_bindgen(js_name = scriptsNeeded, skip_typescript)]
pub fn scripts_needed(table: JsValue) -> Result<Array, JsValue> {
    let book = Workbook::from_deserializer(serde_wasm_bindgen::Deserializer::from(table))
        .map_err(core_error)?;
    Ok(exporter_core::scripts_needed(book.sheets(), book.title())
        .into_iter()
        .map(|s| JsValue::from_str(s.name()))
        .collect())
}

/// What the cells of each sheet of a table or workbook show in its files
/// (`shown_columns`): `[{align, columns}]`, one per sheet, `align` each
/// column's alignment (`left`, `center`, `right`, or null: numbers right,
/// text left), `columns` each typed column's cells as text, null for an
/// untyped column (its cells show as given). For a view of the table that
/// agrees with its exports.
///
/// # Errors
///
/// A `RowpressError` when the value is neither a table nor a workbook.
#[wasm_bindgen(js_name = formatCells, skip_typescript)]
pub fn format_cells(table: JsValue) -> Result<JsValue, JsValue> {
    let book = Workbook::from_deserializer(serde_wasm_bindgen::Deserializer::from(table))
        .map_err(core_error)?;
    let sheets: Vec<serde_json::Value> = book
        .sheets()
        .iter()
        .map(|sheet| {
            let align: Vec<Option<&str>> = (0..sheet.column_count())
                .map(|c| sheet.column_style(c).column_align().map(Align::name))
                .collect();
            serde_json::json!({
                "align": align,
                "columns": exporter_core::shown_columns(sheet),
            })
        })
        .collect();
    // One string across, parsed by the engine: much faster than a value
    // per cell for a table of 100,000 rows.
    js_sys::JSON::parse(&serde_json::Value::from(sheets).to_string())
}

/// The core's file name for `title` (the npm package's `fileName` is a
/// JavaScript copy, usable before the module loads; a test holds the two
/// to the same result).
#[wasm_bindgen(js_name = coreFileName, skip_typescript)]
pub fn core_file_name(title: Option<String>, extension: &str) -> String {
    exporter_core::file_name(title.as_deref(), extension)
}

/// The core's MIME type for `format` (the npm package's `mimeType` is a
/// JavaScript copy; a test holds the two to the same result).
///
/// # Errors
///
/// `INVALID_OPTION` for a format that is not one.
#[wasm_bindgen(js_name = coreMimeType, skip_typescript)]
pub fn core_mime_type(format: &str) -> Result<String, JsValue> {
    Ok(format
        .parse::<Format>()
        .map_err(core_error)?
        .mime_type()
        .to_owned())
}

/// Exports a table given as a JS object (`{title?, headers, rows}`), or a
/// workbook (`{title?, sheets: [table, ...]}`).
///
/// # Errors
///
/// A `RowpressError` with the core's message and code.
#[wasm_bindgen(js_name = exportTable, skip_typescript)]
pub fn export_table(table: JsValue, options: JsValue) -> Result<Vec<u8>, JsValue> {
    let (options, callbacks) = read_options(&options)?;
    if let Some(sheets) = get(&table, "sheets")? {
        // A workbook: its sheets are read whole.
        let cells = if Array::is_array(&sheets) {
            Array::from(&sheets).iter().map(|t| cell_count(&t)).sum()
        } else {
            0
        };
        reserve(cells.saturating_mul(PEAK_BYTES_PER_CELL));
        let book = Workbook::from_deserializer(serde_wasm_bindgen::Deserializer::from(table))
            .map_err(core_error)?;
        return with_callbacks(&callbacks, |progress| {
            exporter_core::export_workbook(book, &options, progress)
        });
    }
    if let Some((head, rows)) = head_and_rows(&table)? {
        // The rows stay in JavaScript and are converted one at a time as
        // they are written (XLSX), or read into a table for the layout of
        // PDF and DOCX: docs/decisions.md.
        let per_cell = if options.format() == Format::Xlsx {
            STREAMED_BYTES_PER_CELL
        } else {
            PEAK_BYTES_PER_CELL
        };
        let source = JsRows::new(&head, rows);
        let cells = source.row_count().saturating_mul(head.column_count());
        reserve(cells.saturating_mul(per_cell));
        let streamed = StreamedTable::new(&head, &source).map_err(core_error)?;
        return with_callbacks(&callbacks, |progress| {
            export_streamed_with_warnings(&streamed, &options, progress)
        });
    }
    reserve(cell_count(&table).saturating_mul(PEAK_BYTES_PER_CELL));
    let table = Table::from_deserializer(serde_wasm_bindgen::Deserializer::from(table))
        .map_err(core_error)?;
    with_callbacks(&callbacks, |progress| {
        exporter_core::export_table(table, &options, progress)
    })
}

/// The rows of a JavaScript table, read a block at a time (arrays, or
/// objects keyed by the head's columns): each block crosses into wasm
/// once, encoded by `encodeRows`, instead of cell by cell through
/// serde-wasm-bindgen (docs/decisions.md, "One crossing per block").
struct JsRows<'a> {
    head: &'a Table,
    rows: Array,
    /// The columns' keys (null where a column has none), when the head
    /// has `columns`; JS `null` otherwise.
    keys: JsValue,
    block: RefCell<Block>,
}

/// Rows per block: 1,024 rows of 10 cells are ~100 KB of text at most
/// per crossing in the benchmark's tables.
const BLOCK_ROWS: usize = 1024;

/// A block of rows as `encodeRows` gave it, with where each row starts.
#[derive(Default)]
struct Block {
    start: usize,
    tags: Vec<u8>,
    nums: Vec<f64>,
    /// Each text's length in UTF-8 bytes.
    lens: Vec<usize>,
    text: String,
    /// Per row: its cell count (`APART` to read it apart), and the index
    /// of its first tag, number and text, and its text's byte offset.
    rows: Vec<RowAt>,
}

#[derive(Clone, Copy)]
struct RowAt {
    width: u32,
    tag: usize,
    num: usize,
    len: usize,
    byte: usize,
}

/// A row `encodeRows` left to be read apart.
const APART: u32 = u32::MAX;

impl<'a> JsRows<'a> {
    fn new(head: &'a Table, rows: Array) -> JsRows<'a> {
        let keys = match head.column_keys() {
            Some(keys) => keys
                .iter()
                .map(|k| k.as_deref().map_or(JsValue::NULL, JsValue::from_str))
                .collect::<Array>()
                .into(),
            None => JsValue::NULL,
        };
        JsRows {
            head,
            rows,
            keys,
            block: RefCell::new(Block::default()),
        }
    }

    /// Encodes the block of rows from `start`.
    fn load(&self, start: usize, block: &mut Block) {
        let end = (start + BLOCK_ROWS).min(self.row_count());
        // Row indices come from row_count, so they fit in u32.
        #[allow(clippy::cast_possible_truncation)]
        let parts = encode_rows(&self.rows, start as u32, end as u32, &self.keys);
        block.start = start;
        block.tags = Uint8Array::from(parts.get(0)).to_vec();
        block.nums = js_sys::Float64Array::from(parts.get(1)).to_vec();
        block.text = parts.get(3).as_string().unwrap_or_default();
        // The texts' UTF-16 lengths as UTF-8 byte lengths, the text walked
        // once: rows then slice it directly.
        let mut chars = block.text.chars();
        block.lens.clear();
        for units in js_sys::Uint32Array::from(parts.get(2)).to_vec() {
            let (mut units, mut bytes) = (units as usize, 0);
            while units > 0 {
                let Some(c) = chars.next() else { break };
                units = units.saturating_sub(c.len_utf16());
                bytes += c.len_utf8();
            }
            block.lens.push(bytes);
        }
        let widths = js_sys::Uint32Array::from(parts.get(4)).to_vec();
        block.rows.clear();
        let mut at = RowAt {
            width: 0,
            tag: 0,
            num: 0,
            len: 0,
            byte: 0,
        };
        for width in widths {
            at.width = width;
            block.rows.push(at);
            if width == APART {
                continue;
            }
            for &tag in &block.tags[at.tag..at.tag + width as usize] {
                match tag {
                    3 | 5 => at.num += 1,
                    4 => {
                        at.byte += block.lens[at.len];
                        at.len += 1;
                    }
                    _ => {}
                }
            }
            at.tag += width as usize;
        }
    }
}

impl RowSource for JsRows<'_> {
    fn row_count(&self) -> usize {
        self.rows.length() as usize
    }

    fn read_row(&self, row: usize, cells: &mut Vec<Cell>) -> exporter_core::Result<()> {
        let mut block = self.block.borrow_mut();
        if row < block.start || row >= block.start + block.rows.len() {
            self.load(row, &mut block);
        }
        let at = block.rows[row - block.start];
        if at.width == APART {
            // Row indices come from row_count, so they fit in u32.
            #[allow(clippy::cast_possible_truncation)]
            let value = self.rows.get(row as u32);
            return self.head.read_body_row(
                serde_wasm_bindgen::Deserializer::from(value),
                row,
                cells,
            );
        }
        cells.clear();
        let (mut num, mut len, mut byte) = (at.num, at.len, at.byte);
        for &tag in &block.tags[at.tag..at.tag + at.width as usize] {
            cells.push(match tag {
                1 => Cell::Bool(false),
                2 => Cell::Bool(true),
                3 => {
                    num += 1;
                    Cell::Number(block.nums[num - 1])
                }
                4 => {
                    let text = &block.text[byte..byte + block.lens[len]];
                    byte += text.len();
                    len += 1;
                    Cell::String(text.to_owned())
                }
                5 => {
                    // Converted, it would silently become U+FFFD.
                    num += 1;
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let code = block.nums[num - 1] as u32;
                    return Err(ExportError::InvalidCharacter {
                        location: Location::Cell {
                            row: row + 1,
                            column: cells.len() + 1,
                        },
                        code,
                        format: "UTF-8",
                    });
                }
                _ => Cell::Null,
            });
        }
        Ok(())
    }
}

/// A table object whose `rows` is an array: its title and headers, read
/// and checked by the core (from a copy of the object without its rows),
/// and the rows array itself. `None` for anything else (an iterable of
/// rows, or not a table at all), which is then read whole, and gets the
/// core's message for what is wrong.
fn head_and_rows(table: &JsValue) -> Result<Option<(Table, Array)>, JsValue> {
    if !table.is_object() || Array::is_array(table) {
        return Ok(None);
    }
    let rows = Reflect::get(table, &JsValue::from_str("rows"))?;
    if !Array::is_array(&rows) {
        return Ok(None);
    }
    let head = Object::new();
    for field in ["title", "name", "headers", "columns"] {
        let value = Reflect::get(table, &JsValue::from_str(field))?;
        if !value.is_undefined() {
            Reflect::set(&head, &JsValue::from_str(field), &value)?;
        }
    }
    Reflect::set(&head, &JsValue::from_str("rows"), &Array::new())?;
    let head =
        Table::from_deserializer(serde_wasm_bindgen::Deserializer::from(JsValue::from(head)))
            .map_err(core_error)?;
    Ok(Some((head, Array::from(&rows))))
}

/// Exports a table (or a workbook) given as JSON text, parsed inside wasm (faster for large
/// tables than walking JS objects; see docs/benchmarks.md).
///
/// # Errors
///
/// A `RowpressError` with the core's message and code.
#[wasm_bindgen(js_name = exportTableJson, skip_typescript)]
pub fn export_table_json(json: &str, options: JsValue) -> Result<Vec<u8>, JsValue> {
    // JSON text is about 10 bytes a cell.
    reserve(json.len().saturating_mul(PEAK_BYTES_PER_CELL) / 10);
    let book = Workbook::from_json(json).map_err(core_error)?;
    let (options, callbacks) = read_options(&options)?;
    with_callbacks(&callbacks, |progress| {
        exporter_core::export_workbook(book, &options, progress)
    })
}

/// Bytes of wasm memory an export uses per cell at its peak, with some
/// room: measured at 100,000 x 10 cells, XLSX 49 MiB, PDF 44, DOCX 35.
const PEAK_BYTES_PER_CELL: usize = 64;

/// The same for XLSX with rows read one at a time: no table, only the
/// file being made (its buffer doubling as it grows) and deflate's state;
/// measured at 100,000 x 10 cells: 41 MiB.
const STREAMED_BYTES_PER_CELL: usize = 48;

/// Grows wasm memory once, up front, by about what the export will need.
/// dlmalloc otherwise grows it a few pages at a time, and V8 answers each
/// grow with a full garbage collection of the JS heap (which holds the
/// caller's table): measured at over 40% of an XLSX export's time. Pages
/// reserved but never touched cost no resident memory.
fn reserve(bytes: usize) {
    let mut region: Vec<u8> = Vec::new();
    // Failing to reserve is fine: allocations then grow memory as they go.
    if memory::fallible(|| region.try_reserve_exact(bytes.min(1 << 30))).is_ok() {
        // Freed at once; dlmalloc keeps the region for the allocations to
        // come. black_box stops the pair being optimised away.
        drop(std::hint::black_box(region));
    }
}

/// The caller's `onProgress` and `onWarning`.
struct Callbacks {
    on_progress: Option<Function>,
    on_warning: Option<Function>,
}

/// Runs `export` with a progress callback that calls `onProgress`, then
/// hands its warnings to `onWarning`.
fn with_callbacks(
    callbacks: &Callbacks,
    export: impl FnOnce(&mut dyn FnMut(usize, usize)) -> exporter_core::Result<Exported>,
) -> Result<Vec<u8>, JsValue> {
    let mut thrown: Option<JsValue> = None;
    let out = export(&mut |done, total| {
        if let (Some(f), None) = (&callbacks.on_progress, &thrown) {
            // usize -> f64 is exact for any row count a table can have.
            #[allow(clippy::cast_precision_loss)]
            let result = f.call2(
                &JsValue::NULL,
                &JsValue::from(done as f64),
                &JsValue::from(total as f64),
            );
            if let Err(e) = result {
                thrown = Some(e);
            }
        }
    })
    .map_err(core_error)?;
    // A throwing progress callback fails the export with its own error.
    if let Some(e) = thrown {
        return Err(e);
    }
    if let Some(f) = &callbacks.on_warning {
        for warning in &out.warnings {
            let object = Object::new();
            set(&object, "code", &JsValue::from_str(warning.code))?;
            set(&object, "message", &JsValue::from_str(&warning.to_string()))?;
            if let Some(sheet) = warning.sheet {
                #[allow(clippy::cast_precision_loss)]
                set(&object, "sheet", &JsValue::from(sheet as f64))?;
            }
            #[allow(clippy::cast_precision_loss)]
            match warning.location {
                Location::Cell { row, column } => {
                    set(&object, "row", &JsValue::from(row as f64))?;
                    set(&object, "column", &JsValue::from(column as f64))?;
                }
                Location::Header { column } | Location::Column { column } => {
                    set(&object, "column", &JsValue::from(column as f64))?;
                }
                Location::Font { index } => {
                    set(&object, "font", &JsValue::from(index as f64))?;
                }
                Location::Title => {}
            }
            f.call1(&JsValue::NULL, &object)?;
        }
        if let Some(more) = out.more_warnings_line() {
            let object = Object::new();
            set(&object, "code", &JsValue::from_str("MORE_WARNINGS"))?;
            set(&object, "message", &JsValue::from_str(&more))?;
            #[allow(clippy::cast_precision_loss)]
            set(&object, "count", &JsValue::from(out.more_warnings as f64))?;
            f.call1(&JsValue::NULL, &object)?;
        }
    }
    Ok(out.bytes)
}

fn set(object: &Object, field: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(object, &JsValue::from_str(field), value).map(drop)
}

/// Rows times headers, when `table` looks like a table; 0 otherwise (the
/// conversion then reports what is wrong).
fn cell_count(table: &JsValue) -> usize {
    let length = |field: &str| {
        Reflect::get(table, &JsValue::from_str(field))
            .ok()
            .filter(Array::is_array)
            .map_or(0, |v| Array::from(&v).length() as usize)
    };
    if table.is_object() {
        length("rows") * length("headers").max(length("columns"))
    } else {
        0
    }
}

fn core_error(err: ExportError) -> JsValue {
    rowpress_error(err.code(), &err.to_string())
}

fn option_error(field: &str, message: &str) -> JsValue {
    rowpress_error("INVALID_OPTION", &format!("option {field}: {message}"))
}

fn get(object: &JsValue, field: &str) -> Result<Option<JsValue>, JsValue> {
    let value = Reflect::get(object, &JsValue::from_str(field))?;
    Ok(if value.is_undefined() || value.is_null() {
        None
    } else {
        Some(value)
    })
}

fn get_string(object: &JsValue, field: &str) -> Result<Option<String>, JsValue> {
    match get(object, field)? {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| option_error(field, "must be a string")),
    }
}

fn parsed<T: std::str::FromStr<Err = ExportError>>(
    object: &JsValue,
    field: &str,
) -> Result<Option<T>, JsValue> {
    get_string(object, field)?
        .map(|s| s.parse::<T>().map_err(core_error))
        .transpose()
}

/// Reads `ExportOptions` from a JS object, and the `onProgress` callback.
fn read_options(js: &JsValue) -> Result<(ExportOptions, Callbacks), JsValue> {
    if !js.is_object() {
        return Err(option_error(
            "options",
            "must be an object with at least `format`",
        ));
    }
    let format: Format = parsed(js, "format")?
        .ok_or_else(|| option_error("format", "missing; use \"pdf\", \"docx\" or \"xlsx\""))?;
    let mut options = ExportOptions::new(format);
    if let Some(title) = get_string(js, "title")? {
        options = options.title(title);
    }
    if let Some(size) = parsed::<PageSize>(js, "pageSize")? {
        options = options.page_size(size);
    }
    if let Some(orientation) = parsed::<Orientation>(js, "orientation")? {
        options = options.orientation(orientation);
    }
    if let Some(name) = get_string(js, "sheetName")? {
        options = options.sheet_name(name);
    }
    if let Some(bom) = get(js, "csvBom")? {
        let bom = bom
            .as_bool()
            .ok_or_else(|| option_error("csvBom", "must be true or false"))?;
        options = options.csv_bom(bom);
    }
    if let Some(displayed) = get(js, "csvAsDisplayed")? {
        let displayed = displayed
            .as_bool()
            .ok_or_else(|| option_error("csvAsDisplayed", "must be true or false"))?;
        options = options.csv_as_displayed(displayed);
    }
    if let Some(fonts) = get(js, "fonts")? {
        if !Array::is_array(&fonts) {
            return Err(option_error(
                "fonts",
                "must be an array of Uint8Array font files",
            ));
        }
        // A font file's bytes, if `value` holds some.
        let bytes_of = |value: &JsValue| {
            if value.is_instance_of::<Uint8Array>() {
                Some(Uint8Array::from(value.clone()).to_vec())
            } else if value.is_instance_of::<js_sys::ArrayBuffer>() {
                Some(Uint8Array::new(value).to_vec())
            } else {
                None
            }
        };
        for (i, font) in Array::from(&fonts).iter().enumerate() {
            let not_a_font = || {
                option_error(
                    "fonts",
                    &format!(
                        "item {} is not a Uint8Array, an ArrayBuffer or {{regular, bold?}} of them",
                        i + 1
                    ),
                )
            };
            if let Some(bytes) = bytes_of(&font) {
                options = options.font(bytes);
                continue;
            }
            // A family: its regular face, then its bold (the core pairs
            // them by family name; the bold draws the headers).
            if !font.is_object() {
                return Err(not_a_font());
            }
            let regular = get(&font, "regular")?.ok_or_else(not_a_font)?;
            options = options.font(bytes_of(&regular).ok_or_else(not_a_font)?);
            if let Some(bold) = get(&font, "bold")? {
                options = options.font(bytes_of(&bold).ok_or_else(not_a_font)?);
            }
        }
    }
    if let Some(margins) = get(js, "margins")? {
        let mut m = Margins::default();
        for (field, slot) in [
            ("top", &mut m.top),
            ("right", &mut m.right),
            ("bottom", &mut m.bottom),
            ("left", &mut m.left),
        ] {
            if let Some(v) = get(&margins, field)? {
                // Points are small; f32 holds them exactly enough.
                #[allow(clippy::cast_possible_truncation)]
                let points = v.as_f64().ok_or_else(|| {
                    option_error("margins", &format!("{field} must be a number of points"))
                })? as f32;
                *slot = points;
            }
        }
        options = options.margins(m);
    }
    // The creation time: a Date or milliseconds since the epoch, as JS
    // counts; by default now, read from JS (the core reads no clock).
    let millis = match get(js, "createdAt")? {
        Some(v) if v.is_instance_of::<js_sys::Date>() => js_sys::Date::from(v).get_time(),
        Some(v) => v.as_f64().ok_or_else(|| {
            option_error("createdAt", "must be a Date or milliseconds since 1970")
        })?,
        None => js_sys::Date::now(),
    };
    if !millis.is_finite() {
        return Err(option_error("createdAt", "is not a valid date"));
    }
    // Bounded by the check above and the core's own range check.
    #[allow(clippy::cast_possible_truncation)]
    let seconds = (millis / 1000.0).floor().clamp(-1e15, 1e15) as i64;
    options = options.created_at(seconds);
    if let Some(strict) = get(js, "strict")? {
        let strict = strict
            .as_bool()
            .ok_or_else(|| option_error("strict", "must be true or false"))?;
        options = options.strict(strict);
    }
    let function = |field: &str| -> Result<Option<Function>, JsValue> {
        match get(js, field)? {
            None => Ok(None),
            Some(f) => Ok(Some(
                f.dyn_into::<Function>()
                    .map_err(|_| option_error(field, "must be a function"))?,
            )),
        }
    };
    let callbacks = Callbacks {
        on_progress: function("onProgress")?,
        on_warning: function("onWarning")?,
    };
    Ok((options, callbacks))
}
