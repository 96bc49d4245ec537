//! Parts every Office Open XML package shares (ECMA-376 Part 2, OPC):
//! core and extended properties.

use crate::text::{DateTime, push_xml_escaped};

/// `docProps/core.xml`: title, creator and, when given, creation time.
pub(crate) fn core_properties(title: Option<&str>, created_at: Option<i64>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#);
    if let Some(title) = title {
        out.extend_from_slice(b"<dc:title>");
        push_xml_escaped(&mut out, title);
        out.extend_from_slice(b"</dc:title>");
    }
    out.extend_from_slice(b"<dc:creator>Rowpress</dc:creator>");
    if let Some(t) = created_at {
        let w3c = DateTime::from_unix(t).w3c();
        out.extend_from_slice(
            format!("<dcterms:created xsi:type=\"dcterms:W3CDTF\">{w3c}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{w3c}</dcterms:modified>").as_bytes(),
        );
    }
    out.extend_from_slice(b"</cp:coreProperties>");
    out
}

/// `docProps/app.xml`.
pub(crate) const APP_PROPERTIES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Rowpress</Application></Properties>"#;
