//! Tables given with `columns` (header and key) and rows given as objects
//! keyed by them, the shape most APIs return (issue #12).

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{Scratch, part, pdf_word_boxes};
use exporter_core::{
    Align, Cell, ColumnStyle, ExportOptions, Format, RowSource, StreamedTable, Table, export,
    export_streamed,
};

const INVOICES: &str = r#"{
  "title": "Invoices",
  "columns": [{"header": "Invoice", "key": "id"}, {"header": "Amount", "key": "amount"}, {"header": "Paid", "key": "paid"}],
  "rows": [
    {"id": "INV-1", "amount": 2825.78, "paid": true},
    {"paid": false, "id": "INV-2"},
    ["INV-3", 10, null],
    {}
  ]
}"#;

#[test]
fn object_rows_go_to_their_columns_by_key() {
    let table = Table::from_json(INVOICES).unwrap();
    assert_eq!(table.headers(), ["Invoice", "Amount", "Paid"]);
    assert_eq!(table.row_count(), 4);
    let row = |r: usize| (0..3).map(|c| table.cell(r, c).clone()).collect::<Vec<_>>();
    assert_eq!(
        row(0),
        [Cell::from("INV-1"), Cell::from(2825.78), Cell::from(true)]
    );
    // Keys in any order; a key not given is an empty cell.
    assert_eq!(row(1), [Cell::from("INV-2"), Cell::Null, Cell::from(false)]);
    // Arrays still go by position.
    assert_eq!(row(2), [Cell::from("INV-3"), Cell::from(10), Cell::Null]);
    assert_eq!(row(3), [Cell::Null, Cell::Null, Cell::Null]);
    let shape = Table::check_json(INVOICES, 100).unwrap();
    assert_eq!((shape.columns, shape.rows), (3, 4));

    // The same as the table given with headers and arrays, in every format.
    let arrays = Table::from_json(
        r#"{"title": "Invoices", "headers": ["Invoice", "Amount", "Paid"], "rows": [["INV-1", 2825.78, true], ["INV-2", null, false], ["INV-3", 10, null], []]}"#,
    )
    .unwrap();
    for format in Format::ALL {
        let options = ExportOptions::new(format).created_at(1_700_000_000);
        assert_eq!(
            export(&table, &options).unwrap(),
            export(&arrays, &options).unwrap(),
            "{format}"
        );
    }
    let xlsx = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
    let range = book.worksheet_range("Invoices").unwrap();
    assert_eq!(range.get_value((2, 1)), Some(&Data::Float(2825.78)));
    assert_eq!(range.get_value((3, 2)), Some(&Data::Bool(false)));
}

#[test]
fn structural_faults_in_columns_and_records_are_errors() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"columns": [{"header": "Amount", "key": "amount"}], "rows": [{"amount": 1}, {"amout": 2}]}"#,
            "row 2: \"amout\" is not the key of any column; add a column with that key, or remove it from the row",
            "UNKNOWN_KEY",
        ),
        (
            r#"{"headers": ["a"], "rows": [{"a": 1}]}"#,
            "invalid table JSON: row 1 is an object, which needs `columns` with a `key` for each of its values, given before `rows`",
            "INVALID_JSON",
        ),
        (
            r#"{"rows": [{"a": 1}], "columns": [{"header": "A", "key": "a"}]}"#,
            "invalid table JSON: row 1 is an object, which needs `columns` with a `key` for each of its values, given before `rows`",
            "INVALID_JSON",
        ),
        (
            r#"{"columns": [{"header": "A", "key": "a"}], "rows": [{"a": 1, "a": 2}]}"#,
            "invalid table JSON: row 1: key \"a\" is given twice",
            "INVALID_JSON",
        ),
        (
            r#"{"columns": [{"header": "A", "key": "a"}, {"header": "B", "key": "a"}], "rows": []}"#,
            "invalid table JSON: column 2: key \"a\" is also the key of column 1; keys must differ",
            "INVALID_JSON",
        ),
        (
            r#"{"columns": [{"key": "a"}], "rows": []}"#,
            "invalid table JSON: column 1: missing field `header` at line 1 column 25",
            "INVALID_JSON",
        ),
        (
            r#"{"columns": [{"header": "A", "typ": "date"}], "rows": []}"#,
            "invalid table JSON: column 1: unknown field `typ`; a column has `header`, `key`, `type`, `format`, `align` and `width` at line 1 column 34",
            "INVALID_JSON",
        ),
        (
            r#"{"columns": [{"header": "A", "align": "middle"}], "rows": []}"#,
            "invalid table JSON: column 1: align \"middle\" is not one of left, center, right at line 1 column 47",
            "INVALID_JSON",
        ),
        (
            r#"{"columns": [{"header": "A"}, {"header": "B", "width": 0}], "rows": []}"#,
            "invalid table JSON: column 2: width 0 is not a number of characters from 1 to 255 at line 1 column 57",
            "INVALID_JSON",
        ),
        (
            r#"{"columns": [{"header": "A", "type": "url"}], "rows": []}"#,
            "invalid table JSON: column 1: type \"url\" is not one of text, number, boolean, date, datetime, time, link at line 1 column 43",
            "INVALID_JSON",
        ),
        (
            r#"{"headers": ["a"], "columns": [{"header": "A"}], "rows": []}"#,
            "invalid table JSON: give either `headers` or `columns`, not both at line 1 column 60",
            "INVALID_JSON",
        ),
        (
            r#"{"columns": [{"header": "A", "key": "a"}], "rows": [{"a": {"x": 1}}]}"#,
            "row 1, column 1: a cell must be a string, number, boolean or null, found an object with \"x\" (the one object a cell may be is a link, {\"text\", \"url\"})",
            "INVALID_CELL",
        ),
        (
            r#"{"columns": [{"header": "A", "key": "a"}], "rows": [["x", "y"]]}"#,
            "row 1 has 2 cells but there are only 1 headers",
            "ROW_TOO_LONG",
        ),
    ];
    for (json, message, code) in cases {
        let err = Table::from_json(json).unwrap_err();
        assert_eq!(
            (err.to_string().as_str(), err.code()),
            (*message, *code),
            "{json}"
        );
        // Checking without keeping the rows gives the very same error.
        let checked = Table::check_json(json, usize::MAX).unwrap_err();
        assert_eq!(checked.to_string(), err.to_string(), "{json}");
    }
}

/// Rows kept as JSON text, read one at a time through the head's keys, as
/// the wasm binding reads a JavaScript array of objects.
struct JsonObjects<'a> {
    head: &'a Table,
    rows: Vec<&'static str>,
}

impl RowSource for JsonObjects<'_> {
    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn read_row(&self, row: usize, cells: &mut Vec<Cell>) -> exporter_core::Result<()> {
        let mut json = serde_json::Deserializer::from_str(self.rows[row]);
        self.head.read_body_row(&mut json, row, cells)
    }
}

#[test]
fn streamed_object_rows_give_the_same_file() {
    let head = Table::from_json(
        r#"{"title": "Invoices", "columns": [{"header": "Invoice", "key": "id"}, {"header": "Amount", "key": "amount"}, {"header": "Paid", "key": "paid"}], "rows": []}"#,
    )
    .unwrap();
    let source = JsonObjects {
        head: &head,
        rows: vec![
            r#"{"id": "INV-1", "amount": 2825.78, "paid": true}"#,
            r#"{"paid": false, "id": "INV-2"}"#,
            r#"["INV-3", 10, null]"#,
            "{}",
        ],
    };
    let table = Table::from_json(INVOICES).unwrap();
    let streamed = StreamedTable::new(&head, &source).unwrap();
    for format in Format::ALL {
        let options = ExportOptions::new(format).created_at(1_700_000_000);
        assert_eq!(
            export_streamed(&streamed, &options, &mut |_, _| {}).unwrap(),
            export(&table, &options).unwrap(),
            "{format}"
        );
    }
    let bad = JsonObjects {
        head: &head,
        rows: vec![r#"{"id": "x", "ammount": 1}"#],
    };
    let err = export_streamed(
        &StreamedTable::new(&head, &bad).unwrap(),
        &ExportOptions::new(Format::Xlsx),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(err.code(), "UNKNOWN_KEY");
    assert!(err.to_string().starts_with("row 1: \"ammount\""), "{err}");
}

const STYLED: &str = r#"{
  "columns": [
    {"header": "Name", "key": "name", "align": "center", "width": 30},
    {"header": "Amount", "key": "amount", "align": "left"},
    {"header": "Note", "key": "note", "align": "right"}
  ],
  "rows": [{"name": "Ann", "amount": 12.5, "note": "ok"}, {"name": "Bo", "amount": 7, "note": "late\npaid"}]
}"#;

#[test]
fn columns_say_how_they_are_aligned_and_how_wide() {
    let table = Table::from_json(STYLED).unwrap();
    assert_eq!(
        table.column_style(0),
        ColumnStyle {
            align: Some(Align::Center),
            width: Some(30.0),
            kind: None,
            format: None,
        }
    );
    assert_eq!(table.column_style(1).width, None);

    // XLSX: the width as asked; header and cells aligned by cell formats.
    let xlsx = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"<col min="1" max="1" width="30.00" customWidth="1"/>"#),
        "{sheet}"
    );
    let styles = part(&xlsx, "xl/styles.xml");
    let xfs: Vec<&str> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap()
        .split("<xf ")
        .skip(1)
        .collect();
    let style_of = |cell: &str| -> &str {
        let start = sheet.find(&format!("<c r=\"{cell}\"")).unwrap();
        let tag = &sheet[start..start + sheet[start..].find('>').unwrap()];
        let xf: usize = tag
            .split(" s=\"")
            .nth(1)
            .map_or(0, |s| s.split('"').next().unwrap().parse().unwrap());
        xfs[xf]
    };
    for (cell, align) in [
        ("A1", "center"),
        ("A2", "center"),
        ("B2", "left"),
        ("C1", "right"),
        ("C3", "right"),
    ] {
        assert!(
            style_of(cell).contains(&format!("horizontal=\"{align}\"")),
            "{cell}: {}",
            style_of(cell)
        );
    }
    // The header keeps its fill and the wrapped cell its wrap.
    assert!(style_of("A1").contains(r#"fillId="2""#));
    assert!(style_of("C3").contains(r#"wrapText="1""#));

    // DOCX: paragraphs justified as asked; numbers in a left column are not pushed right.
    let docx = export(&table, &ExportOptions::new(Format::Docx)).unwrap();
    let document = part(&docx, "word/document.xml");
    assert_eq!(document.matches(r#"<w:jc w:val="center"/>"#).count(), 3);
    assert_eq!(document.matches(r#"<w:jc w:val="right"/>"#).count(), 3);

    // PDF: a right-aligned cell ends where its centred neighbour's column
    // begins, less the padding; a centred one sits mid-column.
    let dir = Scratch::new("columns-pdf");
    let path = dir.path("t.pdf");
    std::fs::write(
        &path,
        export(&table, &ExportOptions::new(Format::Pdf)).unwrap(),
    )
    .unwrap();
    let (_, words) = pdf_word_boxes(&path);
    let find = |text: &str| words.iter().find(|w| w.text == text).unwrap().clone();
    let (ann, bo, name) = (find("Ann"), find("Bo"), find("Name"));
    let mid = |w: &common::WordBox| (w.x0 + w.x1) / 2.0;
    assert!((mid(&ann) - mid(&bo)).abs() < 1.0, "{ann:?} {bo:?}");
    assert!((mid(&ann) - mid(&name)).abs() < 1.0, "{ann:?} {name:?}");
    let (ok, late) = (find("ok"), find("late"));
    assert!((ok.x1 - late.x1).abs() < 1.0, "right edges {ok:?} {late:?}");
    let (amount, seven) = (find("Amount"), find("7"));
    assert!(
        (amount.x0 - seven.x0).abs() < 1.0,
        "left edges {amount:?} {seven:?}"
    );
}

#[test]
fn a_width_in_characters_sizes_the_paged_columns_too() {
    let narrow = Table::from_json(
        r#"{"columns": [{"header": "A", "width": 10}, {"header": "B", "width": 40}], "rows": [["x", "y"]]}"#,
    )
    .unwrap();
    let dir = Scratch::new("columns-width");
    let path = dir.path("t.pdf");
    std::fs::write(
        &path,
        export(&narrow, &ExportOptions::new(Format::Pdf)).unwrap(),
    )
    .unwrap();
    let (pages, words) = pdf_word_boxes(&path);
    let x = |t: &str| words.iter().find(|w| w.text == t).unwrap().x0;
    let docx = export(&narrow, &ExportOptions::new(Format::Docx)).unwrap();
    let document = part(&docx, "word/document.xml");
    let grid: Vec<f64> = document
        .split("<w:gridCol w:w=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect();
    // Widths in proportion to what was asked (the page is shared out
    // beyond them), in both paged formats.
    // PDF: the table fills the width between the half-inch margins; column
    // A gets (10 x the width of "0" + padding) of (50 x it + 2 paddings).
    let content = pages[0].0 - 72.0;
    let (zero_em, pad_em) = (0.556, 6.0 / 9.0);
    let share = (10.0 * zero_em + pad_em) / (50.0 * zero_em + 2.0 * pad_em);
    let a = x("y") - x("x");
    assert!(
        (a / content - share).abs() < 0.01,
        "column A is {a} of {content}"
    );
    // DOCX: the grid in the same proportion (Word's padding differs).
    assert!(grid[1] > 2.5 * grid[0], "{grid:?}");
}
