//! The table-export program: files, stdin/stdout, one-line errors, no partial output.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{Scratch, pdf_pages_text, run};

const BIN: &str = env!("CARGO_BIN_EXE_table-export");

fn table_export(args: &[&str], stdin: Option<&[u8]>) -> (i32, Vec<u8>, String) {
    table_export_in(args, stdin, &[])
}

/// [`table_export`] with environment variables set.
fn table_export_in(
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin
        && let Err(e) = input.write_all(bytes)
    {
        // The program may refuse its arguments and exit before reading
        // its input (then the pipe is closed): what it answered is checked
        // by the caller.
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const TABLE: &str = r#"{"title": "Quarterly sales", "headers": ["Order", "Qty", "Paid"], "rows": [["A-1", 3, true], ["A-2", null, false]]}"#;

#[test]
fn writes_each_format_to_a_file() {
    let dir = Scratch::new("cli-files");
    let input = dir.path("t.json");
    std::fs::write(&input, TABLE).unwrap();
    for (format, magic) in [
        ("pdf", &b"%PDF-"[..]),
        ("docx", b"PK\x03\x04"),
        ("xlsx", b"PK\x03\x04"),
    ] {
        let out = dir.path(&format!("t.{format}"));
        let (code, _, err) = table_export(
            &[
                input.to_str().unwrap(),
                "--format",
                format,
                "--output",
                out.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        assert!(std::fs::read(&out).unwrap().starts_with(magic));
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn reads_stdin_and_writes_stdout_deterministically() {
    let args = [
        "-",
        "--format",
        "xlsx",
        "--output",
        "-",
        "--created-at",
        "1700000000",
        "--title",
        "Other",
    ];
    let (code, a, err) = table_export(&args, Some(TABLE.as_bytes()));
    assert_eq!(code, 0, "{err}");
    let (_, b, _) = table_export(&args, Some(TABLE.as_bytes()));
    assert!(a.starts_with(b"PK"));
    assert_eq!(a, b);
}

#[test]
fn errors_are_one_line_and_leave_no_file() {
    let dir = Scratch::new("cli-errors");
    let out = dir.path("out.pdf");
    let out_s = out.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &[u8], &str)> = vec![
        (
            vec!["-", "-f", "pdf", "-o", out_s],
            br#"{"headers": ["a"], "rows": [[1, 2]]}"#,
            "error: row 1 has 2 cells but there are only 1 headers",
        ),
        (
            vec![
                "-",
                "-f",
                "pdf",
                "-o",
                out_s,
                "--strict",
                "--no-system-fonts",
            ],
            r#"{"headers": ["a"], "rows": [["\u03a9mega"]]}"#.as_bytes(),
            "error: row 1, column 1: no font has the character 'Ω' (U+03A9); pass a font that covers it (--font FILE, or `fonts` in the options)",
        ),
        (
            vec!["/no/such/file.json", "-f", "pdf", "-o", out_s],
            b"",
            "error: cannot read /no/such/file.json: No such file or directory (os error 2)",
        ),
        (
            vec!["-", "-f", "pdf", "-o", out_s, "--font", "/no/font.ttf"],
            br#"{"headers": [], "rows": []}"#,
            "error: cannot read font /no/font.ttf: No such file or directory (os error 2)",
        ),
        (
            vec!["-", "-f", "odt", "-o", out_s],
            b"{}",
            "error: invalid value 'odt' for '--format <FORMAT>'",
        ),
        (
            vec!["-", "-f", "pdf", "-o", "/no/such/dir/out.pdf"],
            br#"{"headers": [], "rows": []}"#,
            "error: cannot write /no/such/dir/out.pdf: No such file or directory (os error 2)",
        ),
    ];
    for (args, stdin, expected) in cases {
        let (code, stdout, stderr) = table_export(&args, Some(stdin));
        assert_ne!(code, 0, "{args:?}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.trim_end().starts_with(expected), "{stderr}");
        assert!(!out.exists(), "an output file was left behind for {args:?}");
    }
}

#[test]
fn help_documents_every_option() {
    let (code, out, _) = table_export(&["--help"], None);
    assert_eq!(code, 0);
    let help = String::from_utf8(out).unwrap();
    for flag in [
        "--format",
        "--output",
        "--title",
        "--page-size",
        "--orientation",
        "--font",
        "--sheet-name",
        "--created-at",
        "SOURCE_DATE_EPOCH",
        "--strict",
    ] {
        assert!(help.contains(flag), "{flag} not in --help");
    }
}

#[test]
fn creation_times_out_of_range_are_explained_in_seconds() {
    for t in ["0", "-1"] {
        let (code, out, err) = table_export(
            &["-", "-f", "xlsx", "-o", "-", "--created-at", t],
            Some(TABLE.as_bytes()),
        );
        assert_eq!(code, 1, "{t}: {err}");
        assert!(out.is_empty());
        assert_eq!(
            err.trim_end(),
            format!(
                "error: option createdAt: {t} is outside 315532800 to 253402300799 seconds since 1970 (1980-01-01 to 9999-12-31 UTC), the times every format holds"
            )
        );
    }
}

#[test]
fn a_byte_order_mark_starts_a_table_file() {
    let mut input = "\u{FEFF}".as_bytes().to_vec();
    input.extend_from_slice(TABLE.as_bytes());
    let (code, out, err) = table_export(&["-", "-f", "xlsx", "-o", "-"], Some(&input));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(b"PK\x03\x04"));
}

#[test]
fn values_kept_another_way_are_warnings_and_strict_refuses_them() {
    let table = r#"{"headers": ["id", "x"], "rows": [["a", 1], ["b", 12345678901234567890]]}"#;
    let (code, out, err) = table_export(&["-", "-f", "xlsx", "-o", "-"], Some(table.as_bytes()));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(b"PK\x03\x04"));
    assert_eq!(
        err,
        "warning: row 2, column 2: the integer 12345678901234567890 is beyond 2^53, which Excel's numbers cannot hold exactly; written as text\n"
    );
    let dir = Scratch::new("cli-strict");
    let target = dir.path("t.xlsx");
    let (code, _, err) = table_export(
        &[
            "-",
            "-f",
            "xlsx",
            "-o",
            target.to_str().unwrap(),
            "--strict",
        ],
        Some(table.as_bytes()),
    );
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: row 2, column 2: the integer 12345678901234567890 is beyond 2^53 and would lose digits as a number in Excel; pass it as a string\n"
    );
    assert!(!target.exists(), "no file is written when refused");
    // PDF holds the digits: no warning, strict or not.
    let (code, _, err) = table_export(
        &["-", "-f", "pdf", "-o", "-", "--strict"],
        Some(table.as_bytes()),
    );
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn xlsx_and_csv_stream_from_the_json_text_with_the_same_bytes_and_errors() {
    // table-export writes a table to XLSX or CSV from its JSON text, each
    // row parsed as it is written (JsonRows). The bytes, warnings and
    // errors are those of the whole table read first.
    use exporter_core::{ExportOptions, Format, Workbook, export_workbook};
    let inputs = [
        // Records by key, typed columns, a link, a warning (2^53+).
        "{\"title\": \"Typed\", \"columns\": [{\"header\": \"Id\", \"key\": \"id\"}, {\"header\": \"Day\", \"key\": \"day\", \"type\": \"date\", \"format\": \"d mmm yyyy\"}, {\"header\": \"Site\", \"key\": \"site\", \"type\": \"link\"}], \"rows\": [{\"id\": 12345678901234567890, \"day\": \"2024-10-18\", \"site\": \"https://example.com\"}, [\"b\", \"2024-02-29\"], {\"day\": \"not a day\"}]}",
        // A byte order mark, arrays, text a spreadsheet would run.
        "\u{FEFF}{\"headers\": [\"a\", \"b\"], \"rows\": [[\"=1+1\", 2.5], [null, true]]}",
    ];
    let bad = [
        (
            "{\"headers\": [\"a\"], \"rows\": [[1], [{\"x\": 1}]]}",
            "INVALID_CELL",
        ),
        (
            "{\"headers\": [\"a\"], \"rows\": [[1], [1, 2]]}",
            "ROW_TOO_LONG",
        ),
        (
            "{\"columns\": [{\"header\": \"A\", \"key\": \"a\"}], \"rows\": [{\"a\": 1}, {\"b\": 2}]}",
            "UNKNOWN_KEY",
        ),
        ("{\"headers\": [], \"rows\": [[1]]}", "MISSING_HEADERS"),
    ];
    for format in ["xlsx", "csv"] {
        let options =
            ExportOptions::new(format.parse::<Format>().unwrap()).created_at(1_700_000_000);
        for json in inputs {
            let (code, out, err) = table_export(
                &["-", "-f", format, "-o", "-", "--created-at", "1700000000"],
                Some(json.as_bytes()),
            );
            assert_eq!(code, 0, "{err}");
            let whole =
                export_workbook(Workbook::from_json(json).unwrap(), &options, &mut |_, _| {})
                    .unwrap();
            assert_eq!(out, whole.bytes, "{format}: {json}");
            let warnings: String = whole
                .warnings
                .iter()
                .map(|w| format!("warning: {w}\n"))
                .collect();
            assert_eq!(err, warnings, "{format}: {json}");
        }
        for (json, want) in bad {
            let (code, out, err) =
                table_export(&["-", "-f", format, "-o", "-"], Some(json.as_bytes()));
            let whole = Workbook::from_json(json)
                .and_then(|b| export_workbook(b, &options, &mut |_, _| {}));
            let whole = whole.unwrap_err();
            assert_eq!((code, out.is_empty()), (1, true), "{format}: {json}");
            assert_eq!(whole.code(), want);
            assert_eq!(err, format!("error: {whole}\n"), "{format}: {json}");
        }
    }
}

#[test]
fn a_pdf_finds_the_fonts_its_text_needs_on_this_machine() {
    let dir = Scratch::new("cli-system-fonts");
    let out = dir.path("out.pdf");
    let out_s = out.to_str().unwrap();
    let cyrillic = r#"{"headers": ["Имя"], "rows": [["Привет, мир"]]}"#.as_bytes();
    let args = ["-", "-f", "pdf", "-o", out_s];

    // Only DejaVu to search: its upright regular sans face (not Mono,
    // Serif or Oblique), then that face's bold for the header.
    let (code, _, err) = table_export_in(
        &args,
        Some(cyrillic),
        &[("ROWPRESS_FONT_DIRS", "/usr/share/fonts/truetype/dejavu")],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.trim(),
        "note: fonts from this machine: /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf, /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    );
    let (_, fonts, _) = run("pdffonts", &[out_s]);
    assert!(fonts.contains("+DejaVuSans "), "{fonts}");
    assert!(fonts.contains("+DejaVuSans-Bold "), "{fonts}");
    assert!(pdf_pages_text(&out)[0].contains("Привет, мир"));

    // The machine's own directories: every script of the table covered,
    // no warning.
    let world = r#"{"title": "Мир", "headers": ["Русский", "中文", "Ελληνικά", "हिन्दी", "العربية"],
        "rows": [["Привет", "你好", "Γειά", "नमस्ते", "مرحبا"]]}"#;
    let (code, _, err) = table_export(&args, Some(world.as_bytes()));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
    let text: String = pdf_pages_text(&out)
        .join("")
        .chars()
        .filter(|c| !('\u{202A}'..='\u{202E}').contains(c))
        .collect();
    for word in ["Привет", "你好", "Γειά", "नमस्ते", "مرحبا"] {
        assert!(text.contains(word), "{word} not in {text:?}");
    }

    // Nowhere to search, or told not to: Helvetica and a warning.
    for (extra, env) in [
        (None, [("ROWPRESS_FONT_DIRS", "/nonexistent")]),
        (Some("--no-system-fonts"), [("UNUSED", "")]),
    ] {
        let mut args = args.to_vec();
        args.extend(extra);
        let (code, _, err) = table_export_in(&args, Some(cyrillic), &env);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("warning: row 1, column 1: no font has the character 'П'"),
            "{err}"
        );
        assert!(!err.contains("note:"), "{err}");
    }
}
