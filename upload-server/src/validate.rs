//! Checks that uploaded bytes really are the format they claim, and carry
//! nothing active, before anything is stored. Real parsers, not byte
//! scans (issue #11 got PDFs with JavaScript, a "PDF" of a header and
//! trailer, and macro-enabled packages past the old checks):
//!
//! - a PDF is parsed with lopdf: it must have a catalog and at least one
//!   page, no encryption, no JavaScript, `/Launch`, embedded files,
//!   `/RichMedia` or XFA anywhere in its objects, and nothing after the
//!   final `%%EOF` but whitespace (no appended ZIP or HTML);
//! - an OOXML package is read as a ZIP within limits (entries, expanded
//!   size, compression ratio, no nested archives, no unsafe names), its
//!   `[Content_Types].xml` and every relationships part parsed as XML: the
//!   exact main content type, no macros, ActiveX, OLE objects or embedded
//!   packages, and no external relationship but hyperlinks.

use std::io::{Cursor, Read};

use exporter_core::Format;
use lopdf::{Document, Object};
use quick_xml::events::Event;

/// Most entries a DOCX/XLSX may have; ours have under 20.
const MAX_ENTRIES: usize = 500;
/// Most bytes all entries may expand to.
const MAX_UNCOMPRESSED: u64 = 1 << 30;
/// Highest compression ratio of an entry of 64 KiB or more, and of the
/// package as a whole: sheet XML reaches about 30, zip bombs thousands.
const MAX_RATIO: u64 = 200;
/// Largest XML part read to check it ([Content_Types].xml, `.rels`).
const MAX_XML_PART: u64 = 1 << 20;

/// PDF dictionary keys that carry active content or attachments.
const PDF_KEYS: [&[u8]; 9] = [
    b"JS",
    b"JavaScript",
    b"Launch",
    b"EmbeddedFiles",
    b"EmbeddedFile",
    b"RichMedia",
    b"RichMediaContent",
    b"RichMediaSettings",
    b"XFA",
];
/// PDF names (action, annotation and object types) of the same.
const PDF_NAMES: [&[u8]; 6] = [
    b"JavaScript",
    b"Launch",
    b"RichMedia",
    b"EmbeddedFile",
    b"FileAttachment",
    b"Filespec",
];

/// `Ok` when `bytes` is a well-formed, inert file of `format`; else why not.
///
/// # Errors
///
/// A one-line reason, for a 422 response.
pub fn check(format: Format, bytes: &[u8]) -> Result<(), String> {
    // A CSV of a table with no columns is empty; no other file is.
    if bytes.is_empty() && format != Format::Csv {
        return Err("the upload is empty".into());
    }
    match format {
        Format::Csv => check_csv(bytes),
        Format::Pdf => check_pdf(bytes),
        Format::Docx => check_package(
            bytes,
            &Package {
                name: "DOCX",
                main_part: "word/document.xml",
                main_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            },
        ),
        Format::Xlsx => check_package(
            bytes,
            &Package {
                name: "XLSX",
                main_part: "xl/workbook.xml",
                main_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            },
        ),
    }
}

/// A CSV is UTF-8 text (a byte order mark allowed): that is all a reader
/// relies on. It is served as an attachment with `nosniff`, so text that
/// looks like HTML is never run.
fn check_csv(bytes: &[u8]) -> Result<(), String> {
    std::str::from_utf8(bytes)
        .map(drop)
        .map_err(|e| format!("not a CSV: not UTF-8 text (at byte {})", e.valid_up_to()))
}

fn check_pdf(bytes: &[u8]) -> Result<(), String> {
    // ISO 32000 7.5.2: the file starts with the header.
    if !(bytes.starts_with(b"%PDF-1.") || bytes.starts_with(b"%PDF-2.")) {
        return Err("not a PDF: it does not start with %PDF-".into());
    }
    let Some(eof) = find_last(bytes, b"%%EOF") else {
        return Err("not a complete PDF: no %%EOF trailer at the end (truncated?)".into());
    };
    if !bytes[eof + 5..].iter().all(u8::is_ascii_whitespace) {
        return Err("not a PDF: data after the final %%EOF (another file appended?)".into());
    }
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if [&b"<html"[..], b"<svg", b"<script", b"<!doctype"]
        .iter()
        .any(|m| find_last(&lower, m).is_some())
    {
        return Err("not a PDF: markup after the header".into());
    }
    let doc = Document::load_mem(bytes).map_err(|e| format!("not a PDF: {e}"))?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err("encrypted PDFs are not accepted".into());
    }
    doc.catalog()
        .map_err(|_| "not a PDF: no document catalog (/Root)".to_owned())?;
    if doc.get_pages().is_empty() {
        return Err("not a PDF: no pages".into());
    }
    for (id, object) in &doc.objects {
        if let Some(what) = active(object, 0) {
            return Err(format!(
                "PDFs with {what} are not accepted (object {} {})",
                id.0, id.1
            ));
        }
    }
    if let Some(what) = active(&Object::Dictionary(doc.trailer.clone()), 0) {
        return Err(format!("PDFs with {what} are not accepted (trailer)"));
    }
    Ok(())
}

/// The first active or embedded thing `object` holds, as `/Name`.
fn active(object: &Object, depth: usize) -> Option<String> {
    // Direct objects nest shallowly in real files; a deep one is refused
    // rather than walked.
    if depth > 64 {
        return Some("objects nested over 64 deep".into());
    }
    let name = |n: &[u8]| format!("/{}", String::from_utf8_lossy(n));
    match object {
        Object::Name(n) if PDF_NAMES.contains(&n.as_slice()) => Some(name(n)),
        Object::Array(items) => items.iter().find_map(|o| active(o, depth + 1)),
        Object::Dictionary(d) => d.iter().find_map(|(k, v)| {
            if PDF_KEYS.contains(&k.as_slice()) {
                Some(name(k))
            } else {
                active(v, depth + 1)
            }
        }),
        Object::Stream(s) => active(&Object::Dictionary(s.dict.clone()), depth + 1),
        _ => None,
    }
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// What an OOXML package of one kind must be.
struct Package {
    name: &'static str,
    main_part: &'static str,
    main_type: &'static str,
}

/// Part names of active or embedded content.
fn refused_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with("vbaproject.bin")
        || lower.ends_with("vbadata.xml")
        || lower.contains("/activex/")
        || lower.contains("/embeddings/")
        || lower.ends_with(".bin")
}

/// Content types of active or embedded content.
fn refused_type(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    [
        "macroenabled",
        "vbaproject",
        "activex",
        "oleobject",
        "ms-office.vba",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

/// Relationship types of active or embedded content (by their last word).
fn refused_relationship(t: &str) -> bool {
    let last = t.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    [
        "vbaproject",
        "activexcontrol",
        "activexcontrolbinary",
        "oleobject",
        "package",
        "control",
        "attachedtemplate",
        "frame",
        "subdocument",
    ]
    .contains(&last.as_str())
}

fn check_package(bytes: &[u8], p: &Package) -> Result<(), String> {
    let name = p.name;
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
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
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
        let size = entry.size();
        total = total.saturating_add(size);
        if total > MAX_UNCOMPRESSED {
            return Err(format!(
                "not a {name}: more than {MAX_UNCOMPRESSED} bytes uncompressed"
            ));
        }
        if size >= 64 << 10 && size / entry.compressed_size().max(1) > MAX_RATIO {
            return Err(format!(
                "not a {name}: entry {entry_name:?} compresses more than {MAX_RATIO}:1 (a zip bomb?)"
            ));
        }
        if refused_part(&entry_name) {
            return Err(format!(
                "{name} files with macros, ActiveX or embedded objects are not accepted ({entry_name})"
            ));
        }
        // No archive inside the archive (a nested zip bomb, an executable).
        let mut magic = [0u8; 4];
        let got = read_up_to(&mut entry, &mut magic)
            .map_err(|e| format!("not a {name}: unreadable entry {entry_name:?} ({e})"))?;
        if got == 4 && (magic == *b"PK\x03\x04" || magic[..2] == *b"MZ" || magic == *b"\x7fELF") {
            return Err(format!(
                "not a {name}: entry {entry_name:?} is an archive or a program"
            ));
        }
        names.push(entry_name);
    }
    let packed = bytes.len() as u64;
    if total > 1 << 20 && total / packed.max(1) > MAX_RATIO {
        return Err(format!(
            "not a {name}: expands more than {MAX_RATIO}:1 as a whole (a zip bomb?)"
        ));
    }
    if !names.iter().any(|n| n == "[Content_Types].xml") {
        return Err(format!("not a {name}: no [Content_Types].xml"));
    }
    if !names.iter().any(|n| n == p.main_part) {
        return Err(format!("not a {name}: no {}", p.main_part));
    }
    let types = xml_part(&mut zip, "[Content_Types].xml", name)?;
    let mut main_type = None;
    for (element, attrs) in elements(&types, name, "[Content_Types].xml")? {
        let content_type = attr(&attrs, "ContentType").unwrap_or_default();
        if refused_type(content_type) {
            return Err(format!(
                "{name} files with macros, ActiveX or embedded objects are not accepted ({content_type})"
            ));
        }
        if element == "Override"
            && attr(&attrs, "PartName").map(|n| n.trim_start_matches('/')) == Some(p.main_part)
        {
            main_type = Some(content_type.to_owned());
        }
    }
    if main_type.as_deref() != Some(p.main_type) {
        return Err(format!(
            "not a {name}: [Content_Types].xml does not declare {} as {}",
            p.main_part, p.main_type
        ));
    }
    for rels in names.iter().filter(|n| n.ends_with(".rels")) {
        let text = xml_part(&mut zip, rels, name)?;
        for (element, attrs) in elements(&text, name, rels)? {
            if element != "Relationship" {
                continue;
            }
            let kind = attr(&attrs, "Type").unwrap_or_default();
            let external = attr(&attrs, "TargetMode") == Some("External");
            if refused_relationship(kind) || (external && !kind.ends_with("/hyperlink")) {
                return Err(format!(
                    "{name} files with macros, embedded objects or external {} are not accepted ({rels})",
                    kind.rsplit('/').next().unwrap_or("parts")
                ));
            }
        }
    }
    Ok(())
}

/// Reads into `buf` until it is full or the reader ends; how many bytes.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// An XML part of the package, read whole up to [`MAX_XML_PART`].
fn xml_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    part: &str,
    name: &str,
) -> Result<String, String> {
    let entry = zip
        .by_name(part)
        .map_err(|e| format!("not a {name}: {part}: {e}"))?;
    if entry.size() > MAX_XML_PART {
        return Err(format!("not a {name}: {part} is too large"));
    }
    let mut text = String::new();
    entry
        .take(MAX_XML_PART)
        .read_to_string(&mut text)
        .map_err(|e| format!("not a {name}: unreadable {part} ({e})"))?;
    Ok(text)
}

type Attrs = Vec<(String, String)>;

fn attr<'a>(attrs: &'a Attrs, key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Every element of `xml` (local name) with its attributes, unescaped.
fn elements(xml: &str, name: &str, part: &str) -> Result<Vec<(String, Attrs)>, String> {
    let bad =
        |e: &dyn std::fmt::Display| format!("not a {name}: {part} is not well-formed XML ({e})");
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(|e| bad(&e))? {
            Event::Start(e) | Event::Empty(e) => {
                let local = e.local_name().into_inner().to_owned();
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| bad(&e))?;
                    let key = a.key.local_name().into_inner().to_owned();
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| bad(&e))?
                        .into_owned();
                    attrs.push((key, value));
                }
                out.push((local, attrs));
            }
            Event::DocType(_) => return Err(format!("not a {name}: {part} has a DOCTYPE")),
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
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
        // A CSV is UTF-8 text, empty for a table of no columns.
        check(Format::Csv, b"").unwrap();
        check(Format::Csv, "\u{FEFF}a,b\r\n\"x, y\",1\r\n".as_bytes()).unwrap();
        assert_eq!(
            check(Format::Csv, &docx).unwrap_err().split(" (").next(),
            Some("not a CSV: not UTF-8 text")
        );
        assert!(check(Format::Csv, &pdf).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any bytes as any format: an answer, never a panic; a refusal is one line.
        #[test]
        fn any_bytes_get_an_answer(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..4096), which in 0usize..4) {
            if let Err(reason) = check(Format::ALL[which], &bytes) {
                proptest::prop_assert!(!reason.is_empty() && !reason.contains('\n'));
            }
        }

        /// Any real table, exported, passes as its own format and fails as the others.
        #[test]
        fn real_exports_pass_as_themselves_only(cells in proptest::collection::vec("[a-zA-Z0-9 ]{0,20}", 1..40), which in 0usize..4) {
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
