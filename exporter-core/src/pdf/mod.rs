//! PDF through pdf-writer: a paged table layout with the built-in Helvetica
//! and, for other scripts, the caller's fonts subset and embedded as CID
//! fonts with a ToUnicode map.

mod builtin;
mod draw;
mod fonts;
#[rustfmt::skip]
mod helvetica_metrics;
mod plan;
mod shape;

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::types::{
    ActionType, AnnotationFlags, AnnotationType, CidFontType, FontFlags, PageMode, SystemInfo,
    UnicodeCmap,
};
use pdf_writer::{Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

pub(crate) use builtin::{Helvetica, winansi};
#[cfg(feature = "system-fonts")]
pub(crate) use fonts::{embeddable_outlines, family_name};

use crate::error::{ExportError, Result};
use crate::options::ExportOptions;
use crate::table::Table;
use crate::text::DateTime;
use crate::warning::Warnings;
use crate::{Book, Progress, Sheet};
use fonts::{Embedded, FontChain};

const FORMAT: &str = "PDF";

/// Resource names of the fonts in content streams.
pub(crate) mod font_name {
    pub const REGULAR: &[u8] = b"F0";
    pub const BOLD: &[u8] = b"F1";
    pub fn embedded(i: usize) -> String {
        format!("E{i}")
    }
}

const CATALOG: Ref = Ref::new(1);
const PAGE_TREE: Ref = Ref::new(2);
const INFO: Ref = Ref::new(3);
const HELVETICA: Ref = Ref::new(4);
const HELVETICA_BOLD: Ref = Ref::new(5);
const FIRST_FONT: i32 = 6;
/// Objects per embedded font: Type0, CIDFont, descriptor, font file, ToUnicode.
const OBJECTS_PER_FONT: i32 = 5;

pub(crate) fn write(
    book: &Book<'_, Table>,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    let mut chain = FontChain::new(&options.fonts, &mut progress.warnings)?;
    for (i, sheet) in book.sheets.iter().enumerate() {
        progress.warnings.sheet = book.number(i);
        check_text(sheet, &chain, &mut progress.warnings).map_err(|e| book.in_sheet(i, e))?;
    }
    progress.warnings.sheet = None;
    let plans: Vec<plan::Plan> = book
        .sheets
        .iter()
        .map(|sheet| plan::plan(sheet.rows, options, sheet.heading(), &chain))
        .collect();
    let pages: usize = plans.iter().map(|p| p.pages.len()).sum();
    let font_count = i32::try_from(chain.embedded.len()).unwrap_or(i32::MAX);
    let first_page = FIRST_FONT + OBJECTS_PER_FONT * font_count;
    let page_ref = |k: usize| Ref::new(first_page + 2 * i32::try_from(k).unwrap_or(i32::MAX));
    let content_ref =
        |k: usize| Ref::new(first_page + 2 * i32::try_from(k).unwrap_or(i32::MAX) + 1);
    if pages > 100_000_000 {
        return Err(ExportError::internal(
            FORMAT,
            "more pages than a PDF can number",
        ));
    }
    // The page tree's size is the first sheet's; a page of another size
    // (a sheet in the other orientation) says its own.
    let (width, height) = plans.first().map_or((0.0, 0.0), |p| (p.width, p.height));

    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    // Link annotations follow the pages, numbered as they are drawn.
    let mut next_annotation = first_page + 2 * i32::try_from(pages).unwrap_or(i32::MAX / 4);
    // The pages before each sheet's first: its page numbers, its bookmark.
    let starts: Vec<usize> = plans
        .iter()
        .scan(0, |before, plan| {
            let start = *before;
            *before += plan.pages.len();
            Some(start)
        })
        .collect();
    for (i, (plan, sheet)) in plans.iter().zip(&book.sheets).enumerate() {
        book.start(i, progress);
        let mut painter = draw::Painter::new(plan, sheet.rows, &mut chain);
        painter.pages_before = starts[i];
        painter.pages_total = pages;
        for k in 0..plan.pages.len() {
            let n = starts[i] + k;
            let content = painter.page(k, progress);
            pdf.stream(content_ref(n), &deflate(&content)?)
                .filter(Filter::FlateDecode);
            let links = std::mem::take(&mut painter.links);
            let refs: Vec<Ref> = (0..links.len())
                .map(|i| Ref::new(next_annotation + i32::try_from(i).unwrap_or(0)))
                .collect();
            next_annotation += i32::try_from(links.len()).unwrap_or(0);
            let mut page = pdf.page(page_ref(n));
            page.parent(PAGE_TREE).contents(content_ref(n));
            if (plan.width, plan.height) != (width, height) {
                page.media_box(Rect::new(0.0, 0.0, plan.width, plan.height));
            }
            if !refs.is_empty() {
                page.annotations(refs.iter().copied());
            }
            page.finish();
            for (link, &id) in links.iter().zip(&refs) {
                let mut annotation = pdf.annotation(id);
                annotation
                    .subtype(AnnotationType::Link)
                    .rect(link.rect)
                    .border(0.0, 0.0, 0.0, None)
                    .flags(AnnotationFlags::PRINT);
                annotation
                    .action()
                    .action_type(ActionType::Uri)
                    .uri(Str(link.url.as_bytes()));
            }
        }
    }
    progress.warnings.sheet = None;
    let title = book.title;

    let mut tree = pdf.pages(PAGE_TREE);
    tree.kids((0..pages).map(page_ref))
        .count(i32::try_from(pages).unwrap_or(i32::MAX))
        .media_box(Rect::new(0.0, 0.0, width, height));
    let mut resources = tree.resources();
    let mut fonts = resources.fonts();
    fonts.pair(Name(font_name::REGULAR), HELVETICA);
    fonts.pair(Name(font_name::BOLD), HELVETICA_BOLD);
    for (i, e) in chain.embedded.iter().enumerate() {
        if e.remapper.num_gids() > 1 {
            fonts.pair(Name(font_name::embedded(i).as_bytes()), font_ref(i, 0));
        }
    }
    fonts.finish();
    resources.finish();
    tree.finish();

    // A workbook's sheets are bookmarks: the outline a reader shows beside
    // the pages, each entry going to its sheet's first page.
    let bookmarks = book.number(0).is_some() && book.sheets.len() > 1;
    let marks: Vec<(usize, &str, f32)> = book
        .sheets
        .iter()
        .enumerate()
        .filter(|_| bookmarks)
        .filter_map(|(i, sheet)| Some((starts[i], sheet.heading()?, plans[i].height)))
        .collect();
    let mut catalog = pdf.catalog(CATALOG);
    catalog.pages(PAGE_TREE);
    if !marks.is_empty() {
        catalog.outlines(Ref::new(next_annotation));
        catalog.page_mode(PageMode::UseOutlines);
    }
    catalog.finish();
    if !marks.is_empty() {
        let outline = Ref::new(next_annotation);
        let item = |k: usize| Ref::new(next_annotation + 1 + i32::try_from(k).unwrap_or(0));
        let count = i32::try_from(marks.len()).unwrap_or(i32::MAX);
        pdf.outline(outline)
            .first(item(0))
            .last(item(marks.len() - 1))
            .count(count);
        for (k, &(page, heading, top)) in marks.iter().enumerate() {
            let mut entry = pdf.outline_item(item(k));
            entry.title(TextStr(heading)).parent(outline);
            if k > 0 {
                entry.prev(item(k - 1));
            }
            if k + 1 < marks.len() {
                entry.next(item(k + 1));
            }
            entry.dest().page(page_ref(page)).xyz(0.0, top, None);
        }
    }
    pdf.type1_font(HELVETICA)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(HELVETICA_BOLD)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (i, e) in chain.embedded.iter().enumerate() {
        if e.remapper.num_gids() > 1 {
            embed_font(&mut pdf, i, e)?;
        }
    }

    let mut info = pdf.document_info(INFO);
    if let Some(title) = title {
        info.title(TextStr(title));
    }
    info.producer(TextStr("Rowpress"));
    if let Some(t) = options.created_at {
        info.creation_date(pdf_date(t));
    }
    info.finish();
    Ok(pdf.finish())
}

/// Checks that the fonts hold every character of a sheet's heading and
/// text, warning of each text that needs a replacement.
fn check_text(
    sheet: &Sheet<'_, Table>,
    chain: &FontChain<'_>,
    warnings: &mut Warnings,
) -> Result<()> {
    if let Some(title) = sheet.heading() {
        chain.check(title, crate::Location::Title, warnings)?;
    }
    sheet.rows.for_each_text(|s, location| {
        if s.is_ascii() {
            Ok(())
        } else {
            chain.check(s, location, warnings)
        }
    })
}

fn font_ref(font: usize, part: i32) -> Ref {
    Ref::new(FIRST_FONT + OBJECTS_PER_FONT * i32::try_from(font).unwrap_or(i32::MAX) + part)
}

/// Writes the subset of embedded font `i` as a Type0 font over a CID font.
fn embed_font(pdf: &mut Pdf, i: usize, e: &Embedded) -> Result<()> {
    let (type0, cid, descriptor, file, to_unicode) = (
        font_ref(i, 0),
        font_ref(i, 1),
        font_ref(i, 2),
        font_ref(i, 3),
        font_ref(i, 4),
    );
    let subset =
        subsetter::subset(&e.data, 0, &e.remapper).map_err(|err| ExportError::InvalidFont {
            index: e.number,
            message: format!("cannot be subset for embedding ({err})"),
        })?;
    // A subset is named TAG+Name, the tag six capitals (PDF 32000-1, 9.6.4);
    // derived from the glyphs so the same input gives the same bytes.
    let tag = subset_tag(e.remapper.remapped_gids());
    let base = format!("{tag}+{}", e.postscript_name);

    let font_file: Vec<u8> = if e.is_cff {
        // Embed the bare CFF table as FontFile3/CIDFontType0C, which every reader takes.
        let face =
            read_fonts::FontRef::new(&subset).map_err(|err| ExportError::internal(FORMAT, err))?;
        face.table_data(read_fonts::types::Tag::new(b"CFF "))
            .ok_or_else(|| ExportError::internal(FORMAT, "subset font lost its CFF table"))?
            .as_bytes()
            .to_vec()
    } else {
        subset
    };

    pdf.type0_font(type0)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(to_unicode);

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(if e.is_cff {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        })
        .base_font(Name(base.as_bytes()))
        .system_info(system_info)
        .font_descriptor(descriptor)
        .default_width(0.0);
    if !e.is_cff {
        cid_font.cid_to_gid_map_predefined(Name(b"Identity"));
    }
    let count = e.remapper.num_gids();
    cid_font.widths().consecutive(
        0,
        (0..count).map(|g| e.widths.get(&g).copied().unwrap_or(0.0)),
    );
    cid_font.finish();

    let mut fd = pdf.font_descriptor(descriptor);
    fd.name(Name(base.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(e.bbox[0], e.bbox[1], e.bbox[2], e.bbox[3]))
        .italic_angle(e.italic_angle)
        .ascent(e.ascender)
        .descent(e.descender)
        .cap_height(e.cap_height)
        .stem_v(80.0);
    if e.is_cff {
        fd.font_file3(file);
    } else {
        fd.font_file2(file);
    }
    fd.finish();

    let compressed = deflate(&font_file)?;
    let mut stream = pdf.stream(file, &compressed);
    stream.filter(Filter::FlateDecode);
    if e.is_cff {
        stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
    } else {
        stream.pair(
            Name(b"Length1"),
            i32::try_from(font_file.len()).unwrap_or(i32::MAX),
        );
    }
    stream.finish();

    let mut cmap = UnicodeCmap::new(Name(b"Rowpress-UCS"), system_info);
    for (&gid, text) in &e.to_unicode {
        cmap.pair_with_multiple(gid, text.chars());
    }
    let cmap = cmap.finish();
    pdf.stream(to_unicode, &deflate(cmap.as_slice())?)
        .filter(Filter::FlateDecode);
    Ok(())
}

fn subset_tag(gids: impl Iterator<Item = u16>) -> String {
    // FNV-1a over the glyph ids.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for g in gids {
        for b in g.to_be_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + u8::try_from(h % 26).unwrap_or(0));
            h /= 26;
            c
        })
        .collect()
}

fn pdf_date(unix: i64) -> Date {
    let t = DateTime::from_unix(unix);
    let field = |v: u32| u8::try_from(v).unwrap_or(0);
    Date::new(u16::try_from(t.year).unwrap_or(1980))
        .month(field(t.month))
        .day(field(t.day))
        .hour(field(t.hour))
        .minute(field(t.minute))
        .second(field(t.second))
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// Zlib-compresses a stream (FlateDecode).
fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    let mut encoder =
        ZlibEncoder::new(Vec::with_capacity(data.len() / 4 + 64), Compression::new(3));
    encoder
        .write_all(data)
        .map_err(|e| ExportError::internal(FORMAT, e))?;
    encoder
        .finish()
        .map_err(|e| ExportError::internal(FORMAT, e))
}
