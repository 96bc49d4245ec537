//! Arbitrary bytes as table JSON, or as a table built cell by cell, with
//! arbitrary options, into every format: an error is fine, a panic is a bug,
//! and so is any difference between exporting the table whole and reading
//! its rows one at a time (`export_streamed`, what the wasm build does).
#![no_main]

use std::sync::OnceLock;

use exporter_core::{
    Cell, ExportOptions, Format, Margins, Orientation, PageSize, StreamedTable, Table, export,
    export_streamed,
};
use libfuzzer_sys::fuzz_target;

fn dejavu() -> Option<&'static [u8]> {
    static FONT: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    FONT.get_or_init(|| std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").ok())
        .as_deref()
}

/// A table from raw bytes: the first two pick the shape, the rest fill cells.
fn structured(data: &[u8]) -> Option<Table> {
    let (&cols, rest) = data.split_first()?;
    let cols = usize::from(cols % 12);
    let text = String::from_utf8_lossy(rest);
    let mut pieces = text.split('\u{1f}');
    let headers: Vec<String> = (0..cols).map(|_| pieces.next().unwrap_or("").to_owned()).collect();
    let mut rows = Vec::new();
    let mut row = Vec::new();
    for piece in pieces {
        let cell = match piece.bytes().next() {
            Some(b'#') => piece[1..].parse::<f64>().map(Cell::Number).unwrap_or(Cell::Null),
            Some(b'!') => Cell::Bool(piece.len() % 2 == 0),
            Some(b'~') => Cell::Null,
            _ => Cell::String(piece.to_owned()),
        };
        row.push(cell);
        if row.len() >= cols.max(1) || piece.contains('\n') {
            rows.push(std::mem::take(&mut row));
        }
    }
    Table::new(headers, rows).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, rest)) = data.split_first() else { return };
    let table = if knobs & 1 == 0 {
        match std::str::from_utf8(rest) {
            Ok(json) => Table::from_json(json).ok(),
            Err(_) => None,
        }
    } else {
        structured(rest)
    };
    let Some(table) = table else { return };
    for format in Format::ALL {
        let mut options = ExportOptions::new(format)
            .page_size([PageSize::A4, PageSize::Letter, PageSize::Legal][usize::from(knobs >> 1) % 3])
            .orientation([Orientation::Auto, Orientation::Portrait, Orientation::Landscape][usize::from(knobs >> 3) % 3])
            .margins(Margins::uniform(f32::from(knobs >> 5) * 20.0))
            .created_at(1_700_000_000);
        if knobs & 0x80 != 0 {
            if let Some(font) = dejavu() {
                options = options.font(font.to_vec());
            }
        }
        if knobs & 0x40 != 0 {
            options = options.title("Fuzz ∑ title").sheet_name("Fuzz");
        }
        let whole = export(&table, &options);
        let streamed = StreamedTable::new(&table, &table)
            .and_then(|t| export_streamed(&t, &options, &mut |_, _| {}));
        assert_eq!(whole, streamed, "{format}: whole and row by row differ");
    }
});
