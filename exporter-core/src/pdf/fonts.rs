//! The font fallback chain: the caller's fonts in order, then the built-in
//! Helvetica; each character is drawn with the first font that has it.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use foldhash::fast::RandomState;
use read_fonts::tables::cmap::CmapSubtable;
use read_fonts::tables::hmtx::Hmtx;
use read_fonts::types::{GlyphId, NameId, Tag};
use read_fonts::{FontRef, TableProvider};
use subsetter::GlyphRemapper;

use super::builtin;
use crate::error::{ExportError, Location, Result};
use crate::layout::{Metrics, is_drawn};
use crate::warning::{Warning, Warnings};

/// Where a character's glyph comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Glyph {
    /// Helvetica (or Helvetica-Bold), by WinAnsi code.
    Builtin(u8),
    /// A glyph of embedded font `font`, with its advance in em.
    Embedded { font: u8, gid: u16, advance: f32 },
}

/// One embedded font and what of it has been drawn.
pub(crate) struct Embedded {
    /// 1-based position of the font in the options.
    pub number: usize,
    pub data: Arc<[u8]>,
    pub units_per_em: f32,
    pub is_cff: bool,
    pub postscript_name: String,
    pub ascender: f32,
    pub descender: f32,
    pub cap_height: f32,
    pub bbox: [f32; 4],
    pub italic_angle: f32,
    /// A bold face (OS/2 weight 600 or more, or `head`'s bold bit).
    pub bold: bool,
    /// Old glyph id -> new glyph id in the subset, in order of first use.
    pub remapper: GlyphRemapper,
    /// New glyph id -> the text it shows (for the ToUnicode map): one
    /// character, or several for a ligature.
    pub to_unicode: BTreeMap<u16, Box<str>>,
    /// New glyph id -> advance in 1/1000 em.
    pub widths: BTreeMap<u16, f32>,
}

/// The chain of fonts, with a cache of resolved characters.
pub(crate) struct FontChain<'f> {
    /// The caller's fonts, read by read-fonts (the parser harfrust shapes with).
    faces: Vec<FontRef<'f>>,
    /// For each font, the bold face of its family among the fonts given.
    bold_of: Vec<Option<u8>>,
    /// What harfrust keeps of each font to shape with it.
    pub(crate) shapers: Vec<harfrust::ShaperData>,
    /// Each font's fullest character map and its advances, read once.
    cmaps: Vec<Option<CmapSubtable<'f>>>,
    hmtx: Vec<Hmtx<'f>>,
    pub embedded: Vec<Embedded>,
    ascii: [Option<Glyph>; 128],
    cache: RefCell<HashMap<char, Option<Glyph>, RandomState>>,
    /// What a character no font has is drawn as: U+FFFD when a font has
    /// it, else Helvetica's `?`.
    pub replacement: (Glyph, char),
    /// Shaping plans, built once per font, direction and script: building
    /// one took most of the time of shaping a cell.
    pub(crate) plans: Vec<(u8, bool, harfrust::Script, harfrust::ShapePlan)>,
    /// The shaper's buffer, reused.
    pub(crate) buffer: Option<harfrust::UnicodeBuffer>,
    /// Lines shaped so far, by text, bold and direction: a table repeats
    /// its values, and a line shapes the same every time.
    pub(crate) shaped: ShapedLines,
    pub(crate) shaped_before: ShapedLines,
}

/// The first of the names `ids` that `font`'s name table has.
fn name_string(font: &FontRef<'_>, ids: &[NameId]) -> Option<String> {
    let name = font.name().ok()?;
    ids.iter().find_map(|&id| {
        let record = name.name_record().iter().find(|r| r.name_id() == id)?;
        Some(record.string(name.string_data()).ok()?.chars().collect())
    })
}

/// A font's family (typographic family, name 16, else name 1), which
/// pairs a regular face with its bold.
pub(crate) fn family_name(font: &FontRef<'_>) -> Option<String> {
    name_string(
        font,
        &[NameId::TYPOGRAPHIC_FAMILY_NAME, NameId::FAMILY_NAME],
    )
}

/// The outlines of `font` a PDF can embed: `Some(false)` for TrueType
/// (`glyf`), `Some(true)` for CFF only, `None` for neither (CFF2, or a
/// bitmap colour font).
pub(crate) fn embeddable_outlines(font: &FontRef<'_>) -> Option<bool> {
    let has = |tag: &[u8; 4]| font.table_data(Tag::new(tag)).is_some();
    if has(b"glyf") && has(b"loca") {
        Some(false)
    } else {
        has(b"CFF ").then_some(true)
    }
}

/// Shaped lines by text, bold and direction (foldhash: SipHash was 5% of
/// shaping a table).
pub(crate) type ShapedLines =
    HashMap<(Box<str>, bool, bool), std::rc::Rc<super::shape::ShapedLine>, RandomState>;

impl<'f> FontChain<'f> {
    /// Parses the caller's fonts (`data[i]` is the `i`-th); the first face
    /// of a collection is used. A font with no outlines a PDF can embed
    /// (colour bitmaps only, CFF2) is left out of the chain with a
    /// warning, its characters drawn by the next font that has them.
    pub(crate) fn new(data: &'f [Arc<[u8]>], warnings: &mut Warnings) -> Result<FontChain<'f>> {
        let mut faces = Vec::new();
        let mut embedded = Vec::new();
        let mut families = Vec::new();
        let mut hmtxs = Vec::new();
        let mut cmaps = Vec::new();
        if data.len() > 200 {
            return Err(ExportError::InvalidOption {
                field: "fonts",
                message: format!("{} fonts given; at most 200 are used", data.len()),
            });
        }
        for (i, bytes) in data.iter().enumerate() {
            let invalid = |message: String| ExportError::InvalidFont {
                index: i + 1,
                message,
            };
            let raw = FontRef::from_index(bytes, 0)
                .map_err(|e| invalid(format!("not a TrueType/OpenType font ({e})")))?;
            let Some(is_cff) = embeddable_outlines(&raw) else {
                let has = |tag: &[u8; 4]| raw.table_data(Tag::new(tag)).is_some();
                let what = if has(b"CFF2") {
                    "CFF2 (variable OpenType) outlines, which a PDF cannot embed (pass a static .ttf or .otf)"
                } else if has(b"CBDT") || has(b"sbix") || has(b"EBDT") {
                    "only bitmap glyphs (a colour emoji font), no outlines a PDF can embed"
                } else {
                    return Err(invalid(
                        "not a TrueType/OpenType font (no outlines: neither glyf nor CFF)".into(),
                    ));
                };
                let message = format!("has {what}");
                warnings.keep(
                    Warning {
                        sheet: None,
                        location: Location::Font { index: i + 1 },
                        code: "INVALID_FONT",
                        message: format!("{message}; left out, the next fonts draw its characters"),
                    },
                    || invalid(message),
                )?;
                continue;
            };
            let (Ok(head), Ok(hhea), Ok(hmtx), Ok(cmap)) =
                (raw.head(), raw.hhea(), raw.hmtx(), raw.cmap())
            else {
                return Err(invalid(
                    "not a TrueType/OpenType font (a head, hhea, hmtx or cmap table is missing or unreadable)".into(),
                ));
            };
            let upem = f32::from(head.units_per_em().max(16));
            let scale = 1000.0 / upem;
            let postscript_name: String = name_string(&raw, &[NameId::POSTSCRIPT_NAME])
                .unwrap_or_default()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let postscript_name = if postscript_name.is_empty() {
                format!("Font{}", i + 1)
            } else {
                postscript_name
            };
            let ascender = f32::from(hhea.ascender().to_i16());
            let os2 = raw.os2().ok();
            let weight = os2.as_ref().map_or(400, |os2| os2.us_weight_class());
            let bold = weight >= 600 || head.mac_style().bits() & 1 != 0;
            families.push(family_name(&raw));
            let cap_height = os2
                .and_then(|os2| os2.s_cap_height())
                .map_or(ascender, f32::from);
            hmtxs.push(hmtx);
            cmaps.push(cmap.best_subtable().map(|(_, _, subtable)| subtable));
            embedded.push(Embedded {
                number: i + 1,
                data: Arc::clone(bytes),
                units_per_em: upem,
                is_cff,
                postscript_name,
                ascender: ascender * scale,
                descender: f32::from(hhea.descender().to_i16()) * scale,
                cap_height: cap_height * scale,
                bbox: [
                    f32::from(head.x_min()) * scale,
                    f32::from(head.y_min()) * scale,
                    f32::from(head.x_max()) * scale,
                    f32::from(head.y_max()) * scale,
                ],
                italic_angle: raw.post().map_or(0.0, |p| p.italic_angle().to_f32()),
                bold,
                remapper: GlyphRemapper::new(),
                to_unicode: BTreeMap::new(),
                widths: BTreeMap::new(),
            });
            faces.push(raw);
        }
        // A regular face's bold is the first bold face of the same family.
        let bold_of = (0..faces.len())
            .map(|i| {
                if embedded[i].bold {
                    return None;
                }
                (0..faces.len())
                    .find(|&b| {
                        embedded[b].bold && families[b].is_some() && families[b] == families[i]
                    })
                    .and_then(|b| u8::try_from(b).ok())
            })
            .collect();
        let mut chain = FontChain {
            bold_of,
            shapers: faces.iter().map(harfrust::ShaperData::new).collect(),
            cmaps,
            hmtx: hmtxs,
            faces,
            embedded,
            ascii: [None; 128],
            cache: RefCell::new(HashMap::default()),
            replacement: (Glyph::Builtin(b'?'), '?'),
            plans: Vec::new(),
            buffer: None,
            shaped: HashMap::default(),
            shaped_before: HashMap::default(),
        };
        for b in 0u8..128 {
            chain.ascii[usize::from(b)] = chain.lookup(char::from(b));
        }
        if let Some(glyph @ Glyph::Embedded { .. }) = chain.lookup(char::REPLACEMENT_CHARACTER) {
            chain.replacement = (glyph, char::REPLACEMENT_CHARACTER);
        }
        Ok(chain)
    }

    fn lookup(&self, c: char) -> Option<Glyph> {
        let c = if c == '\t' { ' ' } else { c };
        // Regular faces in order, then bold ones: a bold face given first
        // does not make the body bold.
        let regular = (0..self.faces.len()).filter(|&i| !self.embedded[i].bold);
        let bold = (0..self.faces.len()).filter(|&i| self.embedded[i].bold);
        for i in regular.chain(bold) {
            let font = u8::try_from(i).unwrap_or(u8::MAX);
            if let Some((gid, advance)) = self.glyph_in(font, c) {
                return Some(Glyph::Embedded { font, gid, advance });
            }
        }
        builtin::winansi(c).map(Glyph::Builtin)
    }

    /// The glyph that draws `c`, if any font has one.
    #[inline]
    pub(crate) fn resolve(&self, c: char) -> Option<Glyph> {
        if c.is_ascii() {
            return self.ascii[c as usize];
        }
        *self
            .cache
            .borrow_mut()
            .entry(c)
            .or_insert_with(|| self.lookup(c))
    }

    /// The glyph that draws `c` and the character it shows: the
    /// [replacement](Self::replacement) when no font has `c`.
    #[inline]
    pub(crate) fn glyph(&self, c: char) -> (Glyph, char) {
        match self.resolve(c) {
            Some(glyph) => (glyph, c),
            None => self.replacement,
        }
    }

    /// Checks that some font has every drawn character of `s`; one that
    /// none has is drawn as the replacement, with a warning (`strict`: the
    /// error).
    pub(crate) fn check(&self, s: &str, location: Location, warnings: &mut Warnings) -> Result<()> {
        let Some(ch) = s
            .chars()
            .find(|&c| is_drawn(c) && self.resolve(c).is_none())
        else {
            return Ok(());
        };
        let warning = Warning {
            sheet: None,
            location,
            code: "MISSING_GLYPH",
            message: format!(
                "no font has the character {ch:?} (U+{:04X}); drawn as {:?} (pass a font that covers it: --font FILE, or `fonts` in the options)",
                u32::from(ch),
                self.replacement.1
            ),
        };
        warnings.keep(warning, || ExportError::MissingGlyph { ch, location })
    }

    /// Marks `glyph` of embedded font `font`, showing `c`, as drawn, and
    /// returns its glyph id in the subset.
    pub(crate) fn use_glyph(&mut self, font: u8, gid: u16, c: char, advance: f32) -> u16 {
        self.use_shaped_glyph(font, gid, c.encode_utf8(&mut [0; 4]), advance)
            .0
    }

    /// Marks a glyph that shaping chose as drawn, with its font's own
    /// advance (em), and returns its glyph id in the subset and whether
    /// the ToUnicode map reads it as `text` (the first text a glyph
    /// stands for is the one it keeps; an empty `text` reads as nothing).
    pub(crate) fn use_shaped_glyph(
        &mut self,
        font: u8,
        gid: u16,
        text: &str,
        natural: f32,
    ) -> (u16, bool) {
        let e = &mut self.embedded[usize::from(font)];
        let new = e.remapper.remap(gid);
        e.widths.entry(new).or_insert(natural * 1000.0);
        if text.is_empty() {
            return (new, true);
        }
        let mapped = e.to_unicode.entry(new).or_insert_with(|| text.into());
        (new, &**mapped == text)
    }

    /// The font that draws `c` in bold where font `font` draws it regular:
    /// its family's bold face, when given and it has `c` (or `c` needs no
    /// glyph); `None` when `bold` is false or there is none.
    pub(crate) fn bold_face(&self, font: u8, c: char, bold: bool) -> Option<u8> {
        if !bold {
            return None;
        }
        let b = (*self.bold_of.get(usize::from(font))?)?;
        (!is_drawn(c) || self.has(b, c)).then_some(b)
    }

    /// Whether embedded font `font` is a bold face.
    pub(crate) fn is_bold(&self, font: u8) -> bool {
        self.embedded.get(usize::from(font)).is_some_and(|e| e.bold)
    }

    /// The parsed face of embedded font `font`.
    pub(crate) fn face(&self, font: u8) -> &FontRef<'f> {
        &self.faces[usize::from(font)]
    }

    /// The glyph font `font`'s character map gives `c` (never glyph 0).
    pub(crate) fn nominal(&self, font: usize, c: char) -> Option<GlyphId> {
        let glyph = self.cmaps[font].as_ref()?.map_codepoint(c)?;
        (glyph != GlyphId::NOTDEF).then_some(glyph)
    }

    /// Whether embedded font `font` has a glyph for `c`.
    pub(crate) fn has(&self, font: u8, c: char) -> bool {
        self.nominal(usize::from(font), c).is_some()
    }

    /// Font `font`'s own glyph for `c` and its advance in em. Subsets
    /// number glyphs in 16 bits, as TrueType does.
    fn glyph_in(&self, font: u8, c: char) -> Option<(u16, f32)> {
        let gid = u16::try_from(self.nominal(usize::from(font), c)?.to_u32()).ok()?;
        Some((gid, self.advance_of(font, gid)))
    }

    /// A glyph's advance in font `font`, in em.
    pub(crate) fn advance_of(&self, font: u8, gid: u16) -> f32 {
        let Some(hmtx) = self.hmtx.get(usize::from(font)) else {
            return 0.0;
        };
        hmtx.advance(GlyphId::from(gid)).map_or(0.0, f32::from)
            / self.embedded[usize::from(font)].units_per_em
    }
}

impl Metrics for FontChain<'_> {
    #[inline]
    fn advance(&self, c: char, bold: bool) -> f32 {
        match self.glyph(c).0 {
            Glyph::Builtin(code) => builtin::advance(code, bold),
            Glyph::Embedded { font, advance, .. } => self
                .bold_face(font, c, bold)
                .and_then(|b| self.glyph_in(b, c))
                .map_or(advance, |(_, advance)| advance),
        }
    }
}
