//! DOCX: a WordprocessingML package written directly and streamed through
//! deflate (docx-rs measured 14.7 s and 143 MB for 100,000 x 10 cells, all
//! parts stored uncompressed; see docs/decisions.md).

use crate::Progress;
use crate::error::{ExportError, Location, Result};
use crate::layout::{self, ColumnNeeds};
use crate::opc;
use crate::options::{ExportOptions, Orientation};
use crate::pdf::Helvetica;
use crate::table::{Cell, Table};
use crate::text::{self, push_xml_escaped};
use crate::warning::{Warning, Warnings};
use crate::zip_parts::Package;

const FORMAT: &str = "Word";
/// Word refuses tables of more than 63 columns.
const MAX_COLUMNS: usize = 63;
/// Body text size in points (styles.xml says the same in half-points).
const FONT_SIZE: f32 = 9.0;
/// Word's default left + right cell margins: 2 x 0.08 in.
const CELL_PADDING_PT: f32 = 11.52;
const HEADER_FILL: &str = "D9E2F3";

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

pub(crate) fn write(
    table: &Table,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    if table.column_count() > MAX_COLUMNS {
        return Err(ExportError::TooManyColumns {
            columns: table.column_count(),
            max: MAX_COLUMNS,
            format: "a Word table",
        });
    }
    let title = options.effective_title(table.title());
    warn_of_dropped(title, table, &mut progress.warnings)?;
    let needs = layout::column_needs(table, &Helvetica);
    let (landscape, widths) = page_and_columns(options, &needs);

    let mut package = Package::new(FORMAT, 6);
    package.part("[Content_Types].xml", CONTENT_TYPES.as_bytes())?;
    package.part("_rels/.rels", ROOT_RELS.as_bytes())?;
    package.part(
        "docProps/core.xml",
        &opc::core_properties(title, options.created_at),
    )?;
    package.part("docProps/app.xml", opc::APP_PROPERTIES.as_bytes())?;
    package.part("word/_rels/document.xml.rels", DOCUMENT_RELS.as_bytes())?;
    package.part("word/styles.xml", STYLES.as_bytes())?;
    package.part("word/settings.xml", SETTINGS.as_bytes())?;
    package.streamed_part("word/document.xml", |w| {
        let out = &mut w.buf;
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
        out.extend_from_slice(format!("<w:document xmlns:w=\"{W_NS}\"><w:body>").as_bytes());
        if let Some(title) = title {
            out.extend_from_slice(b"<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>");
            push_run(out, title, false);
            out.extend_from_slice(b"</w:p>");
        }
        if table.column_count() > 0 {
            let total: u32 = widths.iter().sum();
            out.extend_from_slice(
                format!(
                    "<w:tbl><w:tblPr><w:tblStyle w:val=\"RowpressTable\"/><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0420\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
                )
                .as_bytes(),
            );
            for w in &widths {
                out.extend_from_slice(format!("<w:gridCol w:w=\"{w}\"/>").as_bytes());
            }
            // ECMA-376 17.4.49: tblHeader repeats the row at the top of each page.
            out.extend_from_slice(b"</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
            for header in table.headers() {
                out.extend_from_slice(b"<w:tc><w:tcPr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"");
                out.extend_from_slice(HEADER_FILL.as_bytes());
                out.extend_from_slice(b"\"/></w:tcPr><w:p>");
                push_run(out, header, true);
                out.extend_from_slice(b"</w:p></w:tc>");
            }
            out.extend_from_slice(b"</w:tr>");
            for r in 0..table.row_count() {
                let out = &mut w.buf;
                out.extend_from_slice(b"<w:tr>");
                for c in 0..table.column_count() {
                    push_cell(out, table.cell(r, c));
                }
                out.extend_from_slice(b"</w:tr>");
                w.flush()?;
                progress.rows_done(r + 1);
            }
            w.buf.extend_from_slice(b"</w:tbl>");
        }
        let out = &mut w.buf;
        // A body must end with a paragraph; Word adds one after a final table.
        out.extend_from_slice(b"<w:p/>");
        let (pw, ph) = options.page_points(landscape);
        let m = options.margins;
        let orient = if landscape { " w:orient=\"landscape\"" } else { "" };
        out.extend_from_slice(
            format!(
                "<w:sectPr><w:pgSz w:w=\"{}\" w:h=\"{}\"{orient}/><w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"360\" w:footer=\"360\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>",
                twips(pw),
                twips(ph),
                twips(m.top),
                twips(m.right),
                twips(m.bottom),
                twips(m.left)
            )
            .as_bytes(),
        );
        Ok(())
    })?;
    package.finish()
}

/// Chooses the orientation and the column widths in twips.
fn page_and_columns(options: &ExportOptions, needs: &[ColumnNeeds]) -> (bool, Vec<u32>) {
    let pad = CELL_PADDING_PT / FONT_SIZE;
    let avail_em = |landscape: bool| {
        let (w, _) = options.page_points(landscape);
        (w - options.margins.left - options.margins.right) / FONT_SIZE
    };
    let natural: f32 = needs.iter().map(|n| n.max + pad).sum();
    let landscape = match options.orientation {
        Orientation::Landscape => true,
        Orientation::Portrait => false,
        Orientation::Auto => natural > avail_em(false),
    };
    let avail = avail_em(landscape);
    let widths = layout::fit_columns(needs, pad, avail).unwrap_or_else(|| {
        // Even the narrowest widths overflow: share the page by those, and
        // let Word break words.
        let total: f32 = needs.iter().map(|n| n.min + pad).sum();
        needs
            .iter()
            .map(|n| (n.min + pad) * avail / total)
            .collect()
    });
    (
        landscape,
        widths.iter().map(|w| twips(w * FONT_SIZE)).collect(),
    )
}

/// Warns of each piece of text holding characters XML cannot carry (a
/// control character, U+FFFE, U+FFFF), which the document cannot hold and
/// [`push_xml_escaped`] drops; when strict, the error.
fn warn_of_dropped(title: Option<&str>, table: &Table, warnings: &mut Warnings) -> Result<()> {
    let mut check = |s: &str, location: Location| {
        let mut dropped = s.chars().filter(|&c| !text::is_xml_char(c));
        let Some(first) = dropped.next() else {
            return Ok(());
        };
        let code = u32::from(first);
        let more = dropped.count();
        let others = if more > 0 {
            format!(" and {more} more such")
        } else {
            String::new()
        };
        warnings.keep(
            Warning {
                location,
                code: "INVALID_CHARACTER",
                message: format!(
                    "Word cannot hold the character U+{code:04X}{others}; dropped (XLSX and CSV keep it)"
                ),
            },
            || ExportError::InvalidCharacter {
                location,
                code,
                format: FORMAT,
            },
        )
    };
    if let Some(title) = title {
        check(title, Location::Title)?;
    }
    table.for_each_text(check)
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn twips(points: f32) -> u32 {
    (points * 20.0).round().max(0.0) as u32
}

fn push_cell(out: &mut Vec<u8>, cell: &Cell) {
    match cell {
        Cell::Null => out.extend_from_slice(b"<w:tc><w:p/></w:tc>"),
        Cell::String(s) if s.is_empty() => out.extend_from_slice(b"<w:tc><w:p/></w:tc>"),
        Cell::Number(_) | Cell::Integer(_) => {
            // Numbers align right, as in a spreadsheet.
            out.extend_from_slice(b"<w:tc><w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr><w:r><w:t>");
            out.extend_from_slice(text::cell_text(cell).as_bytes());
            out.extend_from_slice(b"</w:t></w:r></w:p></w:tc>");
        }
        other => {
            out.extend_from_slice(b"<w:tc><w:p>");
            push_run(out, &text::cell_text(other), false);
            out.extend_from_slice(b"</w:p></w:tc>");
        }
    }
}

/// A run of text: newlines become `w:br`, tabs `w:tab`, other control
/// characters (which XML cannot carry) are dropped.
fn push_run(out: &mut Vec<u8>, s: &str, bold: bool) {
    out.extend_from_slice(if bold {
        b"<w:r><w:rPr><w:b/></w:rPr>" as &[u8]
    } else {
        b"<w:r>"
    });
    let s = s.strip_suffix('\r').unwrap_or(s);
    let mut first = true;
    for line in s.split('\n') {
        if !first {
            out.extend_from_slice(b"<w:br/>");
        }
        first = false;
        for (i, piece) in line
            .strip_suffix('\r')
            .unwrap_or(line)
            .split('\t')
            .enumerate()
        {
            if i > 0 {
                out.extend_from_slice(b"<w:tab/>");
            }
            if !piece.is_empty() {
                out.extend_from_slice(b"<w:t xml:space=\"preserve\">");
                push_xml_escaped(out, piece);
                out.extend_from_slice(b"</w:t>");
            }
        }
    }
    out.extend_from_slice(b"</w:r>");
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/></Relationships>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="720"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

/// Arial 9 pt body (Helvetica's widths, which size the columns), a bold
/// Heading 1 for the title, and a grid table style.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:sz w:val="18"/><w:szCs w:val="18"/><w:lang w:val="en-US"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="0" w:after="160"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="115" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="115" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="RowpressTable"><w:name w:val="Rowpress Table"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:left w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:right w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/></w:tblBorders><w:tblCellMar><w:top w:w="29" w:type="dxa"/><w:left w:w="115" w:type="dxa"/><w:bottom w:w="29" w:type="dxa"/><w:right w:w="115" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;
