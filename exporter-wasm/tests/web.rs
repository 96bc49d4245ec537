//! wasm-bindgen-test, inside wasm in headless Chromium: the binding turns
//! JS values into core calls and core errors into JS `Error`s with a code.
#![cfg(target_arch = "wasm32")]

use exporter_wasm::{export_table, export_table_json};
use js_sys::{Array, Function, JSON, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

const TABLE: &str = r#"{"title": "T", "headers": ["Order", "Qty", "Paid"], "rows": [["A-1", 3, true], ["A-2", null]]}"#;

#[wasm_bindgen_test]
fn exports_every_format_from_objects_and_json() {
    for (format, magic) in [
        ("pdf", &b"%PDF-"[..]),
        ("docx", b"PK\x03\x04"),
        ("xlsx", b"PK\x03\x04"),
    ] {
        let options = js(&format!(
            r#"{{"format": "{format}", "createdAt": 1700000000000}}"#
        ));
        let a = export_table(js(TABLE), options.clone()).unwrap();
        let b = export_table_json(TABLE, options).unwrap();
        assert!(a.starts_with(magic), "{format}");
        assert_eq!(a, b, "{format}: both ways in give the same bytes");
    }
}

fn error_of(result: Result<Vec<u8>, JsValue>) -> (String, String, String) {
    let err = result.unwrap_err();
    let err: js_sys::Error = err.dyn_into().expect("a JS Error");
    let code = Reflect::get(&err, &"code".into())
        .unwrap()
        .as_string()
        .unwrap();
    (String::from(err.name()), code, String::from(err.message()))
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_stable_codes() {
    let (name, code, message) = error_of(export_table(
        js(r#"{"headers": ["a"], "rows": [[1, 2]]}"#),
        js(r#"{"format": "pdf"}"#),
    ));
    assert_eq!(name, "RowpressError");
    assert_eq!(code, "ROW_TOO_LONG");
    assert_eq!(message, "row 1 has 2 cells but there are only 1 headers");

    let (_, code, message) = error_of(export_table(
        js(TABLE),
        js(r#"{"format": "pdf", "orientation": "sideways"}"#),
    ));
    assert_eq!(code, "INVALID_OPTION");
    assert_eq!(
        message,
        "option orientation: \"sideways\" is not one of auto, portrait, landscape"
    );

    let (_, code, _) = error_of(export_table(js(TABLE), JsValue::from_str("pdf")));
    assert_eq!(code, "INVALID_OPTION");

    let (_, code, message) = error_of(export_table(
        js(r#"{"headers": ["a"], "rows": [["\u4e2d"]]}"#),
        js(r#"{"format": "pdf", "strict": true}"#),
    ));
    assert_eq!(code, "MISSING_GLYPH");
    assert!(
        message.starts_with("row 1, column 1: no font has the character '中' (U+4E2D)"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn progress_reaches_the_total() {
    let rows: Vec<String> = (0..500).map(|i| format!(r#"["r{i}", {i}]"#)).collect();
    let table = js(&format!(
        r#"{{"headers": ["id", "n"], "rows": [{}]}}"#,
        rows.join(",")
    ));
    let calls = Array::new();
    let record = Function::new_with_args("done, total", "this.push([done, total])").bind0(&calls);
    let options = js(r#"{"format": "xlsx"}"#);
    Reflect::set(&options, &"onProgress".into(), &record).unwrap();
    export_table(table, options).unwrap();
    assert!(calls.length() >= 100, "{} calls", calls.length());
    let last = Array::from(&calls.get(calls.length() - 1));
    assert_eq!(last.get(0).as_f64(), Some(500.0));
    assert_eq!(last.get(1).as_f64(), Some(500.0));
}

#[wasm_bindgen_test]
fn rows_read_one_at_a_time_give_the_errors_of_the_whole_table() {
    // The same message whether the rows are read one at a time from the JS
    // array (exportTable) or parsed whole (exportTableJson), in each format.
    let bad = [
        (
            r#"{"headers": ["a", "b"], "rows": [["x", 1], ["y", {"z": 1}]]}"#,
            "INVALID_CELL",
        ),
        (
            r#"{"headers": ["a"], "rows": [["x"], ["y", 2]]}"#,
            "ROW_TOO_LONG",
        ),
        (r#"{"rows": [["x"]]}"#, "INVALID_JSON"),
        (r#"{"headers": [], "rows": [["x"]]}"#, "MISSING_HEADERS"),
        (r#"{"headers": [1], "rows": []}"#, "INVALID_JSON"),
        (r#"{"headers": ["a"], "rows": ["x"]}"#, "INVALID_JSON"),
        (r#"{"headers": ["a"], "rows": 5}"#, "INVALID_JSON"),
    ];
    for (table, want) in bad {
        for format in ["xlsx", "docx", "pdf"] {
            let options = js(&format!(r#"{{"format": "{format}"}}"#));
            let (_, code, message) = error_of(export_table(js(table), options.clone()));
            let (_, json_code, json_message) = error_of(export_table_json(table, options));
            assert_eq!(code, want, "{format} {table}: {message}");
            assert_eq!(code, json_code, "{format} {table}");
            if code != "INVALID_JSON" {
                // serde_json adds a line and column; the rest is the same.
                assert_eq!(message, json_message, "{format} {table}");
            }
        }
    }
}

#[wasm_bindgen_test]
fn rows_given_as_an_iterable_still_export() {
    // Not an Array: read whole, as before rows were read one at a time.
    let table = js(r#"{"headers": ["a"]}"#);
    let rows = js(r#"[["x"], ["y"]]"#);
    let set = js_sys::Set::new(&rows);
    Reflect::set(&table, &"rows".into(), &set).unwrap();
    let bytes = export_table(
        table,
        js(r#"{"format": "xlsx", "createdAt": 1700000000000}"#),
    )
    .unwrap();
    let same = export_table_json(
        r#"{"headers": ["a"], "rows": [["x"], ["y"]]}"#,
        js(r#"{"format": "xlsx", "createdAt": 1700000000000}"#),
    )
    .unwrap();
    assert_eq!(bytes, same);
}

/// A table of every kind of cell, over more rows than one block of the
/// block reader (1,024): plain cells in arrays and records, texts beyond
/// the BMP, combining marks and CJK, and rows read apart (links, records
/// with a missing key, a row of another length).
fn mixed_table(records: bool) -> String {
    // A JSON string (Rust's Debug escapes combining marks as `\u{301}`).
    let q = |s: &str| String::from(JSON::stringify(&JsValue::from_str(s)).unwrap());
    let texts = [
        "plain",
        "",
        "Δ 東京 مرحبا",
        "e\u{301}",
        "👩‍👩‍👧 🇩🇪",
        "tab\tand\nline",
        "=1+1",
    ];
    let mut rows = Vec::new();
    for r in 0..2500usize {
        let text = texts[r % texts.len()];
        let number = if r % 3 == 0 {
            format!("{}", r)
        } else {
            format!("{}.25", r)
        };
        let third = match r % 5 {
            0 => "null".to_owned(),
            1 => "true".to_owned(),
            2 => "false".to_owned(),
            3 => r#"{"text": "open", "url": "https://example.com/"}"#.to_owned(),
            _ => q(&text.repeat(2)),
        };
        if records {
            if r % 7 == 0 {
                rows.push(format!(r#"{{"t": {}}}"#, q(text)));
            } else {
                rows.push(format!(
                    r#"{{"t": {}, "n": {number}, "x": {third}}}"#,
                    q(text)
                ));
            }
        } else if r % 11 == 0 {
            rows.push(format!("[{}]", q(text)));
        } else {
            rows.push(format!("[{}, {number}, {third}]", q(text)));
        }
    }
    let head = if records {
        r#""columns": [{"header": "T", "key": "t"}, {"header": "N", "key": "n", "type": "number", "format": "0.0"}, {"header": "X", "key": "x"}]"#
    } else {
        r#""headers": ["T", "N", "X"]"#
    };
    format!(
        r#"{{"title": "Mixed", {head}, "rows": [{}]}}"#,
        rows.join(", ")
    )
}

#[wasm_bindgen_test]
fn rows_read_a_block_at_a_time_are_the_rows_given() {
    // The block reader (one crossing per 1,024 rows) against the whole
    // table parsed from JSON: the same bytes in every format, for rows as
    // arrays and as records.
    for records in [false, true] {
        let table = mixed_table(records);
        for format in ["xlsx", "csv", "docx"] {
            let options = js(&format!(
                r#"{{"format": "{format}", "createdAt": 1700000000000}}"#
            ));
            let a = export_table(js(&table), options.clone()).unwrap();
            let b = export_table_json(&table, options).unwrap();
            assert_eq!(a, b, "{format}, records: {records}");
        }
    }
    // A lone surrogate (which JSON text cannot carry) is refused naming
    // its cell; converted, it silently became U+FFFD before.
    let table = js(r#"{"headers": ["a"], "rows": [["ok"]]}"#);
    let rows: Array = Reflect::get(&table, &"rows".into()).unwrap().into();
    let row = Array::new();
    row.push(&js_sys::JsString::from_char_code(&[0x78, 0xD800]));
    rows.push(&row);
    let (_, code, message) = error_of(export_table(table, js(r#"{"format": "xlsx"}"#)));
    assert_eq!(code, "INVALID_CHARACTER", "{message}");
    assert_eq!(
        message,
        "row 2, column 1: UTF-8 cannot hold the character U+D800; remove it"
    );
}
