//! XLSX read back with calamine: values and types as given, no formulas.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{part, sample_table};
use exporter_core::{ExportOptions, Format, Table, export};

fn read(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens the file")
}

#[test]
fn every_value_keeps_its_type_and_value() {
    let table = sample_table(500, 7).with_title("Sample");
    let bytes = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let mut book = read(&bytes);
    assert_eq!(book.sheet_names(), ["Sample"]);
    let range = book.worksheet_range("Sample").unwrap();
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String("Sample".into()))
    );
    for (c, h) in table.headers().iter().enumerate() {
        assert_eq!(
            range.get_value((1, c as u32)),
            Some(&Data::String(h.clone()))
        );
    }
    for r in 0..table.row_count() {
        for c in 0..table.column_count() {
            let got = range
                .get_value((r as u32 + 2, c as u32))
                .cloned()
                .unwrap_or(Data::Empty);
            assert_eq!(
                got,
                common::calamine_value(table.cell(r, c)),
                "row {r} column {c}"
            );
        }
    }
}

#[test]
fn formula_lookalikes_stay_text() {
    let json = r#"{"headers": ["a", "b", "c", "d"], "rows": [["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd"], ["=cmd|' /C calc'!A0", "_x0041_", "tab\there", "line\nbreak"]]}"#;
    let table = Table::from_json(json).unwrap();
    let bytes = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let mut book = read(&bytes);
    let formulas = book.worksheet_formula("Sheet1").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "a formula was written"
    );
    let range = book.worksheet_range("Sheet1").unwrap();
    for r in 0..2 {
        for c in 0..4 {
            assert_eq!(
                range.get_value((r + 1, c)),
                Some(&common::calamine_value(table.cell(r as usize, c as usize)))
            );
        }
    }
}

#[test]
fn control_characters_survive_as_excel_escapes() {
    let table = Table::from_json(
        r#"{"headers": ["a", "b"], "rows": [["bell\u0007 and nul\u0000", "cr\r\nlf \ufffe _x0041_"]]}"#,
    )
    .unwrap();
    let bytes = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let range = read(&bytes).worksheet_range("Sheet1").unwrap();
    assert_eq!(
        range.get_value((1, 0)),
        Some(&Data::String("bell\u{7} and nul\u{0}".into()))
    );
    assert_eq!(
        range.get_value((1, 1)),
        Some(&Data::String("cr\nlf \u{fffe} _x0041_".into()))
    );
}

#[test]
fn line_ends_are_written_as_excel_holds_them() {
    // Excel's own cells hold LF; `_x000D_` (CR) shows raw in openpyxl,
    // exceljs and Gnumeric (issue #12).
    let table = Table::from_json(
        r#"{"title": "T\r\nU", "headers": ["h\r\ni"], "rows": [["a\r\nb\rc\n\nd"]]}"#,
    )
    .unwrap();
    let bytes = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("_x000D_"), "{sheet}");
    let mut book = read(&bytes);
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("T\nU".into())));
    assert_eq!(range.get_value((1, 0)), Some(&Data::String("h\ni".into())));
    assert_eq!(
        range.get_value((2, 0)),
        Some(&Data::String("a\nb\nc\n\nd".into()))
    );
}

/// The `cellXfs` entries of styles.xml, in order.
fn cell_formats(bytes: &[u8]) -> Vec<String> {
    let styles = part(bytes, "xl/styles.xml");
    let xfs = styles.split("<cellXfs").nth(1).unwrap();
    let xfs = xfs.split("</cellXfs>").next().unwrap();
    xfs.split("<xf ").skip(1).map(str::to_owned).collect()
}

/// The style index of cell `cell_ref` in the sheet XML.
fn style_of(sheet: &str, cell_ref: &str) -> usize {
    let start = sheet
        .find(&format!("<c r=\"{cell_ref}\""))
        .unwrap_or_else(|| panic!("no cell {cell_ref}"));
    let tag = &sheet[start..start + sheet[start..].find('>').unwrap()];
    tag.split(" s=\"")
        .nth(1)
        .map_or(0, |s| s.split('"').next().unwrap().parse().unwrap())
}

#[test]
fn title_and_headers_with_line_breaks_wrap() {
    let table = Table::from_json(
        r#"{"title": "Sales\nby region", "headers": ["Net\namount", "Plain"], "rows": [["x\ny", "z"]]}"#,
    )
    .unwrap();
    let bytes = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    let xfs = cell_formats(&bytes);
    for cell in ["A1", "A2", "A3"] {
        let xf = &xfs[style_of(&sheet, cell)];
        assert!(xf.contains(r#"wrapText="1""#), "{cell}: {xf}");
    }
    // The title and header keep their fonts when they wrap.
    assert_eq!(
        xfs[style_of(&sheet, "A2")].split(" xfId").next(),
        xfs[style_of(&sheet, "B2")].split(" xfId").next()
    );
    assert_ne!(style_of(&sheet, "A1"), style_of(&sheet, "A2"));
    let plain = &xfs[style_of(&sheet, "B2")];
    assert!(!plain.contains("wrapText"), "{plain}");
}

#[test]
fn header_is_frozen_filtered_and_bold() {
    let table = sample_table(10, 3).with_title("T");
    let bytes = export(&table, &ExportOptions::new(Format::Xlsx)).unwrap();
    let sheet = common::unzip(&bytes)
        .into_iter()
        .find(|(n, _, _)| n == "xl/worksheets/sheet1.xml")
        .map(|(_, _, d)| String::from_utf8(d).unwrap())
        .unwrap();
    assert!(
        sheet.contains(
            r#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet}"
    );
    assert!(sheet.contains(r#"<autoFilter ref="A2:C12"/>"#));
    assert!(sheet.contains(r#"<mergeCell ref="A1:C1"/>"#));
    let workbook = common::unzip(&bytes);
    let core = workbook
        .iter()
        .find(|(n, _, _)| n == "docProps/core.xml")
        .unwrap();
    assert!(String::from_utf8_lossy(&core.2).contains("<dc:title>T</dc:title>"));
}

#[test]
fn sheet_option_names_the_sheet() {
    let table = sample_table(2, 2);
    let bytes = export(
        &table,
        &ExportOptions::new(Format::Xlsx).sheet_name("Data 2024"),
    )
    .unwrap();
    assert_eq!(read(&bytes).sheet_names(), ["Data 2024"]);
}

#[test]
fn styles_name_no_theme_colours_and_the_theme_part_is_there() {
    // Excel refuses styles that name theme colours or fonts when there is
    // no xl/theme part to resolve them (exceljs/exceljs#425): the package
    // has one (the Open XML validator asks for it), and the styles do not
    // depend on it.
    let bytes = export(
        &sample_table(3, 3).with_title("T"),
        &ExportOptions::new(Format::Xlsx),
    )
    .unwrap();
    let parts = common::unzip(&bytes);
    let rels = parts
        .iter()
        .find(|(name, _, _)| name == "xl/_rels/workbook.xml.rels")
        .map(|(_, _, d)| String::from_utf8_lossy(d).into_owned())
        .unwrap();
    assert!(rels.contains("Target=\"theme/theme1.xml\""), "{rels}");
    assert!(
        parts
            .iter()
            .any(|(name, _, _)| name == "xl/theme/theme1.xml")
    );
    for (name, _, data) in &parts {
        let xml = String::from_utf8_lossy(data);
        assert!(!xml.contains("theme=\""), "{name} names a theme colour");
        assert!(!xml.contains("<scheme "), "{name} names a theme font");
    }
}

#[test]
fn right_to_left_text_reads_right_to_left() {
    // readingOrder="2" on cells whose first strong character is Hebrew or
    // Arabic (the title, a header, body text, a link); left-to-right text,
    // numbers and neutral text keep the default. Read with openpyxl.
    let table = Table::from_json(
        r#"{"title": "דוח מכירות", "headers": ["שם", "city", "n"],
            "rows": [["שלום עולם", "Paris", 1], ["abc עברית", "مرحبا\nبالعالم", 2],
                     ["123", {"text": "אתר", "url": "https://example.com/"}, 3]]}"#,
    )
    .unwrap();
    let dir = common::Scratch::new("xlsx-rtl");
    let path = dir.path("rtl.xlsx");
    std::fs::write(
        &path,
        export(&table, &ExportOptions::new(Format::Xlsx)).unwrap(),
    )
    .unwrap();
    let script = "import openpyxl, sys\n\
        ws = openpyxl.load_workbook(sys.argv[1]).active\n\
        print(' '.join(c.coordinate for row in ws.iter_rows() for c in row \
        if c.value is not None and c.alignment.readingOrder == 2))";
    let (ok, out, err) = common::run("python3", &["-c", script, path.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "A1 A2 A3 B4 B5");
}
