//! Every bad input gets one pinned, one-line message and its stable code.

use exporter_core::{Cell, ExportOptions, Format, Margins, Table, export, export_with_warnings};

fn json_err(json: &str) -> (String, &'static str) {
    let e = Table::from_json(json).unwrap_err();
    // Checking without keeping the rows gives the very same error.
    let checked = Table::check_json(json, usize::MAX).unwrap_err();
    assert_eq!(
        (checked.to_string(), checked.code()),
        (e.to_string(), e.code()),
        "{json}"
    );
    (e.to_string(), e.code())
}

#[test]
fn a_table_over_the_cell_limit_is_refused_while_it_is_read() {
    let json = r#"{"headers": ["a", "b"], "rows": [[1, 2], [3, 4], [5, {"bad": 1}]]}"#;
    let e = Table::check_json(json, 3).unwrap_err();
    // Stopped at row 2, before the bad cell of row 3 was read.
    assert_eq!(
        e.to_string(),
        "the table has more than 3 cells, the most accepted here; split it"
    );
    assert_eq!(e.code(), "TOO_MANY_CELLS");
    let ok =
        Table::check_json(r#"{"title": "T", "rows": [[1], []], "headers": ["a"]}"#, 4).unwrap();
    assert_eq!(
        ok,
        exporter_core::TableShape {
            title: Some("T".into()),
            columns: 1,
            rows: 2,
            cells: 1
        }
    );
}

#[test]
fn malformed_tables() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"headers": ["a", "b"], "rows": [["x"], ["1", 2, 3]]}"#,
            "row 2 has 3 cells but there are only 2 headers",
            "ROW_TOO_LONG",
        ),
        (
            r#"{"headers": ["a"], "rows": [[1], [{"k": 1}]]}"#,
            "row 2, column 1: a cell must be a string, number, boolean or null, found an object with \"k\" (the one object a cell may be is a link, {\"text\", \"url\"})",
            "INVALID_CELL",
        ),
        (
            r#"{"headers": ["a", "b"], "rows": [[1, [2]]]}"#,
            "row 1, column 2: a cell must be a string, number, boolean or null, found an array",
            "INVALID_CELL",
        ),
        (
            r#"{"rows": []}"#,
            "invalid table JSON: missing field `headers` at line 1 column 12",
            "INVALID_JSON",
        ),
        (
            r#"{"headers": ["a"]}"#,
            "invalid table JSON: missing field `rows` at line 1 column 18",
            "INVALID_JSON",
        ),
        (
            r#"{"headers": [], "rows": [[]]}"#,
            "the table has 1 rows but no headers; give one header per column",
            "MISSING_HEADERS",
        ),
        (
            r#"{"headers": ["a"], "rows": [[1]"#,
            "invalid table JSON: EOF while parsing a list at line 1 column 31",
            "INVALID_JSON",
        ),
        (
            r#"{"headers": [1], "rows": []}"#,
            "invalid table JSON: invalid type: integer `1`, expected each header to be a string at line 1 column 14",
            "INVALID_JSON",
        ),
        (
            r#"{"headers": ["a"], "rows": ["x"]}"#,
            "invalid table JSON: invalid type: string \"x\", expected row 1 as an array of cells at line 1 column 31",
            "INVALID_JSON",
        ),
        (
            r#"[1, 2]"#,
            "invalid table JSON: invalid type: sequence, expected a table object with `headers` and `rows` at line 1 column 0",
            "INVALID_JSON",
        ),
        (
            r#"{"headers": ["a", "b"], "rows": [["ok", "x\ud800y"]]}"#,
            "invalid table JSON: row 1, column 2: a \\u escape that is not a whole character, such as a lone UTF-16 surrogate (JavaScript strings can hold one, no file can); replace it with U+FFFD or remove it (unexpected end of hex escape at line 1 column 49)",
            "INVALID_JSON",
        ),
        (
            r#"{"headers": ["a"], "rows": [[1], ["\q"]]}"#,
            "invalid table JSON: row 2, column 1: invalid escape at line 1 column 37",
            "INVALID_JSON",
        ),
        (
            r#"{"headers": ["a"], "rows": []} trailing"#,
            "invalid table JSON: trailing characters at line 1 column 32",
            "INVALID_JSON",
        ),
    ];
    for (json, message, code) in cases {
        let (got, got_code) = json_err(json);
        assert_eq!(&got, message, "for {json}");
        assert_eq!(&got_code, code, "for {json}");
        assert!(!got.contains('\n'));
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    // Windows editors and Excel's "CSV UTF-8" start files with one.
    let json = "\u{FEFF}{\"headers\": [\"a\"], \"rows\": [[1]]}";
    let table = Table::from_json(json).unwrap();
    assert_eq!(table.cell(0, 0), &Cell::Number(1.0));
    assert_eq!(Table::check_json(json, 10).unwrap().cells, 1);
    // Only at the start: elsewhere it is text, or not JSON.
    let (message, _) = json_err("{\"headers\": [\"a\"], \"rows\": [[1]]}\u{FEFF}");
    assert!(
        message.starts_with("invalid table JSON: trailing characters"),
        "{message}"
    );
}

#[test]
fn short_rows_are_padded_and_exact_integers_kept() {
    let t = Table::from_json(
        r#"{"headers": ["a", "b", "c"], "rows": [["x"], [9007199254740992, -3, 1.5]]}"#,
    )
    .unwrap();
    assert_eq!(t.cell(0, 2), &Cell::Null);
    assert_eq!(t.cell(1, 0), &Cell::Number(9_007_199_254_740_992.0));
    assert_eq!(t.cell(1, 1), &Cell::Number(-3.0));
}

#[test]
fn non_finite_numbers_from_code_are_refused() {
    let err = Table::new(vec!["a".into()], vec![vec![Cell::Number(f64::NAN)]]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 1, column 1: NaN is not a finite number; use null or a string"
    );
    assert_eq!(err.code(), "INVALID_NUMBER");
}

#[test]
fn excel_limits_name_the_cell() {
    let long = "x".repeat(32_768);
    let t = Table::new(
        vec!["a".into(), "b".into()],
        vec![vec![1.into(), 2.into()], vec![1.into(), long.into()]],
    )
    .unwrap();
    let err = export(&t, &ExportOptions::new(Format::Xlsx)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 2, column 2: 32768 UTF-16 units (Excel counts an emoji or other character beyond U+FFFF as 2), but Excel holds at most 32767 in a cell"
    );
    assert_eq!(err.code(), "CELL_TOO_LONG");
    // The same text is fine where there is no such limit.
    assert!(export(&t, &ExportOptions::new(Format::Docx)).is_ok());

    let emoji = "😀".repeat(16_384); // 16,384 chars, 32,768 UTF-16 units
    let t = Table::new(vec![emoji], vec![]).unwrap();
    let err = export(&t, &ExportOptions::new(Format::Xlsx)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "header of column 1: 32768 UTF-16 units (Excel counts an emoji or other character beyond U+FFFF as 2), but Excel holds at most 32767 in a cell"
    );

    let headers: Vec<String> = (0..16_385).map(|i| format!("c{i}")).collect();
    let err = export(
        &Table::new(headers, vec![]).unwrap(),
        &ExportOptions::new(Format::Xlsx),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the table has 16385 columns, but Excel holds at most 16384"
    );

    let rows = vec![vec![Cell::Null]; 1_048_575];
    let t = Table::new(vec!["a".into()], rows).unwrap().with_title("T");
    let err = export(&t, &ExportOptions::new(Format::Xlsx)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the table has 1048575 rows, but Excel holds at most 1048574 rows below the title and headers"
    );
    assert_eq!(err.code(), "TOO_MANY_ROWS");
}

/// `export_with_warnings` of `table` to `format`: the file's bytes and the
/// warnings as lines.
fn with_warnings(table: &Table, format: Format) -> (Vec<u8>, Vec<String>) {
    let out = export_with_warnings(table, &ExportOptions::new(format), &mut |_, _| {}).unwrap();
    assert_eq!(out.more_warnings, 0);
    (
        out.bytes,
        out.warnings.iter().map(ToString::to_string).collect(),
    )
}

#[test]
fn big_integers_keep_their_digits() {
    let t = Table::from_json(
        r#"{"headers": ["id", "n"], "rows": [[12345678901234567890, 9007199254740992], [-9007199254740993, 1]]}"#,
    )
    .unwrap();
    // 2^53 itself is exact; past it the digits are kept as they were given.
    assert_eq!(t.cell(0, 0), &Cell::Integer("12345678901234567890".into()));
    assert_eq!(t.cell(0, 1), &Cell::Number(9_007_199_254_740_992.0));
    assert_eq!(t.cell(1, 0), &Cell::Integer("-9007199254740993".into()));
    let (_, warnings) = with_warnings(&t, Format::Xlsx);
    assert_eq!(
        warnings,
        [
            "row 1, column 1: the integer 12345678901234567890 is beyond 2^53, which Excel's numbers cannot hold exactly; written as text",
            "row 2, column 1: the integer -9007199254740993 is beyond 2^53, which Excel's numbers cannot hold exactly; written as text",
        ]
    );
    for format in [Format::Pdf, Format::Docx] {
        assert_eq!(
            with_warnings(&t, format).1,
            Vec::<String>::new(),
            "{format}"
        );
    }
    let err = export(&t, &ExportOptions::new(Format::Xlsx).strict(true)).unwrap_err();
    assert_eq!(err.code(), "INVALID_NUMBER");
    assert_eq!(
        err.to_string(),
        "row 1, column 1: the integer 12345678901234567890 is beyond 2^53 and would lose digits as a number in Excel; pass it as a string"
    );
    // Strict changes nothing where the format holds the value.
    assert!(export(&t, &ExportOptions::new(Format::Pdf).strict(true)).is_ok());
}

#[test]
fn numbers_beyond_excel_are_text_in_xlsx() {
    let t = Table::new(
        vec!["a".into()],
        vec![
            vec![Cell::Number(1e-310)],
            vec![Cell::Number(-1e308)],
            vec![Cell::Number(0.0)],
        ],
    )
    .unwrap();
    let (_, warnings) = with_warnings(&t, Format::Xlsx);
    assert_eq!(
        warnings,
        [
            "row 1, column 1: 1e-310 is outside the range Excel holds (±2.2251e-308 to ±9.99999999999999e+307); written as text",
            "row 2, column 1: -1e+308 is outside the range Excel holds (±2.2251e-308 to ±9.99999999999999e+307); written as text",
        ]
    );
    let err = export(&t, &ExportOptions::new(Format::Xlsx).strict(true)).unwrap_err();
    assert_eq!(err.code(), "INVALID_NUMBER");
    assert_eq!(
        err.to_string(),
        "row 1, column 1: 1e-310 is outside the range Excel holds (±2.2251e-308 to ±9.99999999999999e+307); pass it as a string"
    );
}

#[test]
fn characters_word_cannot_hold_are_dropped_with_a_warning() {
    let t = Table::from_json(
        r#"{"title": "T\u0001", "headers": ["ok", "h\u0007"], "rows": [["fine\ttab\nline", "a\u0000b\u0008c\uFFFE"]]}"#,
    )
    .unwrap();
    let (_, warnings) = with_warnings(&t, Format::Docx);
    assert_eq!(
        warnings,
        [
            "title: Word cannot hold the character U+0001; dropped (XLSX and CSV keep it)",
            "header of column 2: Word cannot hold the character U+0007; dropped (XLSX and CSV keep it)",
            "row 1, column 2: Word cannot hold the character U+0000 and 2 more such; dropped (XLSX and CSV keep it)",
        ]
    );
    // XLSX keeps them (as _xHHHH_ escapes): nothing to warn of.
    assert!(with_warnings(&t, Format::Xlsx).1.is_empty());
    let err = export(&t, &ExportOptions::new(Format::Docx).strict(true)).unwrap_err();
    assert_eq!(err.code(), "INVALID_CHARACTER");
    assert_eq!(
        err.to_string(),
        "title: Word cannot hold the character U+0001; remove it"
    );
}

#[test]
fn warnings_past_the_limit_are_counted() {
    let rows = (0..250).map(|_| vec![Cell::Number(1e-320)]).collect();
    let t = Table::new(vec!["a".into()], rows).unwrap();
    let out = export_with_warnings(&t, &ExportOptions::new(Format::Xlsx), &mut |_, _| {}).unwrap();
    assert_eq!(out.warnings.len(), exporter_core::MAX_WARNINGS);
    assert_eq!(out.more_warnings, 150);
    assert_eq!(
        out.warnings.last().unwrap().location,
        exporter_core::Location::Cell {
            row: 100,
            column: 1
        }
    );
}

#[test]
fn word_column_limit() {
    let headers: Vec<String> = (0..64).map(|i| format!("c{i}")).collect();
    let err = export(
        &Table::new(headers, vec![]).unwrap(),
        &ExportOptions::new(Format::Docx),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the table has 64 columns, but a Word table holds at most 63"
    );
}

fn t_table() -> Table {
    Table::new(vec!["a".into()], vec![vec!["x".into()]]).unwrap()
}

#[test]
fn bad_options() {
    let t = Table::new(vec!["a".into()], vec![]).unwrap();
    let err = export(
        &t,
        &ExportOptions::new(Format::Pdf).margins(Margins::uniform(300.0)),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "option margins: they leave less than 2 inches (144 pt) of a 595 pt page for the table"
    );
    let err = export(
        &t,
        &ExportOptions::new(Format::Pdf).margins(Margins {
            top: -1.0,
            ..Margins::default()
        }),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "option margins.top: -1 is not a non-negative number of points"
    );
    // Every format: a year outside 1980..=9999 would be written as an
    // invalid W3CDTF date (`-1199-02-15`) into docProps/core.xml.
    for format in Format::ALL {
        for t in [-5, -99_999_999_999, 253_402_300_800] {
            let err = export(&t_table(), &ExportOptions::new(format).created_at(t)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "option createdAt: {t} is outside 315532800 to 253402300799 seconds since 1970 (1980-01-01 to 9999-12-31 UTC), the times every format holds"
                ),
                "{format}"
            );
        }
    }
    let err = export(&t, &ExportOptions::new(Format::Pdf).font(vec![1, 2, 3])).unwrap_err();
    assert_eq!(err.code(), "INVALID_FONT");
    assert!(
        err.to_string()
            .starts_with("font 1: not a TrueType/OpenType font"),
        "{err}"
    );
    let err = "pdfx".parse::<Format>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "option format: \"pdfx\" is not one of pdf, docx, xlsx, csv"
    );
}

#[test]
fn same_input_same_bytes() {
    let t = Table::from_json(
        r#"{"title": "T", "headers": ["a", "b"], "rows": [["x", 1], ["y", true]]}"#,
    )
    .unwrap();
    for format in Format::ALL {
        let options = ExportOptions::new(format).created_at(1_700_000_000);
        assert_eq!(
            export(&t, &options).unwrap(),
            export(&t, &options).unwrap(),
            "{format}"
        );
    }
}

#[test]
fn empty_table_exports_everywhere() {
    let t = Table::from_json(r#"{"headers": [], "rows": []}"#).unwrap();
    for format in Format::ALL {
        let bytes = export(&t, &ExportOptions::new(format)).unwrap();
        // A CSV of no columns and no rows holds nothing at all.
        assert_eq!(bytes.is_empty(), format == Format::Csv, "{format}");
    }
}
