//! Download names: from an artifact's title to a file name (the core's
//! rule) and its `Content-Disposition` header. Shared by the local download
//! route and the S3 backend (which stores the header with the object).

pub use exporter_core::file_name;
use exporter_core::refused_in_file_name as refused;

/// `attachment` with an ASCII fallback name and the UTF-8 one (RFC 6266).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .chars()
        .filter(|c| !refused(*c))
        .collect::<String>()
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_dispositions_are_safe() {
        assert_eq!(
            file_name(Some("Q3: sales/returns"), "pdf"),
            "Q3 sales returns.pdf"
        );
        assert_eq!(file_name(Some("../../etc/passwd"), "pdf"), "etc passwd.pdf");
        assert_eq!(file_name(None, "xlsx"), "export.xlsx");
        assert_eq!(
            content_disposition("Отчёт 1.pdf"),
            "attachment; filename=\"_____ 1.pdf\"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%201.pdf"
        );
    }

    #[test]
    fn bidi_and_invisible_characters_never_reach_the_name() {
        // RIGHT-TO-LEFT OVERRIDE would show "invoice\u{202E}fdp.exe" as "invoiceexe.pdf".
        let name = file_name(Some("invoice\u{202E}fdp.exe"), "pdf");
        assert_eq!(name, "invoice fdp.exe.pdf");
        for c in [
            '\u{200E}', '\u{200F}', '\u{2066}', '\u{2069}', '\u{061C}', '\u{FEFF}', '\u{200B}',
        ] {
            let name = file_name(Some(&format!("a{c}b")), "pdf");
            assert_eq!(name, "a b.pdf", "U+{:04X}", c as u32);
            assert!(!content_disposition(&name).contains("%E2%80%8"));
        }
        assert!(!content_disposition("x\u{202E}y.pdf").contains("%E2%80%AE"));
    }
}
