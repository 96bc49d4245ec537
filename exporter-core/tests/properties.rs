//! Property tests: random tables, any characters, every format. Exports
//! succeed or fail with a known code, never panic; XLSX gives back every
//! value; DOCX is well-formed XML; rows read one at a time (as the wasm
//! build reads JavaScript arrays) give the same bytes or the same error.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use exporter_core::{
    Cell, ExportOptions, Format, RowSource, StreamedTable, Table, export, export_streamed, read_row,
};
use proptest::prelude::*;

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Null),
        any::<bool>().prop_map(Cell::Bool),
        (-1e15f64..1e15).prop_map(Cell::Number),
        any::<i32>().prop_map(|i| Cell::Number(f64::from(i))),
        (9_007_199_254_740_993u64..=u64::MAX).prop_map(|n| Cell::Integer(n.to_string())),
        (i64::MIN..=-9_007_199_254_740_993i64).prop_map(|n| Cell::Integer(n.to_string())),
        ".{0,40}".prop_map(Cell::String),
        "[ -~]{0,60}".prop_map(Cell::String),
        "[\\x00-\\x1f=+@-]{0,8}[a-z ]{0,8}".prop_map(Cell::String),
    ]
}

fn table() -> impl Strategy<Value = Table> {
    (1usize..8).prop_flat_map(|cols| {
        (
            proptest::collection::vec("[^\\x00]{0,20}", cols),
            proptest::collection::vec(proptest::collection::vec(cell(), 0..=cols), 0..25),
            proptest::option::of(".{0,30}"),
        )
            .prop_map(|(headers, rows, title)| {
                let t = Table::new(headers, rows).unwrap();
                match title {
                    Some(title) => t.with_title(title),
                    None => t,
                }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn xlsx_gives_back_every_value(table in table()) {
        let bytes = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name).unwrap();
        let offset = u32::from(table.title().is_some_and(|t| !t.is_empty())) + 1;
        for r in 0..table.row_count() {
            for c in 0..table.column_count() {
                let got = range.get_value((r as u32 + offset, c as u32)).cloned().unwrap_or(Data::Empty);
                prop_assert_eq!(got, common::calamine_value(table.cell(r, c)), "row {} column {}", r, c);
            }
        }
    }

    #[test]
    fn docx_is_well_formed(table in table()) {
        let bytes = export(&table, &ExportOptions::new(Format::Docx)).unwrap();
        for (name, _, data) in common::unzip(&bytes) {
            let mut reader = quick_xml::Reader::from_reader(data.as_slice());
            let mut buf = Vec::new();
            loop {
                match reader.read_event_into(&mut buf) {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => prop_assert!(false, "{} is not well-formed: {}", name, e),
                }
                buf.clear();
            }
        }
    }

    #[test]
    fn pdf_exports_naming_each_missing_glyph(table in table()) {
        let out = exporter_core::export_with_warnings(&table, &ExportOptions::new(Format::Pdf), &mut |_, _| {}).unwrap();
        prop_assert!(out.bytes.starts_with(b"%PDF-1.7"));
        for w in &out.warnings {
            prop_assert_eq!(w.code, "MISSING_GLYPH");
        }
        match export(&table, &ExportOptions::new(Format::Pdf).strict(true)) {
            Ok(bytes) => prop_assert!(out.warnings.is_empty() && bytes == out.bytes),
            Err(e) => prop_assert_eq!(e.code(), "MISSING_GLYPH"),
        }
    }

    #[test]
    fn rows_read_one_at_a_time_give_the_same_result(table in table()) {
        let rows = JsonRows::of(&table);
        let head = Table::new(table.headers().to_vec(), vec![]).unwrap();
        let head = match table.title() {
            Some(t) => head.with_title(t),
            None => head,
        };
        let streamed = StreamedTable::new(&head, &rows).unwrap();
        for format in Format::ALL {
            let options = ExportOptions::new(format).created_at(1_700_000_000);
            let whole = export(&table, &options);
            let one_at_a_time = export_streamed(&streamed, &options, &mut |_, _| {});
            match (whole, one_at_a_time) {
                (Ok(a), Ok(b)) => prop_assert!(a == b, "{}: bytes differ", format),
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "{}: {:?} vs {:?}", format, a.err(), b.err()),
            }
        }
    }
}

/// Each row as a JSON value, read back through `read_row`.
struct JsonRows(Vec<serde_json::Value>);

impl JsonRows {
    fn of(table: &Table) -> JsonRows {
        let cell = |c: &Cell| match c {
            Cell::Null => serde_json::Value::Null,
            Cell::Bool(b) => serde_json::Value::Bool(*b),
            Cell::Number(n) => {
                serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into)
            }
            Cell::String(s) => serde_json::Value::String(s.clone()),
            Cell::Integer(digits) => serde_json::from_str(digits).unwrap(),
            other => panic!("no JSON known for {other:?}"),
        };
        JsonRows(
            (0..table.row_count())
                .map(|r| table.row(r).iter().map(cell).collect())
                .collect(),
        )
    }
}

impl RowSource for JsonRows {
    fn row_count(&self) -> usize {
        self.0.len()
    }

    fn read_row(&self, row: usize, cells: &mut Vec<Cell>) -> exporter_core::Result<()> {
        read_row(&self.0[row], row, cells)
    }
}
