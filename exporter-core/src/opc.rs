//! Parts every Office Open XML package shares (ECMA-376 Part 2, OPC):
//! core and extended properties, and the relationships of link addresses.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::error::Result;
use crate::text::{DateTime, push_xml_escaped};
use crate::xml::Xml;
use crate::zip_parts::Package;

/// The link addresses of one part, each once, as relationships numbered
/// after the part's own (`rId{first}` on).
pub(crate) struct Hyperlinks {
    /// Each address and its number (0-based, in the order first asked
    /// for). foldhash, seeded per process: SipHash was 5% of a typed
    /// export of 300,000 links, and a fixed-seed hash would let crafted
    /// addresses collide.
    index: HashMap<Box<str>, usize, RandomState>,
    first: usize,
}

impl Hyperlinks {
    /// Addresses numbered from `rId{first}`.
    pub(crate) fn starting_at(first: usize) -> Hyperlinks {
        Hyperlinks {
            index: HashMap::default(),
            first,
        }
    }

    /// The relationship id of `url`.
    pub(crate) fn id(&mut self, url: &str) -> String {
        let n = self.number(url);
        self.rid(n)
    }

    /// The number of `url` among the addresses (0-based), for [`Hyperlinks::rid`].
    pub(crate) fn number(&mut self, url: &str) -> usize {
        if let Some(&n) = self.index.get(url) {
            return n;
        }
        let n = self.index.len();
        self.index.insert(url.into(), n);
        n
    }

    /// The relationship id of address number `n`.
    pub(crate) fn rid(&self, n: usize) -> String {
        format!("rId{}", self.first + n)
    }

    /// Appends the relationship id of address number `n`.
    pub(crate) fn push_rid(&self, out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(b"rId");
        out.extend_from_slice(itoa::Buffer::new().format(self.first + n).as_bytes());
    }

    /// Whether no address was asked for.
    pub(crate) fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The part's relationships: its own (`rId1`...: id, type under
    /// officeDocument's relationships, target), then one external
    /// hyperlink per address.
    pub(crate) fn relationships(&self, own: &[(&str, &str, &str)]) -> Vec<u8> {
        const KINDS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        const HYPERLINK: &str =
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";
        let mut x = Xml::new();
        x.start("Relationships").attr(
            "xmlns",
            "http://schemas.openxmlformats.org/package/2006/relationships",
        );
        for (id, kind, target) in own {
            x.start("Relationship")
                .attr("Id", id)
                .attr("Type", &format!("{KINDS}/{kind}"))
                .attr("Target", target)
                .end();
        }
        // A sheet may have a million links: no allocation per address
        // (two format! calls each were a tenth of a typed export's time).
        let mut urls = vec![""; self.index.len()];
        for (url, &n) in &self.index {
            urls[n] = url;
        }
        let mut id = String::with_capacity(16);
        for (n, url) in urls.into_iter().enumerate() {
            id.clear();
            id.push_str("rId");
            id.push_str(itoa::Buffer::new().format(self.first + n));
            x.start("Relationship")
                .attr("Id", &id)
                .attr("Type", HYPERLINK)
                .attr("Target", url)
                .attr("TargetMode", "External")
                .end();
        }
        x.finish()
    }
}

/// The parts every package starts with: its content types, its root
/// relationships, and its core and extended properties (`title`, the
/// creation time).
pub(crate) fn start_package(
    package: &mut Package,
    content_types: &[u8],
    root_rels: &str,
    title: Option<&str>,
    created_at: Option<i64>,
) -> Result<()> {
    package.part("[Content_Types].xml", content_types)?;
    package.part("_rels/.rels", root_rels.as_bytes())?;
    package.part("docProps/core.xml", &core_properties(title, created_at))?;
    package.part("docProps/app.xml", APP_PROPERTIES.as_bytes())
}

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

/// A minimal Office theme (colours, fonts, the three format styles the
/// schema asks for): Word and Excel expect the part, and the Open XML
/// validator reports a package without it. Nothing refers to its colours.
pub(crate) const THEME: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme"><a:themeElements><a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2><a:accent1><a:srgbClr val="4472C4"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2><a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4><a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6><a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme><a:fontScheme name="Office"><a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="Office"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"#;
