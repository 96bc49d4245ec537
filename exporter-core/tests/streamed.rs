//! Tables whose rows are read from a source one at a time
//! (`export_streamed`, what the wasm build uses) give the same files and the
//! same errors as the table held in memory, and a source that misbehaves
//! gets an error, never a file.

mod common;

use std::cell::Cell as Counter;

use exporter_core::{
    Cell, ExportError, ExportOptions, Format, RowSource, StreamedTable, Table, export,
    export_streamed, export_streamed_with_warnings, export_with_warnings, read_row,
};

/// The rows of a table given as JSON text, one JSON array per row, read
/// through `read_row` as the wasm binding reads JavaScript arrays.
struct JsonRows {
    rows: Vec<String>,
    reads: Counter<usize>,
}

impl JsonRows {
    fn new(rows: &[&str]) -> JsonRows {
        JsonRows {
            rows: rows.iter().map(|r| (*r).to_owned()).collect(),
            reads: Counter::new(0),
        }
    }
}

impl RowSource for JsonRows {
    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn read_row(&self, row: usize, cells: &mut Vec<Cell>) -> exporter_core::Result<()> {
        self.reads.set(self.reads.get() + 1);
        let mut json = serde_json::Deserializer::from_str(&self.rows[row]);
        read_row(&mut json, row, cells)
    }
}

fn head(headers: &[&str]) -> Table {
    Table::new(headers.iter().map(|h| (*h).to_owned()).collect(), vec![]).unwrap()
}

fn streamed(head: &Table, rows: &dyn RowSource, format: Format) -> exporter_core::Result<Vec<u8>> {
    let table = StreamedTable::new(head, rows)?;
    let options = ExportOptions::new(format).created_at(1_700_000_000);
    export_streamed(&table, &options, &mut |_, _| {})
}

#[test]
fn every_format_gives_the_same_bytes_as_the_table_in_memory() {
    let table = common::sample_table(3_000, 7).with_title("Streamed");
    let head = Table::new(table.headers().to_vec(), vec![])
        .unwrap()
        .with_title("Streamed");
    for format in Format::ALL {
        let options = ExportOptions::new(format).created_at(1_700_000_000);
        let expected = export(&table, &options).unwrap();
        assert_eq!(
            streamed(&head, &table, format).unwrap(),
            expected,
            "{format}"
        );
    }
}

#[test]
fn xlsx_reads_each_row_twice_and_reports_progress() {
    let rows: Vec<String> = (0..500)
        .map(|i| format!(r#"["r{i}", {i}, true]"#))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let source = JsonRows::new(&rows);
    let head = head(&["a", "b", "c"]);
    let table = StreamedTable::new(&head, &source).unwrap();
    let mut seen = Vec::new();
    let bytes = export_streamed(&table, &ExportOptions::new(Format::Xlsx), &mut |d, t| {
        seen.push((d, t))
    })
    .unwrap();
    assert_eq!(source.reads.get(), 1_000, "a check pass and a write pass");
    assert_eq!(seen.last(), Some(&(500, 500)));
    assert!(seen.len() >= 100, "{} progress calls", seen.len());
    let sheet = common::unzip(&bytes)
        .into_iter()
        .find(|(name, _, _)| name == "xl/worksheets/sheet1.xml")
        .unwrap()
        .2;
    let sheet = String::from_utf8(sheet).unwrap();
    assert!(sheet.contains(
        r#"<c r="A501" t="inlineStr"><is><t>r499</t></is></c><c r="B501"><v>499</v></c>"#
    ));
}

#[test]
fn bad_rows_are_errors_naming_the_cell_in_every_format() {
    let cases: [(&[&str], &str); 4] = [
        (
            &[r#"["a", 1]"#, r#"["b", {"x": 1}]"#],
            "row 2, column 2: a cell must be a string, number, boolean or null, found an object with \"x\" (the one object a cell may be is a link, {\"text\", \"url\"})",
        ),
        (
            &[r#"["a", 1]"#, r#"["b", 2, 3]"#],
            "row 2 has 3 cells but there are only 2 headers",
        ),
        (&[r#"["a", 1]"#, r#""not a row""#], "invalid table JSON"),
        (&[r#"["a", 1]"#, r#"["b""#], "invalid table JSON"),
    ];
    for (rows, message) in cases {
        for format in Format::ALL {
            let err = streamed(&head(&["a", "b"]), &JsonRows::new(rows), format).unwrap_err();
            assert!(
                err.to_string().starts_with(message),
                "{format}: {err} (wanted {message})"
            );
        }
    }
}

#[test]
fn excel_limits_are_checked_before_anything_is_written() {
    let long = format!(r#"["{}"]"#, "x".repeat(32_768));
    let err = streamed(
        &head(&["a"]),
        &JsonRows::new(&[r#"["ok"]"#, &long]),
        Format::Xlsx,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 2, column 1: 32768 UTF-16 units (Excel counts an emoji or other character beyond U+FFFF as 2), but Excel holds at most 32767 in a cell"
    );
    // A number beyond Excel is kept as text, or refused when strict.
    let rows = JsonRows::new(&["[1e308]"]);
    let table = StreamedTable::new(&head(&["a"]), &rows).unwrap();
    let options = ExportOptions::new(Format::Xlsx).strict(true);
    let err = export_streamed(&table, &options, &mut |_, _| {}).unwrap_err();
    assert_eq!(err.code(), "INVALID_NUMBER");
    assert!(streamed(&head(&["a"]), &rows, Format::Xlsx).is_ok());
}

/// A source whose rows change between the check pass and the write pass
/// (a JavaScript `onProgress` callback could do this to its array).
struct Changing {
    reads: Counter<usize>,
    /// What row 2 holds on the second pass.
    later: Cell,
}

impl RowSource for Changing {
    fn row_count(&self) -> usize {
        2
    }

    fn read_row(&self, _row: usize, cells: &mut Vec<Cell>) -> exporter_core::Result<()> {
        self.reads.set(self.reads.get() + 1);
        cells.clear();
        match self.reads.get() {
            // The second pass finds what the first did not.
            4 => cells.push(self.later.clone()),
            _ => cells.extend([Cell::from("fine")]),
        }
        Ok(())
    }
}

#[test]
fn a_source_that_changes_under_the_export_gets_an_error() {
    let err = streamed(
        &head(&["a"]),
        &Changing {
            reads: Counter::new(0),
            later: Cell::Number(f64::NAN),
        },
        Format::Xlsx,
    )
    .unwrap_err();
    assert!(matches!(err, ExportError::InvalidNumber { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "row 2, column 1: NaN is not a finite number; use null or a string"
    );
    // Nor does a value strict refuses slip in on the second pass.
    let changing = Changing {
        reads: Counter::new(0),
        later: Cell::Number(1e308),
    };
    let table = StreamedTable::new(&head(&["a"]), &changing).unwrap();
    let options = ExportOptions::new(Format::Xlsx).strict(true);
    let err = export_streamed(&table, &options, &mut |_, _| {}).unwrap_err();
    assert_eq!(err.code(), "INVALID_NUMBER");
    assert!(
        err.to_string()
            .starts_with("row 2, column 1: 1e+308 is outside"),
        "{err}"
    );
}

#[test]
fn rows_without_headers_are_refused() {
    let err = StreamedTable::new(&head(&[]), &JsonRows::new(&["[]"])).err();
    assert_eq!(err.map(|e| e.code()), Some("MISSING_HEADERS"));
}

#[test]
fn streamed_rows_warn_as_the_table_in_memory_does() {
    let rows = JsonRows::new(&[r#"["a", 18014398509481985]"#, r#"["b", 2]"#]);
    let table = StreamedTable::new(&head(&["a", "b"]), &rows).unwrap();
    for format in Format::ALL {
        let options = ExportOptions::new(format).created_at(1_700_000_000);
        let out = export_streamed_with_warnings(&table, &options, &mut |_, _| {}).unwrap();
        let in_memory =
            export_with_warnings(&table.to_table().unwrap(), &options, &mut |_, _| {}).unwrap();
        assert_eq!(out, in_memory, "{format}");
        let lines: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
        if format == Format::Xlsx {
            // Each row is read twice; it is warned of once.
            assert_eq!(
                lines,
                [
                    "row 1, column 2: the integer 18014398509481985 is beyond 2^53, which Excel's numbers cannot hold exactly; written as text"
                ]
            );
        } else {
            assert!(lines.is_empty(), "{format}: {lines:?}");
        }
    }
}
