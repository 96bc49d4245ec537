//! Workbooks (issue #12): `{"title"?, "sheets": [table, ...]}`. XLSX has
//! one worksheet per table (openpyxl reads the names, cells, formats, links
//! and filters); PDF and DOCX have the tables in order, each under its
//! heading and starting a page in its own orientation (pdftotext and pypdf
//! read the pages, footers and bookmarks; python-docx the sections). A
//! table is a workbook of one that exports byte for byte as the table.

mod common;

use common::*;
use exporter_core::{ExportOptions, Format, Table, Workbook, export_table, export_workbook};

/// Four sheets: typed with a link; wide (so landscape) with a title; one
/// with only a title (its sheet name made from it); one with neither.
fn book_json() -> String {
    let wide_headers: Vec<String> = (1..=16).map(|c| format!("\"Column {c}\"")).collect();
    let wide_row: Vec<String> = (1..=16)
        .map(|c| format!("\"value {c} of the row\""))
        .collect();
    format!(
        r##"{{"title": "Year 2024", "sheets": [
  {{"name": "Sales", "columns": [
      {{"header": "Issued", "key": "issued", "type": "date", "format": "yyyy-mm-dd"}},
      {{"header": "Amount", "key": "amount", "type": "number", "format": "#,##0.00"}},
      {{"header": "Portal", "key": "portal", "type": "link"}}],
    "rows": [{{"issued": "2024-10-18", "amount": 1132.8, "portal": "https://example.com/1"}},
             {{"issued": "2024-10-19", "amount": 2825.78}}]}},
  {{"name": "Costs", "title": "Costs 2024", "headers": [{}], "rows": [[{}]]}},
  {{"title": "Q3: notes", "headers": ["Note"], "rows": [["first"], ["second"]]}},
  {{"headers": ["Left"], "rows": [["alone"]]}}
]}}"##,
        wide_headers.join(", "),
        wide_row.join(", ")
    )
}

fn export(book: &Workbook, format: Format) -> Vec<u8> {
    let options = ExportOptions::new(format).created_at(1_700_000_000);
    export_workbook(book.clone(), &options, &mut |_, _| {})
        .unwrap()
        .bytes
}

fn python(script: &str, path: &std::path::Path) -> serde_json::Value {
    let (ok, out, err) = run("python3", &["-c", script, path.to_str().unwrap()]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn xlsx_has_a_worksheet_per_sheet() {
    let dir = Scratch::new("workbook-xlsx");
    let book = Workbook::from_json(&book_json()).unwrap();
    let path = dir.path("book.xlsx");
    std::fs::write(&path, export(&book, Format::Xlsx)).unwrap();
    let read = python(
        "import openpyxl, json, sys\n\
         wb = openpyxl.load_workbook(sys.argv[1])\n\
         s = wb['Sales']\n\
         print(json.dumps({\n\
           'names': wb.sheetnames,\n\
           'title': wb.properties.title,\n\
           'active': wb.active.title,\n\
           'filters': [ws.auto_filter.ref for ws in wb],\n\
           'sales': [[c.value.isoformat() if hasattr(c.value, 'isoformat') else c.value for c in r] for r in s.iter_rows()],\n\
           'formats': [s['A2'].number_format, s['B2'].number_format, s['A2'].is_date],\n\
           'link': s['C2'].hyperlink.target,\n\
           'costs': [wb['Costs']['A1'].value, wb['Costs']['A2'].value, wb['Costs']['P3'].value],\n\
           'q3': [c.value for c in wb['Q3  notes']['A']],\n\
         }))",
        &path,
    );
    assert_eq!(
        read,
        serde_json::json!({
            "names": ["Sales", "Costs", "Q3  notes", "Sheet4"],
            "title": "Year 2024",
            "active": "Sales",
            "filters": ["A1:C3", "A2:P3", "A2:A4", "A1:A2"],
            "sales": [["Issued", "Amount", "Portal"],
                      ["2024-10-18T00:00:00", 1132.8, "https://example.com/1"],
                      ["2024-10-19T00:00:00", 2825.78, null]],
            "formats": ["yyyy-mm-dd", "#,##0.00", true],
            "link": "https://example.com/1",
            "costs": ["Costs 2024", "Column 1", "value 16 of the row"],
            "q3": ["Q3: notes", "Note", "first", "second"],
        })
    );
}

#[test]
fn pdf_has_each_sheet_from_a_new_page_with_bookmarks() {
    let dir = Scratch::new("workbook-pdf");
    let book = Workbook::from_json(&book_json()).unwrap();
    let path = dir.path("book.pdf");
    std::fs::write(&path, export(&book, Format::Pdf)).unwrap();
    qpdf_check(&path);
    let pages = pdf_pages_text(&path);
    assert_eq!(pages.len(), 4, "{pages:#?}");
    let firsts: Vec<&str> = pages
        .iter()
        .map(|p| p.trim_start().lines().next().unwrap().trim())
        .collect();
    assert_eq!(firsts, ["Sales", "Costs 2024", "Q3: notes", "Left"]);
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of 4", i + 1)), "{page}");
    }
    assert!(pages[0].contains("1,132.80") && pages[0].contains("2024-10-18"));
    assert!(is_subsequence(
        &["Column", "16", "value", "16", "of", "the", "row"],
        &words(&pages[1])
    ));
    let read = python(
        "import pypdf, json, sys\n\
         r = pypdf.PdfReader(sys.argv[1])\n\
         print(json.dumps({\n\
           'outline': [[o.title, r.get_destination_page_number(o)] for o in r.outline],\n\
           'landscape': [float(p.mediabox.width) > float(p.mediabox.height) for p in r.pages],\n\
           'title': r.metadata.title,\n\
         }))",
        &path,
    );
    assert_eq!(
        read,
        serde_json::json!({
            "outline": [["Sales", 0], ["Costs 2024", 1], ["Q3: notes", 2]],
            "landscape": [false, true, false, false],
            "title": "Year 2024",
        })
    );
}

#[test]
fn docx_has_a_section_per_sheet() {
    let dir = Scratch::new("workbook-docx");
    let book = Workbook::from_json(&book_json()).unwrap();
    let path = dir.path("book.docx");
    std::fs::write(&path, export(&book, Format::Docx)).unwrap();
    let read = python(
        "import docx, json, sys\n\
         from docx.enum.section import WD_ORIENT, WD_SECTION\n\
         d = docx.Document(sys.argv[1])\n\
         print(json.dumps({\n\
           'headings': [p.text for p in d.paragraphs if p.style.name == 'Heading 1'],\n\
           'sections': [[s.orientation == WD_ORIENT.LANDSCAPE, s.start_type == WD_SECTION.NEW_PAGE] for s in d.sections],\n\
           'tables': [[len(t.columns), len(t.rows), t.cell(1, 0).text] for t in d.tables],\n\
           'title': d.core_properties.title,\n\
         }))",
        &path,
    );
    assert_eq!(
        read,
        serde_json::json!({
            "headings": ["Sales", "Costs 2024", "Q3: notes"],
            "sections": [[false, true], [true, true], [false, true], [false, true]],
            "tables": [[3, 3, "2024-10-18"], [16, 2, "value 1 of the row"], [1, 3, "first"], [1, 2, "alone"]],
            "title": "Year 2024",
        })
    );
    // LibreOffice lays it out on four pages, the second landscape.
    let pdf = libreoffice_to_pdf(&path, &dir.0);
    let pages = pdf_pages_text(&pdf);
    assert_eq!(pages.len(), 4, "{pages:#?}");
    assert!(pages[1].contains("Costs 2024") && pages[2].contains("Q3: notes"));
}

#[test]
fn a_table_is_a_workbook_of_one_exported_as_the_table() {
    let json = r#"{"title": "Orders", "name": "All orders", "headers": ["Order", "Qty"], "rows": [["A-1", 3]]}"#;
    let book = Workbook::from_json(json).unwrap();
    assert!(!book.is_workbook());
    for format in Format::ALL {
        let options = ExportOptions::new(format).created_at(1_700_000_000);
        let table =
            export_table(Table::from_json(json).unwrap(), &options, &mut |_, _| {}).unwrap();
        assert_eq!(export(&book, format), table.bytes, "{format}");
    }
    // Its `name` names its sheet.
    let dir = Scratch::new("workbook-one");
    let path = dir.path("one.xlsx");
    std::fs::write(&path, export(&book, Format::Xlsx)).unwrap();
    let names = python(
        "import openpyxl, json, sys\nprint(json.dumps(openpyxl.load_workbook(sys.argv[1]).sheetnames))",
        &path,
    );
    assert_eq!(names, serde_json::json!(["All orders"]));
    // A workbook of one sheet may be a CSV file.
    let one = Workbook::from_json(r#"{"sheets": [{"headers": ["a"], "rows": [[1]]}]}"#).unwrap();
    assert_eq!(export(&one, Format::Csv), b"a\r\n1\r\n");
}

#[test]
fn faults_name_the_sheet() {
    let err = |json: &str| Workbook::from_json(json).unwrap_err();
    let e = err(
        r#"{"sheets": [{"headers": ["a"], "rows": [[1]]}, {"headers": ["b"], "rows": [[1, 2]]}]}"#,
    );
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (
            "ROW_TOO_LONG",
            "sheet 2: row 1 has 2 cells but there are only 1 headers"
        )
    );
    assert_eq!(e.sheet(), Some(2));
    let e = err(r#"{"sheets": [{"headers": ["a"], "rows": [[{"x": 1}]]}]}"#);
    assert!(
        e.to_string()
            .starts_with("sheet 1: row 1, column 1: a cell must be"),
        "{e}"
    );
    let e = err(r#"{"sheets": [{"headers": ["a"], "rows": []}, {"rows": []}]}"#);
    assert_eq!(e.code(), "INVALID_JSON");
    assert!(
        e.to_string()
            .starts_with("sheet 2: invalid table JSON: missing field `headers` at line 1"),
        "{e}"
    );
    let e = err(r#"{"title": "x", "sheets": []}"#);
    assert_eq!(e.code(), "INVALID_WORKBOOK");
    assert_eq!(
        e.to_string(),
        "the workbook has no sheets; give at least one table in `sheets`"
    );
    let e = err(r#"{"sheets": [{"headers": ["a"], "rows": []}], "headers": ["a"]}"#);
    assert_eq!(e.code(), "INVALID_WORKBOOK");

    let xlsx = |json: &str, options: ExportOptions| {
        export_workbook(Workbook::from_json(json).unwrap(), &options, &mut |_, _| {})
    };
    // Excel needs sheet names to differ, ignoring case.
    let e = xlsx(
        r#"{"sheets": [{"name": "Sales", "headers": ["a"], "rows": []}, {"name": "SALES", "headers": ["a"], "rows": []}]}"#,
        ExportOptions::new(Format::Xlsx),
    )
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_SHEET_NAME");
    assert_eq!(
        e.to_string(),
        "sheet 2 (\"SALES\"): sheet name \"SALES\" is also the name of sheet 1; Excel needs each sheet's name to differ, ignoring case"
    );
    let e = xlsx(
        r#"{"sheets": [{"name": "a/b", "headers": ["a"], "rows": []}]}"#,
        ExportOptions::new(Format::Xlsx),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("sheet 1 (\"a/b\"): sheet name \"a/b\" contains '/'"),
        "{e}"
    );
    // Made names never collide with given ones.
    let dir = Scratch::new("workbook-names");
    let path = dir.path("names.xlsx");
    let out = xlsx(
        r#"{"sheets": [{"title": "Sales", "headers": ["a"], "rows": []}, {"name": "sales", "headers": ["a"], "rows": []}, {"title": "Sales", "headers": ["a"], "rows": []}]}"#,
        ExportOptions::new(Format::Xlsx),
    )
    .unwrap();
    std::fs::write(&path, out.bytes).unwrap();
    let names = python(
        "import openpyxl, json, sys\nprint(json.dumps(openpyxl.load_workbook(sys.argv[1]).sheetnames))",
        &path,
    );
    assert_eq!(
        names,
        serde_json::json!(["Sales (2)", "sales", "Sales (3)"])
    );

    // CSV holds one table; the option at fault is named.
    let two = r#"{"sheets": [{"headers": ["a"], "rows": []}, {"headers": ["b"], "rows": []}]}"#;
    let e = xlsx(two, ExportOptions::new(Format::Csv)).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
    assert!(
        e.to_string().starts_with(
            "option format: a CSV file holds one table, and this workbook has 2 sheets"
        ),
        "{e}"
    );
    let e = xlsx(two, ExportOptions::new(Format::Xlsx).sheet_name("x")).unwrap_err();
    assert!(e.to_string().starts_with("option sheetName:"), "{e}");
}

#[test]
fn warnings_name_the_sheet_and_strict_refuses() {
    let json = r#"{"sheets": [
        {"name": "Fine", "headers": ["a"], "rows": [[1], [2]]},
        {"name": "Big", "headers": ["id"], "rows": [[12345678901234567890]]}]}"#;
    let book = Workbook::from_json(json).unwrap();
    let mut seen = Vec::new();
    let out = export_workbook(
        book.clone(),
        &ExportOptions::new(Format::Xlsx),
        &mut |d, t| seen.push((d, t)),
    )
    .unwrap();
    let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "sheet 2, row 1, column 1: the integer 12345678901234567890 is beyond 2^53, which Excel's numbers cannot hold exactly; written as text"
        ]
    );
    assert_eq!(out.warnings[0].sheet, Some(2));
    // Progress counts the rows of all sheets.
    assert_eq!(seen.last(), Some(&(3, 3)));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    let e = export_workbook(
        book,
        &ExportOptions::new(Format::Xlsx).strict(true),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_NUMBER");
    assert!(
        e.to_string()
            .starts_with("sheet 2 (\"Big\"): row 1, column 1: the integer"),
        "{e}"
    );
}

#[test]
fn the_cli_takes_a_workbook() {
    let dir = Scratch::new("workbook-cli");
    let input = dir.path("book.json");
    std::fs::write(&input, book_json()).unwrap();
    let out = dir.path("book.xlsx");
    let cli = env!("CARGO_BIN_EXE_table-export");
    let (ok, _, err) = run(
        cli,
        &[
            input.to_str().unwrap(),
            "-f",
            "xlsx",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
    let csv = dir.path("book.csv");
    let (ok, _, err) = run(
        cli,
        &[
            input.to_str().unwrap(),
            "-f",
            "csv",
            "-o",
            csv.to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(
            "error: option format: a CSV file holds one table, and this workbook has 4 sheets"
        ),
        "{err}"
    );
    assert!(!csv.exists());
}
