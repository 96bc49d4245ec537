//! Download file names, the one rule for the CLI's users, the npm
//! package (whose JavaScript copy a test holds to this one) and the
//! server's downloads.

/// Whether `c` may not appear in a file name: controls, characters file
/// systems refuse, and invisible format characters (bidi overrides,
/// isolates and marks among them, which can make `exe.pdf` display as
/// `fdp.exe`; zero-width characters; the BOM; tag characters).
pub fn refused_in_file_name(c: char) -> bool {
    c.is_control()
        || "<>:\"/\\|?*".contains(c)
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}')
}

/// A file name from a table's title: refused characters become spaces,
/// runs of spaces one, words of dots alone (`..`) go, no leading dot, at
/// most 120 characters before `.extension`; `export` when nothing is left.
///
/// # Examples
///
/// ```
/// use exporter_core::file_name;
/// assert_eq!(file_name(Some("Q3: sales/returns"), "pdf"), "Q3 sales returns.pdf");
/// assert_eq!(file_name(Some("../../etc/passwd"), "csv"), "etc passwd.csv");
/// assert_eq!(file_name(Some("invoice\u{202E}fdp.exe"), "pdf"), "invoice fdp.exe.pdf");
/// assert_eq!(file_name(None, "xlsx"), "export.xlsx");
/// ```
pub fn file_name(title: Option<&str>, extension: &str) -> String {
    let base: String = title
        .unwrap_or("")
        .chars()
        .map(|c| if refused_in_file_name(c) { ' ' } else { c })
        .collect();
    let base = base
        .split_whitespace()
        .filter(|w| !w.chars().all(|c| c == '.'))
        .collect::<Vec<_>>()
        .join(" ");
    let base: String = base.trim_start_matches('.').chars().take(120).collect();
    let base = base.trim_end();
    format!(
        "{}.{extension}",
        if base.is_empty() { "export" } else { base }
    )
}
