//! DOCX: a WordprocessingML package written directly and streamed through
//! deflate (docx-rs measured 14.7 s and 143 MB for 100,000 x 10 cells, all
//! parts stored uncompressed; see docs/decisions.md).

use crate::columns::{Align, ColumnStyle};
use crate::error::{ExportError, Location, Result};
use crate::layout::{self, ColumnNeeds};
use crate::opc;
use crate::options::{ExportOptions, Orientation};
use crate::pdf::Helvetica;
use crate::table::{Cell, Table};
use crate::text::{self, push_xml_escaped};
use crate::warning::{Warning, Warnings};
use crate::zip_parts::Package;
use crate::{Book, Progress, Sheet};

const FORMAT: &str = "Word";
/// Word refuses tables of more than 63 columns.
const MAX_COLUMNS: usize = 63;
/// Body text size in points, and the smallest it shrinks to before the
/// columns continue in a following table.
const FONT_SIZE: f32 = 9.0;
const FLOOR_SIZE: f32 = 6.0;
/// Narrowest column, besides its margins, in em: a few characters. Word
/// and LibreOffice show a cell narrower than its margins empty, and one
/// barely wider one character per line (issue #12).
const MIN_COLUMN_EM: f32 = 3.0;
/// Word's default left + right cell margins: 2 x 0.08 in.
const CELL_PADDING_PT: f32 = 11.52;
const HEADER_FILL: &str = "D9E2F3";

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

pub(crate) fn write(
    book: &Book<'_, Table>,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    // Every sheet is checked and planned before anything is written.
    let mut plans = Vec::with_capacity(book.sheets.len());
    let mut east_asian = None;
    for (i, sheet) in book.sheets.iter().enumerate() {
        book.start(i, progress);
        let table = sheet.rows;
        let checked = if table.column_count() > MAX_COLUMNS {
            Err(ExportError::TooManyColumns {
                columns: table.column_count(),
                max: MAX_COLUMNS,
                format: "a Word table",
            })
        } else {
            warn_of_dropped(sheet.heading(), table, &mut progress.warnings)
        };
        checked.map_err(|e| book.in_sheet(i, e))?;
        plans.push(plan(options, &layout::column_needs(table, &Helvetica)));
        east_asian = east_asian.max(EastAsian::of_sheet(sheet.heading(), table));
    }
    progress.warnings.sheet = None;
    // The body size of the first sheet is the document's; a sheet whose
    // columns needed smaller type says so in its runs.
    let body_size = plans.first().map_or(FONT_SIZE, |p| p.size);

    let mut package = Package::new(FORMAT, 6);
    opc::start_package(
        &mut package,
        CONTENT_TYPES.as_bytes(),
        ROOT_RELS,
        book.title,
        options.created_at,
    )?;
    package.part("word/styles.xml", &styles(body_size, east_asian))?;
    package.part("word/fontTable.xml", &font_table(east_asian))?;
    package.part("word/theme/theme1.xml", opc::THEME.as_bytes())?;
    // Link addresses follow the document's own relationships (rId1-rId4).
    let mut links = opc::Hyperlinks::starting_at(5);
    package.part("word/settings.xml", SETTINGS.as_bytes())?;
    package.streamed_part("word/document.xml", |w| {
        let out = &mut w.buf;
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
        out.extend_from_slice(
            format!("<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>").as_bytes(),
        );
        for (i, (sheet, plan)) in book.sheets.iter().zip(&plans).enumerate() {
            book.start(i, progress);
            let runs = Runs::sized((plan.size != body_size).then_some(plan.size));
            write_sheet(w, sheet, plan, &runs, &mut links, progress)?;
            // Each sheet is a section: it starts a page, in its own
            // orientation; the body's last section properties close the
            // last.
            let out = &mut w.buf;
            if i + 1 < plans.len() {
                out.extend_from_slice(b"<w:p><w:pPr>");
                push_section(out, options, plan.landscape);
                out.extend_from_slice(b"</w:pPr></w:p>");
            } else {
                // A body must end with a paragraph; Word adds one after a final table.
                out.extend_from_slice(b"<w:p/>");
                push_section(out, options, plan.landscape);
            }
        }
        w.buf.extend_from_slice(b"</w:body></w:document>");
        Ok(())
    })?;
    // After the document, which found the addresses its links go to.
    package.part(
        "word/_rels/document.xml.rels",
        &links.relationships(&[
            ("rId1", "styles", "styles.xml"),
            ("rId2", "settings", "settings.xml"),
            ("rId3", "fontTable", "fontTable.xml"),
            ("rId4", "theme", "theme/theme1.xml"),
        ]),
    )?;
    package.finish()
}

/// The run properties of a sheet's text: plain, bold (headers) and links,
/// each with the sheet's type size when it is not the document's, and
/// each again for right-to-left runs (`w:rtl`).
struct Runs {
    plain: Vec<u8>,
    bold: Vec<u8>,
    link: Vec<u8>,
    rtl: [Vec<u8>; 3],
}

/// Which of [`Runs`]' properties a run takes.
#[derive(Clone, Copy)]
enum RunKind {
    Plain = 0,
    Bold = 1,
    Link = 2,
}

impl Runs {
    fn sized(size: Option<f32>) -> Runs {
        let sz = size.map_or(String::new(), type_size);
        // ECMA-376 17.3.2.28: b and bCs, then color, then sz and szCs,
        // then u, then rtl. bCs is bold for complex scripts (Arabic,
        // Hebrew, Devanagari, Thai), which Word shows regular without it.
        let props = |before: &str, after: &str| {
            if before.is_empty() && sz.is_empty() && after.is_empty() {
                Vec::new()
            } else {
                format!("<w:rPr>{before}{sz}{after}</w:rPr>").into_bytes()
            }
        };
        let (bold, link) = ("<w:b/><w:bCs/>", "<w:color w:val=\"0563C1\"/>");
        let underline = "<w:u w:val=\"single\"/>";
        Runs {
            plain: props("", ""),
            bold: props(bold, ""),
            link: props(link, underline),
            rtl: [
                props("", "<w:rtl/>"),
                props(bold, "<w:rtl/>"),
                props(link, &format!("{underline}<w:rtl/>")),
            ],
        }
    }

    /// The properties of a run of `text` of `kind`: right to left when
    /// it has right-to-left letters and no left-to-right ones (a run with
    /// Latin in it is left for Word's own bidi ordering).
    fn of(&self, kind: RunKind, text: &str) -> &[u8] {
        if layout::is_rtl_only(text) {
            return &self.rtl[kind as usize];
        }
        match kind {
            RunKind::Plain => &self.plain,
            RunKind::Bold => &self.bold,
            RunKind::Link => &self.link,
        }
    }
}

/// One sheet: its heading, then its table (or the tables its columns
/// continue in).
fn write_sheet(
    w: &mut crate::zip_parts::PartWriter,
    sheet: &Sheet<'_, Table>,
    plan: &Plan,
    runs: &Runs,
    links: &mut opc::Hyperlinks,
    progress: &mut Progress<'_>,
) -> Result<()> {
    let table = sheet.rows;
    if let Some(title) = sheet.heading() {
        let out = &mut w.buf;
        out.extend_from_slice(b"<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/>");
        if layout::is_rtl(title) {
            out.extend_from_slice(b"<w:bidi/>");
        }
        out.extend_from_slice(b"</w:pPr>");
        let props: &[u8] = if layout::is_rtl_only(title) {
            b"<w:rPr><w:rtl/></w:rPr>"
        } else {
            b""
        };
        push_run_with(out, title, props);
        out.extend_from_slice(b"</w:p>");
    }
    let groups = plan.groups.len();
    let styles: Vec<ColumnStyle> = (0..table.column_count())
        .map(|c| table.column_style(c))
        .collect();
    for (g, (columns, widths)) in plan.groups.iter().zip(&plan.widths).enumerate() {
        let out = &mut w.buf;
        if g > 0 {
            // The columns that did not fit continue on the next page.
            out.extend_from_slice(b"<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
        }
        let total: u32 = widths.iter().sum();
        out.extend_from_slice(
            format!(
                "<w:tbl><w:tblPr><w:tblStyle w:val=\"RowpressTable\"/><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0420\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
            )
            .as_bytes(),
        );
        for w in widths {
            out.extend_from_slice(format!("<w:gridCol w:w=\"{w}\"/>").as_bytes());
        }
        // ECMA-376 17.4.49: tblHeader repeats the row at the top of each page.
        out.extend_from_slice(b"</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        for (&c, &width) in columns.iter().zip(widths) {
            out.extend_from_slice(b"<w:tc><w:tcPr>");
            push_cell_width(out, width);
            out.extend_from_slice(b"<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"");
            out.extend_from_slice(HEADER_FILL.as_bytes());
            out.extend_from_slice(b"\"/></w:tcPr><w:p>");
            // A header sits as its column asks, else over its cells.
            let header = &table.headers()[c];
            push_paragraph_props(out, styles[c].column_align(), layout::is_rtl(header));
            push_run_with(out, header, runs.of(RunKind::Bold, header));
            out.extend_from_slice(b"</w:p></w:tc>");
        }
        out.extend_from_slice(b"</w:tr>");
        for r in 0..table.row_count() {
            let out = &mut w.buf;
            out.extend_from_slice(b"<w:tr>");
            for (&c, &width) in columns.iter().zip(widths) {
                push_cell(out, table.cell(r, c), width, &styles[c], runs, links);
            }
            out.extend_from_slice(b"</w:tr>");
            w.flush()?;
            progress.rows_done((g * table.row_count() + r + 1) / groups);
        }
        w.buf.extend_from_slice(b"</w:tbl>");
    }
    Ok(())
}

/// Section properties: the page size, orientation and margins.
fn push_section(out: &mut Vec<u8>, options: &ExportOptions, landscape: bool) {
    let (pw, ph) = options.page_points(landscape);
    let m = options.margins;
    let orient = if landscape {
        " w:orient=\"landscape\""
    } else {
        ""
    };
    out.extend_from_slice(
        format!(
            "<w:sectPr><w:pgSz w:w=\"{}\" w:h=\"{}\"{orient}/><w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"360\" w:footer=\"360\" w:gutter=\"0\"/></w:sectPr>",
            twips(pw),
            twips(ph),
            twips(m.top),
            twips(m.right),
            twips(m.bottom),
            twips(m.left)
        )
        .as_bytes(),
    );
}

/// How the table sits on the pages: the orientation, the body type size,
/// and the column groups, each a table of its own with its widths in twips.
struct Plan {
    landscape: bool,
    size: f32,
    groups: Vec<Vec<usize>>,
    widths: Vec<Vec<u32>>,
}

/// Lays out the columns as the PDF does: the orientation that fits, then
/// smaller type down to [`FLOOR_SIZE`], then the columns that do not fit
/// continue in following tables (the first repeated when it is narrow).
/// No column is narrower than its margins plus [`MIN_COLUMN_EM`].
fn plan(options: &ExportOptions, needs: &[ColumnNeeds]) -> Plan {
    let needs: Vec<ColumnNeeds> = needs
        .iter()
        .map(|n| ColumnNeeds {
            min: n.min.max(MIN_COLUMN_EM),
            max: n.max.max(MIN_COLUMN_EM),
        })
        .collect();
    let avail = |landscape: bool| {
        let (w, _) = options.page_points(landscape);
        w - options.margins.left - options.margins.right
    };
    let total = |size: f32, wide: bool| -> f32 {
        needs
            .iter()
            .map(|n| (if wide { n.max } else { n.min }) * size + CELL_PADDING_PT)
            .sum()
    };
    let landscape = match options.orientation {
        Orientation::Landscape => true,
        Orientation::Portrait => false,
        Orientation::Auto => total(FONT_SIZE, true) > avail(false),
    };
    let room = avail(landscape);
    let em: f32 = needs.iter().map(|n| n.min).sum();
    let pads = needs.len() as f32 * CELL_PADDING_PT;
    let size = if total(FONT_SIZE, false) <= room {
        FONT_SIZE
    } else {
        // Whole half-points, as w:sz counts.
        (((room - pads) / em * 2.0).floor() / 2.0).clamp(FLOOR_SIZE, FONT_SIZE)
    };
    let groups = if needs.is_empty() {
        // No columns, no table.
        Vec::new()
    } else if total(size, false) <= room {
        vec![(0..needs.len()).collect()]
    } else {
        let width = |c: usize| needs[c].min * size + CELL_PADDING_PT;
        layout::split_columns(needs.len(), width, room)
    };
    let pad = CELL_PADDING_PT / size;
    let widths = groups
        .iter()
        .map(|columns| {
            let picked: Vec<ColumnNeeds> = columns.iter().map(|&c| needs[c]).collect();
            // A group holds at least its narrowest widths; one column wider
            // than the page alone keeps its minimum.
            let em = layout::fit_columns(&picked, pad, room / size)
                .unwrap_or_else(|| picked.iter().map(|n| n.min + pad).collect());
            em.iter().map(|w| twips(w * size)).collect()
        })
        .collect();
    Plan {
        landscape,
        size,
        groups,
        widths,
    }
}

/// `word/styles.xml` with body text of `size` points.
/// `word/styles.xml`, its body `size` points, with the East Asian font
/// and language of the document's CJK text, if any.
fn styles(size: f32, east_asian: Option<EastAsian>) -> Vec<u8> {
    let mut styles = STYLES.replacen(
        "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>",
        &type_size(size),
        1,
    );
    if let Some(east_asian) = east_asian {
        let (font, _) = east_asian.font();
        styles = styles
            .replacen(
                "w:cs=\"Arial\"/>",
                &format!("w:eastAsia=\"{font}\" w:cs=\"Arial\"/>"),
                1,
            )
            .replacen(
                "<w:lang w:val=\"en-US\"/>",
                &format!(
                    "<w:lang w:val=\"en-US\" w:eastAsia=\"{}\"/>",
                    east_asian.lang()
                ),
                1,
            );
    }
    styles.into_bytes()
}

/// `word/fontTable.xml`: the fonts the styles name, with what Word and
/// LibreOffice need to pick a like font where one is not installed
/// (panose class, character set, family).
fn font_table(east_asian: Option<EastAsian>) -> Vec<u8> {
    let mut table = FONT_TABLE.to_owned();
    if let Some(east_asian) = east_asian {
        let (font, entry) = east_asian.font();
        table = table.replacen(
            "</w:fonts>",
            &format!("<w:font w:name=\"{font}\">{entry}</w:font></w:fonts>"),
            1,
        );
    }
    table.into_bytes()
}

/// The language of a document's Chinese, Japanese or Korean text, which
/// picks the font (and the forms of shared ideographs) Word and
/// LibreOffice draw it in: without one, both fall back to a serif
/// (LibreOffice drew Noto Serif CJK in a sans-serif table). Ordered: a
/// document with kana is Japanese though it also has ideographs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum EastAsian {
    /// Ideographs only: Chinese (Simplified).
    Chinese,
    /// Hangul.
    Korean,
    /// Kana.
    Japanese,
}

impl EastAsian {
    /// The language `text` shows most clearly, if it has CJK characters.
    fn of(text: &str) -> Option<EastAsian> {
        let mut found = None;
        for c in text.chars() {
            let this = match u32::from(c) {
                0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => EastAsian::Japanese,
                0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF => {
                    EastAsian::Korean
                }
                0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => {
                    EastAsian::Chinese
                }
                _ => continue,
            };
            found = found.max(Some(this));
        }
        found
    }

    /// The language of a sheet's text (its heading, headers and cells).
    fn of_sheet(heading: Option<&str>, table: &Table) -> Option<EastAsian> {
        let mut found = heading.and_then(EastAsian::of);
        let _ = table.for_each_text(|s, _| {
            if !s.is_ascii() {
                found = found.max(EastAsian::of(s));
            }
            Ok(())
        });
        found
    }

    /// The sans-serif font Office installs for the language, and its
    /// font table entry.
    fn font(self) -> (&'static str, &'static str) {
        match self {
            EastAsian::Chinese => (
                "Microsoft YaHei",
                r#"<w:panose1 w:val="020B0503020204020204"/><w:charset w:val="86"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>"#,
            ),
            EastAsian::Japanese => (
                "Yu Gothic",
                r#"<w:panose1 w:val="020B0400000000000000"/><w:charset w:val="80"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>"#,
            ),
            EastAsian::Korean => (
                "Malgun Gothic",
                r#"<w:panose1 w:val="020B0503020000020004"/><w:charset w:val="81"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>"#,
            ),
        }
    }

    /// The language tag `w:lang w:eastAsia` takes.
    fn lang(self) -> &'static str {
        match self {
            EastAsian::Chinese => "zh-CN",
            EastAsian::Japanese => "ja-JP",
            EastAsian::Korean => "ko-KR",
        }
    }
}

/// `w:sz` and `w:szCs` for `size` points, in the whole half-points Word counts.
fn type_size(size: f32) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let half_points = (size * 2.0).round() as u32;
    format!("<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/>")
}

/// A cell's width (`w:tcW`): Google Docs and LibreOffice read widths from
/// cells rather than the grid (docx#216, #1618).
fn push_cell_width(out: &mut Vec<u8>, width: u32) {
    out.extend_from_slice(format!("<w:tcW w:w=\"{width}\" w:type=\"dxa\"/>").as_bytes());
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
                sheet: None,
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

/// A body cell `width` twips wide, aligned as its column asks, else
/// numbers right, as in a spreadsheet (a typed column's cells come as the
/// text they show: [`crate::typed::typed_table`]).
fn push_cell(
    out: &mut Vec<u8>,
    cell: &Cell,
    width: u32,
    style: &ColumnStyle,
    runs: &Runs,
    links: &mut opc::Hyperlinks,
) {
    out.extend_from_slice(b"<w:tc><w:tcPr>");
    push_cell_width(out, width);
    out.extend_from_slice(b"</w:tcPr>");
    let align = style.cell_align(cell);
    let shown = text::cell_text(cell);
    if shown.is_empty() {
        out.extend_from_slice(b"<w:p/>");
    } else if let Cell::Link(link) = cell {
        // A hyperlink, its address a relationship of the document.
        out.extend_from_slice(b"<w:p>");
        push_paragraph_props(out, align, layout::is_rtl(&shown));
        out.extend_from_slice(b"<w:hyperlink r:id=\"");
        out.extend_from_slice(links.id(&link.url).as_bytes());
        out.extend_from_slice(b"\">");
        push_run_with(out, &shown, runs.of(RunKind::Link, &shown));
        out.extend_from_slice(b"</w:hyperlink></w:p>");
    } else {
        out.extend_from_slice(b"<w:p>");
        push_paragraph_props(out, align, layout::is_rtl(&shown));
        push_run_with(out, &shown, runs.of(RunKind::Plain, &shown));
        out.extend_from_slice(b"</w:p>");
    }
    out.extend_from_slice(b"</w:tc>");
}

/// A paragraph's properties, when it has any: `w:bidi` for a paragraph
/// that runs right to left (its first strong character is), and `w:jc`
/// when it is not aligned at its start. Word reads `left` and `right` as
/// start and end: in a right-to-left paragraph the start is the right.
fn push_paragraph_props(out: &mut Vec<u8>, align: Option<Align>, rtl: bool) {
    let value = match (align, rtl) {
        (Some(Align::Center), _) => Some("center"),
        (Some(Align::Right), false) | (Some(Align::Left), true) => Some("right"),
        (Some(Align::Left), false) | (Some(Align::Right), true) | (None, _) => None,
    };
    if value.is_none() && !rtl {
        return;
    }
    out.extend_from_slice(b"<w:pPr>");
    if rtl {
        out.extend_from_slice(b"<w:bidi/>");
    }
    if let Some(value) = value {
        out.extend_from_slice(b"<w:jc w:val=\"");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\"/>");
    }
    out.extend_from_slice(b"</w:pPr>");
}

/// A run of `s` with run properties `props` (`<w:rPr>...</w:rPr>`, or
/// none): newlines become `w:br`, tabs `w:tab`, other control characters
/// (which XML cannot carry) are dropped.
fn push_run_with(out: &mut Vec<u8>, s: &str, props: &[u8]) {
    out.extend_from_slice(b"<w:r>");
    out.extend_from_slice(props);
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

/// `word/fontTable.xml` of a document with no CJK text: the one font
/// the styles name.
const FONT_TABLE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>"#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="720"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

/// Arial 9 pt body (Helvetica's widths, which size the columns), a bold
/// Heading 1 for the title, and a grid table style.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:sz w:val="18"/><w:szCs w:val="18"/><w:lang w:val="en-US"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="0" w:after="160"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="115" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="115" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="RowpressTable"><w:name w:val="Rowpress Table"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:left w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:right w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/></w:tblBorders><w:tblCellMar><w:top w:w="29" w:type="dxa"/><w:left w:w="115" w:type="dxa"/><w:bottom w:w="29" w:type="dxa"/><w:right w:w="115" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;
