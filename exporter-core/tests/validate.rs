//! Our XLSX and DOCX validate against ECMA-376 (openxml-audit, a
//! validator from PyPI that applies the Open XML SDK's schema and semantic
//! rules): every kind of table the other tests make, in one run, with no
//! error; and the validator does fail a broken file.

mod common;

use std::io::{Read, Write};

use common::*;
use exporter_core::{ExportOptions, Format, Table, Workbook, export, export_workbook};

/// The tables: plain, typed with formats, links, line breaks and
/// characters XML cannot carry, CJK (Chinese; Japanese with Korean), and
/// one too wide for a page.
fn tables() -> Vec<(&'static str, Table)> {
    let wide = Table::new(
        (1..=63).map(|c| format!("Col{c}")).collect(),
        (1..=3)
            .map(|r| (1..=63).map(|c| format!("r{r}c{c}").into()).collect())
            .collect(),
    )
    .unwrap();
    vec![
        ("sample", sample_table(40, 6)),
        (
            "typed",
            Table::from_json(
                r##"{"title": "Invoices & <returns>", "columns": [
                    {"header": "Issued", "type": "date", "format": "dddd, mmmm d, yyyy"},
                    {"header": "Sent", "type": "datetime"},
                    {"header": "Amount", "type": "number", "format": "#,##0.00 \"€\";(#,##0.00)", "align": "right", "width": 14},
                    {"header": "Tax", "type": "number", "format": "0.0%"},
                    {"header": "Paid", "type": "boolean"},
                    {"header": "Odd", "type": "number", "format": "[>1]0"},
                    {"header": "Portal", "type": "link"}],
                  "rows": [["2024-10-18", "2024-10-18T14:30:00", 2825.78, 0.2, true, 3, "https://example.com/?a=1&b=2"],
                           ["1850-01-01", "bad", -5, null, "false", 1e308, {"text": "mail", "url": "mailto:a@example.com"}],
                           [null, null, 12345678901234567890, 0, null, null, "javascript:x"]]}"##,
            )
            .unwrap(),
        ),
        (
            "text",
            Table::from_json(
                "{\"title\": \"Line one\\nline two\", \"headers\": [\"Note\\nwrapped\", \"Δ\"],
                  \"rows\": [[\"a\\u0001b\\r\\nc\\td _x0041_\", \"東京 Привет مرحبا\"], [\"=1+1\", \"\\uFFFE\"]]}",
            )
            .unwrap(),
        ),
        ("wide", wide),
        (
            "japanese",
            Table::from_json(r#"{"headers": ["都市", "도시"], "rows": [["とうきょう", "서울"]]}"#)
                .unwrap(),
        ),
        (
            "rtl",
            Table::from_json(
                r#"{"title": "تقرير المبيعات", "columns": [{"header": "الاسم"},
                    {"header": "المبلغ", "align": "left"}, {"header": "Link", "type": "link"}],
                  "rows": [["محمد علي", "שלום", {"text": "موقع", "url": "https://example.com"}]]}"#,
            )
            .unwrap(),
        ),
    ]
}

#[test]
fn every_xlsx_and_docx_validates() {
    let dir = Scratch::new("validate");
    let mut made = 0;
    for (name, table) in tables() {
        for format in [Format::Xlsx, Format::Docx] {
            let bytes = export(&table, &ExportOptions::new(format)).unwrap();
            std::fs::write(dir.path(&format!("{name}.{format}")), bytes).unwrap();
            made += 1;
        }
    }
    // All of them as the sheets of one workbook: several worksheets, and
    // a DOCX of several sections.
    let sheets = tables().into_iter().map(|(_, t)| t).collect();
    let book = Workbook::new(Some("All".into()), sheets).unwrap();
    for format in [Format::Xlsx, Format::Docx] {
        let out =
            export_workbook(book.clone(), &ExportOptions::new(format), &mut |_, _| {}).unwrap();
        std::fs::write(dir.path(&format!("book.{format}")), out.bytes).unwrap();
        made += 1;
    }
    let verdicts = audit(&dir.0);
    assert_eq!(verdicts.len(), made, "{verdicts:#?}");
    for v in &verdicts {
        assert!(
            v["valid"] == true && v["error_count"] == 0,
            "{} does not validate: {:#}",
            v["file"],
            v["errors"]
        );
    }
}

#[test]
fn the_validator_fails_a_broken_file() {
    // The same DOCX with an element the schema does not allow in a run.
    let dir = Scratch::new("validate-broken");
    let table = Table::new(vec!["a".into()], vec![vec!["x".into()]]).unwrap();
    let good = export(&table, &ExportOptions::new(Format::Docx)).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&good)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == "word/document.xml" {
            let text = String::from_utf8(data).unwrap();
            data = text.replacen("<w:t ", "<w:bogus/><w:t ", 1).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    let broken = out.finish().unwrap().into_inner();
    std::fs::write(dir.path("broken.docx"), broken).unwrap();
    std::fs::write(dir.path("good.docx"), good).unwrap();
    let verdicts = audit(&dir.0);
    let valid = |file: &str| {
        verdicts
            .iter()
            .find(|v| v["file"].as_str().unwrap().ends_with(file))
            .map(|v| v["valid"] == true)
            .unwrap()
    };
    assert!(valid("good.docx"), "{verdicts:#?}");
    assert!(!valid("broken.docx"), "{verdicts:#?}");
}

/// openxml-audit's verdict on every file in `dir`.
fn audit(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let (_, out, err) = run(
        "openxml-audit",
        &["-o", "json", "-m", "20", "-r", dir.to_str().unwrap()],
    );
    serde_json::from_str::<Vec<serde_json::Value>>(&out)
        .unwrap_or_else(|e| panic!("openxml-audit: {e}\n{out}\n{err}"))
}
