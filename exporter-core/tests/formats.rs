//! Number-format codes: the text our PDF, DOCX and displayed CSV show for
//! each typed cell is the text LibreOffice shows for the XLSX cell, which
//! holds the value and the code (issue #12, "one formatter for all
//! formats"). LibreOffice saves the XLSX "as shown" to CSV; python-docx
//! reads the DOCX cells; pdftotext reads the PDF; openpyxl reads the codes
//! and whether each cell is a date.

mod common;

use std::collections::BTreeMap;

use common::*;
use exporter_core::{ExportOptions, Format, Table, export, export_with_warnings};

/// Number codes, and the values every one of them shows.
const NUMBER_CODES: &[&str] = &[
    "#,##0.00",
    "0.0%",
    "0.00E+00",
    "\"$\"#,##0.00_);(\"$\"#,##0.00)",
    "#,##0.00;(#,##0.00);\"-\"",
    "[$€-407] #,##0.00",
    "#,##0,",
    "000.0",
    "0.0,,\" M\"",
    "#,##0 \"units\"",
    "[Blue]0.000;[Red]-0.000",
    "0.00",
];
const NUMBERS: &[f64] = &[
    1132.8,
    -2825.775,
    0.0,
    0.125,
    1_234_567.891,
    0.2,
    99_999.95,
    -0.0004,
];

/// Date and time codes, and the date-times every one of them shows.
const DATE_CODES: &[&str] = &[
    "yyyy-mm-dd",
    "dddd, mmmm d, yyyy",
    "d-mmm-yy",
    "h:mm AM/PM",
    "hh:mm:ss",
    "mmm yyyy",
    "yyyy-mm-dd hh:mm",
    "dd/mm/yyyy",
    "ddd d mmmm",
];
const DATETIMES: &[&str] = &[
    "2024-10-18T14:30:05",
    "1900-03-01T00:00",
    "2000-02-29T23:59:59",
    "9999-12-31T12:00",
    "1999-01-05T09:05:00",
];
// Not compared with LibreOffice: a fraction of a second, which Excel rounds
// (`00:00:00.600` shows `00:00:01`) and LibreOffice truncates (`00:00:00`;
// excelize#1870, SheetJS/ssf#32); numfmt's unit tests pin Excel's way.

fn table_json(kind: &str, codes: &[&str], values: &[serde_json::Value]) -> String {
    let columns: Vec<serde_json::Value> = codes
        .iter()
        .enumerate()
        .map(|(c, code)| {
            serde_json::json!({"header": format!("C{}", c + 1), "type": kind, "format": code})
        })
        .collect();
    let rows: Vec<Vec<serde_json::Value>> = values
        .iter()
        .map(|v| codes.iter().map(|_| v.clone()).collect())
        .collect();
    serde_json::json!({"columns": columns, "rows": rows}).to_string()
}

/// What a Python script prints as JSON.
fn python(script: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["-c", script];
    all.extend_from_slice(args);
    let (ok, out, err) = run("python3", &all);
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The body cells of each column, by header, as LibreOffice shows them.
fn libreoffice_shown(xlsx: &[u8], dir: &Scratch) -> BTreeMap<String, Vec<String>> {
    let path = dir.path("shown.xlsx");
    std::fs::write(&path, xlsx).unwrap();
    // Comma, quote, UTF-8, from row 1, en-US, "save cell contents as shown".
    let csv = libreoffice_convert(
        &path,
        &dir.0,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false",
        "csv",
    );
    read_csv(&csv)
}

/// A CSV file's columns by header, as Python's csv module reads them.
fn read_csv(path: &std::path::Path) -> BTreeMap<String, Vec<String>> {
    by_header(&python(
        "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))))",
        &[path.to_str().unwrap()],
    ))
}

/// Rows (headers first) of a CSV or table as columns by header.
fn by_header(rows: &serde_json::Value) -> BTreeMap<String, Vec<String>> {
    let rows: Vec<Vec<String>> = serde_json::from_value(rows.clone()).unwrap();
    let mut columns = BTreeMap::new();
    for (c, header) in rows[0].iter().enumerate() {
        let cells = rows[1..]
            .iter()
            .map(|r| r.get(c).cloned().unwrap_or_default())
            .collect();
        columns.insert(header.clone(), cells);
    }
    columns
}

/// The body cells of each column of every table in a DOCX, by header.
fn docx_shown(docx: &[u8], dir: &Scratch) -> BTreeMap<String, Vec<String>> {
    let path = dir.path("shown.docx");
    std::fs::write(&path, docx).unwrap();
    let tables = python(
        "import docx, json, sys\n\
         d = docx.Document(sys.argv[1])\n\
         print(json.dumps([[[c.text for c in r.cells] for r in t.rows] for t in d.tables]))",
        &[path.to_str().unwrap()],
    );
    let mut columns = BTreeMap::new();
    for table in tables.as_array().unwrap() {
        columns.extend(by_header(table));
    }
    columns
}

fn check_against_libreoffice(json: &str, name: &str) {
    let dir = Scratch::new(&format!("formats-{name}"));
    let table = Table::from_json(json).unwrap();
    let xlsx = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let oracle = libreoffice_shown(&xlsx, &dir);
    assert_eq!(oracle.len(), table.column_count(), "{oracle:?}");

    let csv = export_with_warnings(
        &table,
        &ExportOptions::new(Format::Csv).csv_as_displayed(true),
        &mut |_, _| {},
    )
    .unwrap();
    // Cells a spreadsheet would run as a formula carry an apostrophe, and
    // say so (OWASP's CSV injection advice).
    let neutralised: Vec<String> = csv
        .warnings
        .iter()
        .filter(|w| w.code == "FORMULA_TEXT")
        .map(|w| w.location.to_string())
        .collect();
    let csv_path = dir.path("ours.csv");
    std::fs::write(&csv_path, &csv.bytes).unwrap();
    let ours_csv = read_csv(&csv_path);
    let docx = docx_shown(
        &export(&table, &ExportOptions::new(Format::Docx)).unwrap(),
        &dir,
    );
    let pdf_path = dir.path("ours.pdf");
    let pdf = export(&table, &ExportOptions::new(Format::Pdf)).unwrap();
    std::fs::write(&pdf_path, pdf).unwrap();
    let pdf_text: String = pdf_pages_text(&pdf_path).join(" ");
    let pdf_words = words(&pdf_text);

    let codes: Vec<String> = serde_json::from_str::<serde_json::Value>(json).unwrap()["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["format"].as_str().unwrap().to_owned())
        .collect();
    let mut wrong = Vec::new();
    for (c, code) in codes.iter().enumerate() {
        let header = format!("C{}", c + 1);
        let shown = &oracle[&header];
        for (r, want) in shown.iter().enumerate() {
            // LibreOffice pads `_)` and `?` with a space as we do; a space
            // at either end is not text a reader can see in the PDF.
            let got_csv = &ours_csv[&header][r];
            let got_docx = &docx[&header][r];
            let apostrophe = neutralised.contains(&format!("row {}, column {}", r + 1, c + 1))
                && *got_csv == format!("'{want}");
            if got_csv != want && !apostrophe {
                wrong.push(format!(
                    "CSV  {code:?} row {}: {got_csv:?}, LibreOffice {want:?}",
                    r + 1
                ));
            }
            if got_docx != want {
                wrong.push(format!(
                    "DOCX {code:?} row {}: {got_docx:?}, LibreOffice {want:?}",
                    r + 1
                ));
            }
            let want_words = words(want.trim());
            if !want_words.is_empty() && !is_subsequence(&want_words, &pdf_words) {
                wrong.push(format!(
                    "PDF  {code:?} row {}: {want:?} not in the page text",
                    r + 1
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn number_codes_show_what_libreoffice_shows() {
    let values: Vec<serde_json::Value> = NUMBERS.iter().map(|n| serde_json::json!(n)).collect();
    check_against_libreoffice(&table_json("number", NUMBER_CODES, &values), "numbers");
}

#[test]
fn date_codes_show_what_libreoffice_shows() {
    let values: Vec<serde_json::Value> = DATETIMES.iter().map(|d| serde_json::json!(d)).collect();
    check_against_libreoffice(&table_json("datetime", DATE_CODES, &values), "dates");
}

#[test]
fn openpyxl_reads_the_codes_and_the_dates() {
    let dir = Scratch::new("formats-openpyxl");
    let json = r##"{"columns": [
        {"header": "Issued", "key": "issued", "type": "date", "format": "dd mmm yyyy"},
        {"header": "Amount", "key": "amount", "type": "number", "format": "#,##0.00 \"€\""},
        {"header": "Sent", "key": "sent", "type": "datetime"},
        {"header": "Odd", "key": "odd", "type": "number", "format": "[>100]0"}],
      "rows": [{"issued": "2024-10-18", "amount": 2825.78, "sent": "2024-10-18T14:30:00", "odd": 5}]}"##;
    let table = Table::from_json(json).unwrap();
    let out =
        export_with_warnings(&table, &ExportOptions::new(Format::Xlsx), &mut |_, _| {}).unwrap();
    let path = dir.path("t.xlsx");
    std::fs::write(&path, &out.bytes).unwrap();
    let cells = python(
        "import openpyxl, json, sys\n\
         ws = openpyxl.load_workbook(sys.argv[1]).active\n\
         print(json.dumps([[c.number_format, c.is_date, str(c.value)] for c in ws[2]]))",
        &[path.to_str().unwrap()],
    );
    assert_eq!(
        cells,
        serde_json::json!([
            ["dd mmm yyyy", true, "2024-10-18 00:00:00"],
            ["#,##0.00 \"€\"", false, "2825.78"],
            ["yyyy\\-mm\\-dd\\ hh:mm:ss", true, "2024-10-18 14:30:00"],
            // Not supported: General, with a warning naming the column.
            ["General", false, "5"]
        ])
    );
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert_eq!(out.warnings[0].code, "UNSUPPORTED_FORMAT");
    assert_eq!(
        out.warnings[0].to_string(),
        "column 4: format \"[>100]0\" is not supported: `[>100]` (conditions and locale codes are not supported); shown as General"
    );
    let strict = export(&table, &ExportOptions::new(Format::Pdf).strict(true)).unwrap_err();
    assert_eq!(strict.code(), "UNSUPPORTED_FORMAT");
    assert_eq!(
        strict.to_string(),
        "column 4: format \"[>100]0\" is not supported: `[>100]` (conditions and locale codes are not supported)"
    );
}

#[test]
fn a_format_needs_a_type() {
    let err = Table::from_json(r#"{"columns": [{"header": "A", "format": "0.00"}], "rows": []}"#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid table JSON: column 1: `format` needs a `type` (number, date, datetime, time, text or boolean) to say what it formats at line 1 column 46"
    );
}

#[test]
fn whitespace_in_text_cells_survives_with_or_without_xml_space() {
    // `xml:space="preserve"` is written only where it matters (spaces at
    // either end, tabs, line breaks, runs of spaces): every reader must
    // still see each text exactly.
    let texts = [
        "plain words",
        " leading",
        "trailing ",
        "two  spaces",
        "tab\there",
        "line\nbreak",
        "\u{3000}ideographic",
        "nbsp\u{A0}inside",
        "x",
    ];
    let json = serde_json::json!({
        "headers": ["text"],
        "rows": texts.iter().map(|t| [t]).collect::<Vec<_>>(),
    });
    let table = Table::from_json(&json.to_string()).unwrap();
    let xlsx = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let dir = Scratch::new("formats-whitespace");
    let shown = libreoffice_shown(&xlsx, &dir);
    assert_eq!(shown["text"], texts, "LibreOffice");
    let path = dir.path("ws.xlsx");
    std::fs::write(&path, &xlsx).unwrap();
    let read = python(
        "import json, sys, openpyxl; ws = openpyxl.load_workbook(sys.argv[1]).active; print(json.dumps([r[0] for r in ws.iter_rows(min_row=2, values_only=True)]))",
        &[path.to_str().unwrap()],
    );
    assert_eq!(read, serde_json::json!(texts), "openpyxl");
}
