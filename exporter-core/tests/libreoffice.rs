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
