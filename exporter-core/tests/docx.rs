//! DOCX read back as XML (table shape, repeating header, compression,
//! right-to-left paragraphs) and laid out by LibreOffice.

mod common;

use common::{
    Scratch, WordBox, libreoffice_to_pdf, part, pdf_pages_text, pdf_word_boxes, run, sample_table,
    shown, unzip,
};
use exporter_core::{ExportOptions, Format, Orientation, Table, export};

fn document_xml(bytes: &[u8]) -> String {
    part(bytes, "word/document.xml")
}

#[test]
fn table_has_every_row_and_a_repeating_header() {
    let table = sample_table(300, 6).with_title("Inventory & stock");
    let bytes = export(&table, &ExportOptions::new(Format::Docx)).unwrap();
    let xml = document_xml(&bytes);
    assert_eq!(xml.matches("<w:tr>").count(), 301);
    assert_eq!(xml.matches("<w:tblHeader/>").count(), 1);
    assert_eq!(xml.matches("<w:tc>").count(), 301 * 6);
    assert_eq!(xml.matches("<w:gridCol ").count(), 6);
    assert!(xml.contains("Inventory &amp; stock"));
    assert!(xml.contains(r#"<w:pStyle w:val="Heading1"/>"#));
    for r in [0, 150, 299] {
        for c in 0..6 {
            let text = shown(table.cell(r, c));
            if !text.is_empty() {
                assert!(xml.contains(&format!(">{text}<")), "{text} missing");
            }
        }
    }
}

#[test]
fn every_part_is_deflated() {
    let bytes = export(&sample_table(2000, 10), &ExportOptions::new(Format::Docx)).unwrap();
    let parts = unzip(&bytes);
    let uncompressed: usize = parts.iter().map(|(_, _, d)| d.len()).sum();
    for (name, method, _) in &parts {
        assert_eq!(
            *method,
            zip::CompressionMethod::Deflated,
            "{name} is not compressed"
        );
    }
    assert!(
        bytes.len() * 8 < uncompressed,
        "{} bytes from {uncompressed}",
        bytes.len()
    );
}

#[test]
fn wide_tables_turn_the_page() {
    let table = sample_table(5, 20);
    let auto = document_xml(&export(&table, &ExportOptions::new(Format::Docx)).unwrap());
    assert!(auto.contains(r#"w:orient="landscape""#));
    let portrait = ExportOptions::new(Format::Docx).orientation(Orientation::Portrait);
    assert!(!document_xml(&export(&table, &portrait).unwrap()).contains("landscape"));
    let narrow =
        document_xml(&export(&sample_table(5, 2), &ExportOptions::new(Format::Docx)).unwrap());
    assert!(!narrow.contains("landscape"));
}

#[test]
fn control_characters_are_dropped_tabs_and_newlines_kept() {
    let table =
        Table::from_json(r#"{"headers": ["a"], "rows": [["x\u0001y\tz\nw\u000b"]]}"#).unwrap();
    let xml = document_xml(&export(&table, &ExportOptions::new(Format::Docx)).unwrap());
    assert!(xml.contains(r#"<w:t xml:space="preserve">xy</w:t><w:tab/><w:t xml:space="preserve">z</w:t><w:br/><w:t xml:space="preserve">w</w:t>"#), "{xml}");
}

#[test]
fn column_widths_follow_content() {
    let table = Table::from_json(r#"{"headers": ["Id", "Description"], "rows": [["1", "a rather long description of the item in this row"]]}"#).unwrap();
    let xml = document_xml(&export(&table, &ExportOptions::new(Format::Docx)).unwrap());
    let widths: Vec<u32> = xml
        .match_indices("<w:gridCol w:w=\"")
        .map(|(i, m)| {
            xml[i + m.len()..]
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(widths.len(), 2);
    assert!(widths[1] > widths[0] * 3, "{widths:?}");
}

#[test]
fn right_to_left_text_runs_right_to_left_with_bold_headers() {
    let table = Table::from_json(
        r#"{"title": "تقرير المبيعات", "columns": [{"header": "الاسم"},
            {"header": "المبلغ", "align": "left"}, {"header": "Name"}],
          "rows": [["محمد علي", "مرحبا", "Alice"], ["משה", "שלום עולם", "Bob"]]}"#,
    )
    .unwrap();
    let bytes = export(&table, &ExportOptions::new(Format::Docx)).unwrap();
    let xml = document_xml(&bytes);
    // Bold for complex scripts too; right-to-left paragraphs and runs;
    // Latin left as it was.
    assert!(
        xml.contains("<w:rPr><w:b/><w:bCs/><w:rtl/></w:rPr><w:t xml:space=\"preserve\">الاسم"),
        "{xml}"
    );
    assert!(xml.contains("<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/><w:bidi/></w:pPr>"));
    assert!(xml.contains(
        "<w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:t xml:space=\"preserve\">محمد علي"
    ));
    // Asked to sit left, a right-to-left paragraph is aligned at its end.
    assert!(xml.contains(
        "<w:p><w:pPr><w:bidi/><w:jc w:val=\"right\"/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:t xml:space=\"preserve\">مرحبا"
    ));
    assert!(xml.contains("<w:p><w:r><w:t xml:space=\"preserve\">Alice"));

    // LibreOffice lays it out so: the first column's cells end at one
    // right edge, the second column's start at one left edge.
    let dir = Scratch::new("docx-rtl");
    let path = dir.path("rtl.docx");
    std::fs::write(&path, &bytes).unwrap();
    let pdf = libreoffice_to_pdf(&path, &dir.path(""));
    let (_, words) = pdf_word_boxes(&pdf);
    // pdftotext gives right-to-left words in visual order.
    let find = |word: &str| -> &WordBox {
        let visual: String = word.chars().rev().collect();
        words
            .iter()
            .find(|w| w.text == visual)
            .unwrap_or_else(|| panic!("{word} not in {words:?}"))
    };
    // (Not the header: LibreOffice's own PDF reads its lam-alef wrong.)
    let first: Vec<f64> = ["محمد", "משה"].iter().map(|w| find(w).x1).collect();
    let second: Vec<f64> = ["المبلغ", "مرحبا", "עולם"]
        .iter()
        .map(|w| find(w).x0)
        .collect();
    for x in &first {
        assert!(
            (x - first[0]).abs() < 1.0,
            "first column right edges {first:?}"
        );
    }
    for x in &second {
        assert!(
            (x - second[0]).abs() < 1.0,
            "second column left edges {second:?}"
        );
    }
    assert!(first[0] < second[0]);
    // The title sits at the right of the page (A4, 595 pt wide).
    assert!(find("المبيعات").x0 > 595.0 / 2.0, "{words:?}");
}

#[test]
fn cjk_text_is_drawn_in_a_sans_serif_of_its_language() {
    // Without an East Asian font LibreOffice drew CJK in Noto Serif CJK
    // beside Arial. The document names Office's sans-serif for the
    // language its text shows (kana: Japanese, hangul: Korean, else
    // Chinese) and says the language.
    let docx = |json: &str| {
        export(
            &Table::from_json(json).unwrap(),
            &ExportOptions::new(Format::Docx),
        )
        .unwrap()
    };
    for (json, font, lang) in [
        (
            r#"{"headers": ["都市"], "rows": [["東京"], ["とうきょう"]]}"#,
            "Yu Gothic",
            "ja-JP",
        ),
        (
            r#"{"headers": ["도시"], "rows": [["서울 特別市"]]}"#,
            "Malgun Gothic",
            "ko-KR",
        ),
        (
            r#"{"title": "城市", "headers": ["x"], "rows": [["北京"]]}"#,
            "Microsoft YaHei",
            "zh-CN",
        ),
    ] {
        let bytes = docx(json);
        let styles = part(&bytes, "word/styles.xml");
        assert!(
            styles.contains(&format!("w:eastAsia=\"{font}\" w:cs=\"Arial\"/>")),
            "{styles}"
        );
        assert!(
            styles.contains(&format!("<w:lang w:val=\"en-US\" w:eastAsia=\"{lang}\"/>")),
            "{styles}"
        );
        let fonts = part(&bytes, "word/fontTable.xml");
        assert!(
            fonts.contains(&format!("<w:font w:name=\"{font}\">")),
            "{fonts}"
        );
    }
    let latin = docx(r#"{"headers": ["city"], "rows": [["Paris"], ["Zürich"]]}"#);
    assert!(!part(&latin, "word/styles.xml").contains("eastAsia"));

    let dir = Scratch::new("docx-cjk");
    let path = dir.path("cjk.docx");
    std::fs::write(
        &path,
        docx(r#"{"headers": ["都市", "説明"], "rows": [["東京", "日本の首都です"]]}"#),
    )
    .unwrap();
    let pdf = libreoffice_to_pdf(&path, &dir.path(""));
    let (_, fonts, _) = run("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(
        fonts.contains("NotoSansCJK") && !fonts.contains("Serif"),
        "{fonts}"
    );
    assert!(pdf_pages_text(&pdf).concat().contains("日本の首都です"));
}
