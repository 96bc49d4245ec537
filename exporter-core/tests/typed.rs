//! Typed columns: dates, times, numbers and booleans read from their text,
//! checked with readers we did not write (calamine, LibreOffice, poppler).

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{Scratch, libreoffice_to_pdf, pdf_pages_text};
use exporter_core::{ExportOptions, Format, Table, export, export_with_warnings};

const INVOICES: &str = r#"{
  "title": "Invoices",
  "columns": [
    {"header": "Invoice", "key": "id"},
    {"header": "Issued", "key": "issued", "type": "date"},
    {"header": "Sent", "key": "sent", "type": "datetime"},
    {"header": "Slot", "key": "slot", "type": "time"},
    {"header": "Amount", "key": "amount", "type": "number"},
    {"header": "Paid", "key": "paid", "type": "boolean"},
    {"header": "Code", "key": "code", "type": "text"}
  ],
  "rows": [
    {"id": "INV-1", "issued": "2024-10-18", "sent": "2024-10-18T14:30:00", "slot": "09:15", "amount": "2825.78", "paid": "true", "code": 7},
    {"id": "INV-2", "issued": "1900-02-28", "sent": "1900-03-01T06:00", "slot": "23:59:59", "amount": 12, "paid": false, "code": "A"},
    {"id": "INV-3", "issued": "9999-12-31"}
  ]
}"#;

fn lines(warnings: &[exporter_core::Warning]) -> Vec<String> {
    warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn excel_gets_serial_dates_from_the_fields_not_from_a_clock() {
    let table = Table::from_json(INVOICES).unwrap();
    let out =
        export_with_warnings(&table, &ExportOptions::new(Format::Xlsx), &mut |_, _| {}).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", lines(&out.warnings));
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(out.bytes)).unwrap();
    let range = book.worksheet_range("Invoices").unwrap();
    let serial = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::DateTime(d)) => {
            assert!(d.is_datetime(), "({r}, {c}) is a duration");
            d.as_f64()
        }
        other => panic!("({r}, {c}) is {other:?}, not a date"),
    };
    // Excel's documented serials: 2024-10-18 is 45583; 1900-02-28 is 59,
    // 1900-03-01 is 61 (Lotus's 1900-02-29 is 60); 9999-12-31 is 2958465.
    assert_eq!(serial(2, 1), 45583.0);
    assert_eq!(serial(2, 2), 45583.0 + 14.5 / 24.0);
    assert_eq!(serial(2, 3), 9.25 / 24.0);
    assert_eq!(serial(3, 1), 59.0);
    assert_eq!(serial(3, 2), 61.25);
    assert_eq!(serial(4, 1), 2_958_465.0);
    assert_eq!(range.get_value((2, 4)), Some(&Data::Float(2825.78)));
    assert_eq!(range.get_value((2, 5)), Some(&Data::Bool(true)));
    assert_eq!(range.get_value((2, 6)), Some(&Data::String("7".into())));
}

#[test]
fn every_format_shows_the_same_dates() {
    let table = Table::from_json(INVOICES).unwrap();
    let dir = Scratch::new("typed-shown");
    let want = [
        "2024-10-18",
        "2024-10-18 14:30:00",
        "09:15:00",
        "1900-02-28",
        "9999-12-31",
        "2825.78",
    ];
    // PDF and DOCX (through LibreOffice), and LibreOffice's reading of the XLSX.
    let pdf = dir.path("t.pdf");
    std::fs::write(
        &pdf,
        export(&table, &ExportOptions::new(Format::Pdf)).unwrap(),
    )
    .unwrap();
    let mut shown = vec![("pdf", pdf_pages_text(&pdf).join("\n"))];
    for format in [Format::Docx, Format::Xlsx] {
        let path = dir.path(&format!("t.{format}"));
        std::fs::write(&path, export(&table, &ExportOptions::new(format)).unwrap()).unwrap();
        shown.push((
            format.extension(),
            pdf_pages_text(&libreoffice_to_pdf(&path, &dir.0)).join("\n"),
        ));
    }
    for (format, text) in &shown {
        for w in want {
            // LibreOffice counts days before 1900-03-01 one off from
            // Excel (no Lotus leap day); those serials are checked against
            // Excel's documented ones above.
            if *format == "xlsx" && w == "1900-02-28" {
                continue;
            }
            assert!(text.contains(w), "{format}: {w} not shown in:\n{text}");
        }
    }
    // CSV: ISO 8601, as a program reads it back.
    let csv = String::from_utf8(export(&table, &ExportOptions::new(Format::Csv)).unwrap()).unwrap();
    assert!(
        csv.contains("INV-1,2024-10-18,2024-10-18T14:30:00,09:15:00,2825.78,true,7\r\n"),
        "{csv}"
    );
}

#[test]
fn a_cell_that_is_not_its_type_is_kept_with_a_warning() {
    let table = Table::from_json(
        r#"{"columns": [{"header": "D", "type": "date"}, {"header": "T", "type": "datetime"}, {"header": "N", "type": "number"}],
            "rows": [["2024-13-01", "2024-10-18T14:30:00Z", "12,5"], ["1899-12-31", "2024-10-18T14:30", 3]]}"#,
    )
    .unwrap();
    let out =
        export_with_warnings(&table, &ExportOptions::new(Format::Xlsx), &mut |_, _| {}).unwrap();
    assert_eq!(
        lines(&out.warnings),
        [
            "row 1, column 1: \"2024-13-01\" is not a date (YYYY-MM-DD); kept as it is",
            "row 1, column 2: \"2024-10-18T14:30:00Z\" has a time zone, which Rowpress never applies; give the wall-clock time (YYYY-MM-DDTHH:MM[:SS[.fff]]); kept as it is",
            "row 1, column 3: \"12,5\" is not a number; kept as it is",
            "row 2, column 1: 1899-12-31 is before 1900-01-01, which Excel's calendar does not hold; written as text",
        ]
    );
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(out.bytes)).unwrap();
    let range = book.worksheet_range("Sheet1").unwrap();
    assert_eq!(
        range.get_value((1, 0)),
        Some(&Data::String("2024-13-01".into()))
    );
    assert_eq!(
        range.get_value((2, 0)),
        Some(&Data::String("1899-12-31".into()))
    );
    // PDF holds a date before 1900: only the mismatches warn.
    let pdf =
        export_with_warnings(&table, &ExportOptions::new(Format::Pdf), &mut |_, _| {}).unwrap();
    assert_eq!(pdf.warnings.len(), 3);
    let err = export(&table, &ExportOptions::new(Format::Csv).strict(true)).unwrap_err();
    assert_eq!(err.code(), "TYPE_MISMATCH");
    assert_eq!(
        err.to_string(),
        "row 1, column 1: \"2024-13-01\" is not a date (YYYY-MM-DD)"
    );
    let err = Table::from_json(r#"{"columns": [{"header": "D", "type": "when"}], "rows": []}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "column 1: type \"when\" is not one of text, number, boolean, date, datetime, time"
        ),
        "{err}"
    );
}

#[test]
fn date_time_cells_fit_their_columns() {
    // What the npm package makes of JavaScript Dates: {"datetime": ...}.
    let table = Table::from_json(
        r#"{"columns": [{"header": "d", "type": "date"}, {"header": "t", "type": "time"}, {"header": "any"}],
            "rows": [[{"datetime": "2024-01-15T00:00:00.000"}, {"datetime": "1970-01-01T09:15:00.000"}, {"datetime": "2024-01-15T10:00:00.500"}],
                     [{"datetime": "2024-01-15T08:00:00.000"}, null, null]]}"#,
    )
    .unwrap();
    let csv = exporter_core::export(&table, &ExportOptions::new(Format::Csv)).unwrap();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        // Midnight in a date column is a date; a time column keeps the
        // time of day; a date with a time keeps both.
        "d,t,any\r\n2024-01-15,09:15:00,2024-01-15T10:00:00.500\r\n2024-01-15T08:00:00,,\r\n"
    );
    for bad in [
        r#"{"datetime": "2024-13-01T00:00"}"#,
        r#"{"datetime": "2024-01-01T00:00", "text": "x"}"#,
    ] {
        let json = format!(r#"{{"headers": ["a"], "rows": [[{bad}]]}}"#);
        let err = Table::from_json(&json).unwrap_err();
        assert_eq!(err.code(), "INVALID_CELL", "{bad}: {err}");
    }
}
