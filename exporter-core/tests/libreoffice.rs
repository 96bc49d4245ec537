//! LibreOffice, an independent reader, opens our DOCX and XLSX files and
//! converts them to PDF without error; the text survives the trip.

mod common;

use common::*;
use exporter_core::{ExportOptions, Format, Table, export};

#[test]
fn libreoffice_reads_docx_and_xlsx() {
    let dir = Scratch::new("libreoffice");
    let table = Table::from_json(
        r#"{"title": "Shipments & returns", "headers": ["Order", "Qty", "Paid", "Note"],
            "rows": [["A-1", 3, true, "=1+1"], ["A-2", null, false, "Привет мир"], ["A-3", 2.5, true, "a\u0001b\ttab\nnew line"]]}"#,
    )
    .unwrap();
    for format in [Format::Docx, Format::Xlsx] {
        let path = dir.path(&format!("t.{format}"));
        std::fs::write(&path, export(&table, &ExportOptions::new(format)).unwrap()).unwrap();
        let pdf = libreoffice_to_pdf(&path, &dir.0);
        let text = pdf_pages_text(&pdf).join("\n");
        for w in ["Shipments", "Order", "A-1", "A-3", "2.5", "=1+1", "Привет"] {
            assert!(
                text.contains(w),
                "{format}: {w} missing from LibreOffice's rendering:\n{text}"
            );
        }
    }
}

/// The `w:w` values of `tag` elements (`gridCol`, `tcW`) in document.xml.
fn widths(xml: &str, tag: &str) -> Vec<u32> {
    xml.split(&format!("<w:{tag} w:w=\""))
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn a_table_too_wide_for_the_page_stays_readable_in_libreoffice() {
    // Issue #12: 63 columns gave 31 of them 187 twips, narrower than the
    // cells' own margins (230); LibreOffice showed them empty and the rest
    // one character per line.
    let dir = Scratch::new("libreoffice-wide");
    let columns = 63;
    let headers: Vec<String> = (1..=columns).map(|c| format!("Col{c}")).collect();
    let rows: Vec<Vec<exporter_core::Cell>> = (1..=3)
        .map(|r| (1..=columns).map(|c| format!("r{r}c{c}").into()).collect())
        .collect();
    let table = Table::new(headers.clone(), rows).unwrap();
    let bytes = export(&table, &ExportOptions::new(Format::Docx)).unwrap();
    let document = unzip(&bytes)
        .into_iter()
        .find(|(n, _, _)| n == "word/document.xml")
        .map(|(_, _, d)| String::from_utf8(d).unwrap())
        .unwrap();
    // Every column holds its margins and a few characters; every cell
    // says its width too (Google Docs and LibreOffice read cells' widths).
    let grid = widths(&document, "gridCol");
    assert!(grid.iter().all(|&w| w >= 230 + 300), "{grid:?}");
    let cells = widths(&document, "tcW");
    assert_eq!(cells.len(), document.matches("<w:tc>").count());
    // The columns that do not fit continue in following tables, each
    // starting with the (narrow) first column so rows stay identifiable.
    let tables = document.matches("<w:tbl>").count();
    assert!(tables > 1, "{tables} tables");
    assert_eq!(document.matches(">Col1<").count(), tables);
    assert_eq!(document.matches(">r2c1<").count(), tables);
    let path = dir.path("wide.docx");
    std::fs::write(&path, &bytes).unwrap();
    let pdf = libreoffice_to_pdf(&path, &dir.0);
    let text = pdf_pages_text(&pdf).join("\n");
    let words: Vec<&str> = text.split_whitespace().collect();
    for r in 1..=3 {
        for c in 1..=columns {
            let value = format!("r{r}c{c}");
            assert!(
                words.contains(&value.as_str()),
                "{value} is not whole in LibreOffice's rendering:\n{text}"
            );
        }
    }
    for header in &headers {
        assert!(
            words.contains(&header.as_str()),
            "{header} not whole:\n{text}"
        );
    }
}
