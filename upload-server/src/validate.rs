//! Checks that uploaded bytes really are the format they claim, before
//! anything is stored: a PDF header and trailer; for DOCX and XLSX a zip
//! with `[Content_Types].xml` and the format's main part, within limits
//! that stop zip bombs and path tricks.

use std::io::{Cursor, Read};

use exporter_core::Format;

/// Most entries a DOCX/XLSX may have; ours have under 10.
const MAX_ENTRIES: usize = 1000;
/// Most uncompressed bytes all entries may declare.
const MAX_UNCOMPRESSED: u64 = 2 << 30;
/// Highest compression ratio of any entry: sheet XML reaches about 30,
/// zip bombs thousands.
const MAX_RATIO: u64 = 200;

/// `Ok` when `bytes` is a plausible file of `format`; else why not.
///
/// # Errors
///
/// A one-line reason, for a 422 response.
pub fn check(format: Format, bytes: &[u8]) -> Result<(), String> {
    if bytes.is_empty() {
        return Err("the upload is empty".into());
    }
    match format {
        Format::Pdf => check_pdf(bytes),
        Format::Docx => check_package(
            bytes,
            "word/document.xml",
            "wordprocessingml.document.main+xml",
            "DOCX",
        ),
        Format::Xlsx => check_package(
            bytes,
            "xl/workbook.xml",
            "spreadsheetml.sheet.main+xml",
            "XLSX",
        ),
    }
}

fn check_pdf(bytes: &[u8]) -> Result<(), String> {
    // ISO 32000: the file starts with the header and ends with the trailer.
    if !(bytes.starts_with(b"%PDF-1.") || bytes.starts_with(b"%PDF-2.")) {
        return Err("not a PDF: it does not start with %PDF-".into());
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let Some(eof) = find_last(tail, b"%%EOF") else {
        return Err("not a complete PDF: no %%EOF trailer at the end (truncated?)".into());
    };
    let Some(startxref) = find_last(&tail[..eof], b"startxref") else {
        return Err("not a complete PDF: no startxref before %%EOF".into());
    };
    let offset: usize = std::str::from_utf8(&tail[startxref + 9..eof])
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or("not a PDF: startxref has no offset")?;
    let target = bytes.get(offset..).unwrap_or_default();
    // The offset points at a cross-reference table or stream object.
    let points_at_xref = target.starts_with(b"xref")
        || target
            .iter()
            .take(32)
            .position(|&b| b == b'o')
            .is_some_and(|i| target[i..].starts_with(b"obj"));
    if !points_at_xref {
        return Err("not a PDF: startxref does not point at a cross-reference section".into());
    }
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if [&b"<html"[..], b"<svg", b"<script", b"<!doctype"]
        .iter()
        .any(|m| find_last(&lower, m).is_some())
    {
        return Err("not a PDF: markup after the header".into());
    }
    Ok(())
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn check_package(bytes: &[u8], main_part: &str, main_type: &str, name: &str) -> Result<(), String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(format!("not a {name}: not a zip package"));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a {name}: broken zip ({e})"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "not a {name}: {} entries, more than {MAX_ENTRIES}",
            zip.len()
        ));
    }
    let mut total = 0u64;
    let mut has_main = false;
    let mut has_types = false;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| format!("not a {name}: broken zip entry ({e})"))?;
        let entry_name = entry
            .name()
            .map_err(|e| format!("not a {name}: bad entry name ({e})"))?
            .into_owned();
        if entry_name.starts_with('/')
            || entry_name.contains('\\')
            || entry_name.split('/').any(|p| p == "..")
            || entry_name.contains(':')
        {
            return Err(format!("not a {name}: unsafe entry name {entry_name:?}"));
        }
        total = total.saturating_add(entry.size());
        if total > MAX_UNCOMPRESSED {
            return Err(format!(
                "not a {name}: more than {MAX_UNCOMPRESSED} bytes uncompressed"
            ));
        }
        if entry.size() > 1 << 20 && entry.size() / entry.compressed_size().max(1) > MAX_RATIO {
            return Err(format!(
                "not a {name}: entry {entry_name:?} compresses more than {MAX_RATIO}:1 (a zip bomb?)"
            ));
        }
        has_main |= entry_name == main_part;
        has_types |= entry_name == "[Content_Types].xml";
    }
    if !has_types {
        return Err(format!("not a {name}: no [Content_Types].xml"));
    }
    if !has_main {
        return Err(format!("not a {name}: no {main_part}"));
    }
    let types = zip
        .by_name("[Content_Types].xml")
        .map_err(|e| format!("not a {name}: {e}"))?;
    if types.size() > 1 << 20 {
        return Err(format!("not a {name}: [Content_Types].xml is too large"));
    }
    let mut text = String::new();
    types
        .take(1 << 20)
        .read_to_string(&mut text)
        .map_err(|e| format!("not a {name}: unreadable [Content_Types].xml ({e})"))?;
    if !text.contains(main_type) {
        return Err(format!(
            "not a {name}: [Content_Types].xml does not declare a {name} main part"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use exporter_core::{ExportOptions, Table, export};

    fn sample(format: Format) -> Vec<u8> {
        let t = Table::from_json(r#"{"headers": ["a"], "rows": [["x"]]}"#).unwrap();
        export(&t, &ExportOptions::new(format)).unwrap()
    }

    #[test]
    fn our_files_pass_and_impostors_do_not() {
        for f in Format::ALL {
            check(f, &sample(f)).unwrap();
        }
        let pdf = sample(Format::Pdf);
        assert!(
            check(Format::Pdf, &pdf[..pdf.len() - 10])
                .unwrap_err()
                .contains("no %%EOF")
        );
        assert!(
            check(
                Format::Pdf,
                b"%PDF-1.7\n<html><script>alert(1)</script></html>"
            )
            .is_err()
        );
        let docx = sample(Format::Docx);
        assert_eq!(
            check(Format::Xlsx, &docx).unwrap_err(),
            "not a XLSX: no xl/workbook.xml"
        );
        assert_eq!(
            check(Format::Docx, &pdf).unwrap_err(),
            "not a DOCX: not a zip package"
        );
        assert_eq!(check(Format::Pdf, b"").unwrap_err(), "the upload is empty");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any bytes as any format: an answer, never a panic; a refusal is one line.
        #[test]
        fn any_bytes_get_an_answer(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..4096), which in 0usize..3) {
            if let Err(reason) = check(Format::ALL[which], &bytes) {
                proptest::prop_assert!(!reason.is_empty() && !reason.contains('\n'));
            }
        }

        /// Any real table, exported, passes as its own format and fails as the others.
        #[test]
        fn real_exports_pass_as_themselves_only(cells in proptest::collection::vec("[a-zA-Z0-9 ]{0,20}", 1..40), which in 0usize..3) {
            let rows: Vec<Vec<exporter_core::Cell>> = cells.into_iter().map(|c| vec![exporter_core::Cell::from(c)]).collect();
            let table = Table::new(vec!["h".into()], rows).unwrap();
            let format = Format::ALL[which];
            let bytes = export(&table, &ExportOptions::new(format).created_at(1_700_000_000)).unwrap();
            proptest::prop_assert!(check(format, &bytes).is_ok());
            for other in Format::ALL.into_iter().filter(|f| *f != format) {
                proptest::prop_assert!(check(other, &bytes).is_err());
            }
        }

        /// A PDF cut anywhere before its trailer is refused.
        #[test]
        fn truncated_pdfs_are_refused(cut in 7usize..2000) {
            let pdf = sample(Format::Pdf);
            let cut = cut.min(pdf.len());
            proptest::prop_assert!(check(Format::Pdf, &pdf[..pdf.len() - cut]).is_err());
        }
    }
}
