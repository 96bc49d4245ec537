//! Links (issue #12): a `link` column's URLs, and `{"text", "url"}` cells,
//! are hyperlinks in XLSX (openpyxl reads `hyperlink.target`) and DOCX
//! (python-docx reads `Paragraph.hyperlinks`), link annotations in the PDF
//! (pypdf reads `/Annots`), and the address in CSV. Only http, https and
//! mailto addresses become links.

mod common;

use common::*;
use exporter_core::{ExportOptions, Format, Table, export, export_with_warnings};

const TABLE: &str = r#"{"title": "Invoices", "columns": [
    {"header": "Invoice", "key": "id"},
    {"header": "Portal", "key": "portal", "type": "link"}],
  "rows": [
    {"id": "INV-1", "portal": {"text": "open", "url": "https://billing.example.com/inv/1?a=1&b=2"}},
    {"id": "INV-2", "portal": "https://billing.example.com/inv/2"},
    {"id": "INV-3", "portal": "mailto:billing@example.com"},
    {"id": "INV-4", "portal": "javascript:alert(1)"},
    {"id": "INV-5"},
    {"id": "INV-6", "portal": {"text": "same again", "url": "https://billing.example.com/inv/2"}}]}"#;

fn python(script: &str, path: &std::path::Path) -> serde_json::Value {
    let (ok, out, err) = run("python3", &["-c", script, path.to_str().unwrap()]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn links_are_links_in_every_format() {
    let dir = Scratch::new("links");
    let table = Table::from_json(TABLE).unwrap();
    let xlsx =
        export_with_warnings(&table, &ExportOptions::new(Format::Xlsx), &mut |_, _| {}).unwrap();
    // Not an address Rowpress writes as a link: kept as text, with a warning.
    let warnings: Vec<String> = xlsx.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "row 4, column 2: \"javascript:alert(1)\" is not an http, https or mailto address; kept as it is"
        ]
    );
    let path = dir.path("t.xlsx");
    std::fs::write(&path, &xlsx.bytes).unwrap();
    let cells = python(
        "import openpyxl, json, sys\n\
         ws = openpyxl.load_workbook(sys.argv[1]).active\n\
         print(json.dumps([[c.value, c.hyperlink.target if c.hyperlink else None, c.font.u] for c in ws['B'][2:]]))",
        &path,
    );
    assert_eq!(
        cells,
        serde_json::json!([
            [
                "open",
                "https://billing.example.com/inv/1?a=1&b=2",
                "single"
            ],
            [
                "https://billing.example.com/inv/2",
                "https://billing.example.com/inv/2",
                "single"
            ],
            [
                "mailto:billing@example.com",
                "mailto:billing@example.com",
                "single"
            ],
            ["javascript:alert(1)", null, null],
            [null, null, null],
            ["same again", "https://billing.example.com/inv/2", "single"]
        ])
    );

    let path = dir.path("t.docx");
    std::fs::write(
        &path,
        export(&table, &ExportOptions::new(Format::Docx)).unwrap(),
    )
    .unwrap();
    let links = python(
        "import docx, json, sys\n\
         d = docx.Document(sys.argv[1])\n\
         print(json.dumps([[h.text, h.url] for t in d.tables for row in t.rows for p in row.cells[1].paragraphs for h in p.hyperlinks]))",
        &path,
    );
    assert_eq!(
        links,
        serde_json::json!([
            ["open", "https://billing.example.com/inv/1?a=1&b=2"],
            [
                "https://billing.example.com/inv/2",
                "https://billing.example.com/inv/2"
            ],
            ["mailto:billing@example.com", "mailto:billing@example.com"],
            ["same again", "https://billing.example.com/inv/2"]
        ])
    );

    let path = dir.path("t.pdf");
    std::fs::write(
        &path,
        export(&table, &ExportOptions::new(Format::Pdf)).unwrap(),
    )
    .unwrap();
    qpdf_check(&path);
    let annotations = python(
        "import pypdf, json, sys\n\
         r = pypdf.PdfReader(sys.argv[1])\n\
         out = []\n\
         for page in r.pages:\n\
         \x20   for a in page.get('/Annots') or []:\n\
         \x20       a = a.get_object()\n\
         \x20       out.append([a['/Subtype'], a['/A']['/URI'], [round(float(v)) for v in a['/Rect']]])\n\
         print(json.dumps(out))",
        &path,
    );
    let annotations = annotations.as_array().unwrap();
    let uris: Vec<&str> = annotations.iter().map(|a| a[1].as_str().unwrap()).collect();
    assert_eq!(
        uris,
        [
            "https://billing.example.com/inv/1?a=1&b=2",
            "https://billing.example.com/inv/2",
            "mailto:billing@example.com",
            "https://billing.example.com/inv/2"
        ]
    );
    assert!(annotations.iter().all(|a| a[0] == "/Link"));
    // Each over its own cell: the rows go down the page.
    let tops: Vec<i64> = annotations
        .iter()
        .map(|a| a[2][3].as_i64().unwrap())
        .collect();
    assert!(tops.windows(2).all(|w| w[0] > w[1]), "{tops:?}");
    let text = pdf_pages_text(&path).join("\n");
    assert!(
        text.contains("open") && text.contains("same again"),
        "{text}"
    );

    // CSV: the address, which is the value; as displayed, the text.
    let csv = String::from_utf8(export(&table, &ExportOptions::new(Format::Csv)).unwrap()).unwrap();
    assert!(
        csv.contains("INV-1,https://billing.example.com/inv/1?a=1&b=2\r\n"),
        "{csv}"
    );
    let shown = String::from_utf8(
        export(
            &table,
            &ExportOptions::new(Format::Csv).csv_as_displayed(true),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(shown.contains("INV-1,open\r\n"), "{shown}");
}

#[test]
fn a_link_rowpress_does_not_write_is_named() {
    for (cell, message) in [
        (
            r#"{"text": "x", "url": "javascript:alert(1)"}"#,
            "row 1, column 1: link url \"javascript:alert(1)\" is not an http, https or mailto address",
        ),
        (
            r#"{"text": "x", "url": "https://a.example/b c"}"#,
            "row 1, column 1: link url \"https://a.example/b c\" holds a space or a control character; encode it (%20)",
        ),
        (
            r#"{"text": "x"}"#,
            "row 1, column 1: a link needs a \"url\"",
        ),
        (
            r#"{"href": "https://a.example"}"#,
            "row 1, column 1: a cell must be a string, number, boolean or null, found an object with \"href\" (the one object a cell may be is a link, {\"text\", \"url\"})",
        ),
    ] {
        let json = format!(r#"{{"headers": ["a"], "rows": [[{cell}]]}}"#);
        let err = Table::from_json(&json).unwrap_err();
        assert_eq!(
            (err.to_string(), err.code()),
            (message.to_owned(), "INVALID_CELL"),
            "{cell}"
        );
    }
    // Strict refuses a link column's value that is not a link.
    let table = Table::from_json(
        r#"{"columns": [{"header": "a", "type": "link"}], "rows": [["ftp://x.example"]]}"#,
    )
    .unwrap();
    let err = export(&table, &ExportOptions::new(Format::Docx).strict(true)).unwrap_err();
    assert_eq!(err.code(), "TYPE_MISMATCH");
}
