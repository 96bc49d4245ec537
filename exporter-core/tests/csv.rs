//! CSV read back by Python's csv module, an independent reader: every value
//! as given, RFC 4180 quoting, formulas neutralised with a warning.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Scratch, run};
use exporter_core::{ExportOptions, Format, Table, export, export_with_warnings};

/// The records Python's csv module reads from `bytes` (BOM removed by
/// `utf-8-sig`), as JSON.
fn python_reads(bytes: &[u8]) -> Vec<Vec<String>> {
    // One directory per call: the tests run in parallel.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let dir = Scratch::new(&format!(
        "csv-read-{}",
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    let path = dir.path("t.csv");
    std::fs::write(&path, bytes).unwrap();
    let (ok, out, err) = run(
        "python3",
        &[
            "-c",
            "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig')))))",
            path.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn python_reads_back_every_value() {
    let table = Table::from_json(
        r#"{"title": "Not written", "headers": ["Name", "Qty, boxes", "Paid", "Note"],
            "rows": [["Ann \"the\" first", 3, true, "line one\nline two"],
                     ["Привет, мир", 2.5, false, null],
                     ["東京", -0.000001, null, "tab\there"],
                     ["big", 12345678901234567890, 1e21, ""],
                     ["short"]]}"#,
    )
    .unwrap();
    let bytes = export(&table, &ExportOptions::new(Format::Csv)).unwrap();
    assert!(!bytes.starts_with("\u{FEFF}".as_bytes()));
    assert!(bytes.ends_with(b"\r\n"));
    assert_eq!(
        python_reads(&bytes),
        [
            vec!["Name", "Qty, boxes", "Paid", "Note"],
            vec!["Ann \"the\" first", "3", "true", "line one\nline two"],
            vec!["Привет, мир", "2.5", "false", ""],
            vec!["東京", "-0.000001", "", "tab\there"],
            vec!["big", "12345678901234567890", "1e+21", ""],
            vec!["short", "", "", ""],
        ]
    );
    // RFC 4180: records end in CRLF, quotes are doubled inside quotes.
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.starts_with("Name,\"Qty, boxes\",Paid,Note\r\n\"Ann \"\"the\"\" first\",3,true,"),
        "{text}"
    );
    // Excel needs a BOM to read UTF-8; on request.
    let with_bom = export(&table, &ExportOptions::new(Format::Csv).csv_bom(true)).unwrap();
    assert!(with_bom.starts_with("\u{FEFF}Name,".as_bytes()));
    assert_eq!(python_reads(&with_bom), python_reads(text.as_bytes()));
}

#[test]
fn formulas_are_neutralised_with_a_warning() {
    let table = Table::from_json(
        r#"{"headers": ["=cmd", "b"], "rows": [["=1+1", "-5"], ["+SUM(A1:A2)", "@cmd"], ["-2+3", "+1.5"]]}"#,
    )
    .unwrap();
    let out =
        export_with_warnings(&table, &ExportOptions::new(Format::Csv), &mut |_, _| {}).unwrap();
    assert_eq!(
        python_reads(&out.bytes),
        [
            vec!["'=cmd", "b"],
            vec!["'=1+1", "-5"],
            vec!["'+SUM(A1:A2)", "'@cmd"],
            vec!["'-2+3", "+1.5"],
        ]
    );
    let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 5, "{warnings:?}");
    assert_eq!(
        warnings[1],
        "row 1, column 1: text starting with '=' is written with a leading apostrophe, so a spreadsheet shows it rather than running it as a formula"
    );
    assert_eq!(out.warnings[0].code, "FORMULA_TEXT");
    let err = export(&table, &ExportOptions::new(Format::Csv).strict(true)).unwrap_err();
    assert_eq!(err.code(), "FORMULA_TEXT");
    assert_eq!(
        err.to_string(),
        "header of column 1: text a spreadsheet would run as a formula; remove the leading character, or export without strict"
    );
}

#[test]
fn the_cli_writes_csv() {
    let (ok, out, err) = run(env!("CARGO_BIN_EXE_table-export"), &["--help"]);
    assert!(ok, "{err}");
    assert!(out.contains("--bom") && out.contains("csv"), "{out}");
    let dir = Scratch::new("csv-cli");
    let input = dir.path("t.json");
    std::fs::write(&input, r#"{"headers": ["a"], "rows": [["x"], [1]]}"#).unwrap();
    let target = dir.path("t.csv");
    let (ok, _, err) = run(
        env!("CARGO_BIN_EXE_table-export"),
        &[
            input.to_str().unwrap(),
            "-f",
            "csv",
            "-o",
            target.to_str().unwrap(),
            "--bom",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        "\u{FEFF}a\r\nx\r\n1\r\n".as_bytes()
    );
}

#[test]
fn the_cli_writes_typed_columns_as_displayed_on_request() {
    let dir = Scratch::new("csv-cli-displayed");
    let input = dir.path("t.json");
    std::fs::write(
        &input,
        r##"{"columns": [{"header": "Amount", "type": "number", "format": "#,##0.00"},
                         {"header": "Issued", "type": "date", "format": "d mmm yyyy"},
                         {"header": "Odd", "type": "number", "format": "[<0]0"}],
            "rows": [[-1132.8, "2024-10-18", 3]]}"##,
    )
    .unwrap();
    let target = dir.path("t.csv");
    let args = |displayed: bool| {
        let mut args = vec![
            input.to_str().unwrap().to_owned(),
            "-f".into(),
            "csv".into(),
            "-o".into(),
            target.to_str().unwrap().to_owned(),
        ];
        if displayed {
            args.push("--as-displayed".into());
        }
        args
    };
    let cli = env!("CARGO_BIN_EXE_table-export");
    let plain: Vec<String> = args(false);
    let (ok, _, err) = run(cli, &plain.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "Amount,Issued,Odd\r\n-1132.8,2024-10-18,3\r\n"
    );
    let shown: Vec<String> = args(true);
    let (ok, _, err) = run(cli, &shown.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "Amount,Issued,Odd\r\n\"-1,132.80\",18 Oct 2024,3\r\n"
    );
    // The code it cannot show is named, once, on standard error.
    assert_eq!(
        err.trim(),
        "warning: column 3: format \"[<0]0\" is not supported: `[<0]` (conditions and locale codes are not supported); shown as General"
    );
}

#[test]
fn the_cli_infers_types_on_request() {
    let dir = Scratch::new("csv-cli-infer");
    let input = dir.path("t.json");
    std::fs::write(
        &input,
        r#"{"headers": ["When", "Amount", "Zip"], "rows": [["2024-10-18", "1,234.5", "007"], ["2024-10-19", "12.25", "98101"]]}"#,
    )
    .unwrap();
    let target = dir.path("t.xlsx");
    let (ok, _, err) = run(
        env!("CARGO_BIN_EXE_table-export"),
        &[
            input.to_str().unwrap(),
            "-f",
            "xlsx",
            "-o",
            target.to_str().unwrap(),
            "--infer-types",
        ],
    );
    assert!(ok, "{err}");
    let (ok, out, err) = run(
        "python3",
        &[
            "-c",
            "import openpyxl, json, sys\nws = openpyxl.load_workbook(sys.argv[1]).active\nprint(json.dumps([[c.is_date, c.number_format, str(c.value)] for c in ws[2]]))",
            target.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(
        out.trim(),
        r##"[[true, "yyyy-mm-dd", "2024-10-18 00:00:00"], [false, "#,##0.00", "1234.5"], [false, "General", "007"]]"##
    );
}

#[test]
fn a_view_of_typed_columns_shows_what_the_displayed_csv_holds() {
    // The web app's table view shows `shown_columns`: each typed cell as
    // the files show it, a cell not of its column's type as given.
    let table = Table::from_json(
        r##"{"columns": [
          {"header": "Id"},
          {"header": "Issued", "type": "date", "format": "d mmm yyyy"},
          {"header": "Amount", "type": "number", "format": "#,##0.00;(#,##0.00)"},
          {"header": "Tax", "type": "number", "format": "0.0%"},
          {"header": "Sent", "type": "datetime"},
          {"header": "Paid", "type": "boolean"},
          {"header": "Portal", "type": "link"}
        ],
        "rows": [
          ["A", "2024-10-18", 1132.8, 0.2, "2024-10-18T14:30", true, {"text": "open", "url": "https://example.com/1"}],
          ["B", "soon", 1234567.891, "n/a", null, "false", "https://example.com/2"],
          ["C"]
        ]}"##,
    )
    .unwrap();
    let shown = exporter_core::shown_columns(&table);
    assert!(shown[0].is_none(), "an untyped column shows as given");
    let csv = export(
        &table,
        &ExportOptions::new(Format::Csv).csv_as_displayed(true),
    )
    .unwrap();
    let records = python_reads(&csv);
    for (c, column) in shown.iter().enumerate().skip(1) {
        let column = column.as_ref().unwrap();
        let from_csv: Vec<&str> = records[1..].iter().map(|r| r[c].as_str()).collect();
        assert_eq!(column, &from_csv, "column {}", c + 1);
    }
    assert_eq!(shown[1].as_ref().unwrap()[..2], ["18 Oct 2024", "soon"]);
    assert_eq!(
        shown[2].as_ref().unwrap()[..2],
        ["1,132.80", "1,234,567.89"]
    );
    assert_eq!(
        shown[6].as_ref().unwrap()[..2],
        ["open", "https://example.com/2"]
    );
}
