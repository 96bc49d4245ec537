//! The font fallback chain: the caller's fonts in order, then the built-in
//! Helvetica; each character is drawn with the first font that has it.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use subsetter::GlyphRemapper;
use ttf_parser::Face;

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
    pub data: Arc<[u8]>,
    pub units_per_em: f32,
    pub is_cff: bool,
    pub postscript_name: String,
    pub ascender: f32,
    pub descender: f32,
    pub cap_height: f32,
    pub bbox: [f32; 4],
    pub italic_angle: f32,
    /// Old glyph id -> new glyph id in the subset, in order of first use.
    pub remapper: GlyphRemapper,
    /// New glyph id -> the character it shows (for the ToUnicode map).
    pub to_unicode: BTreeMap<u16, char>,
    /// New glyph id -> advance in 1/1000 em.
    pub widths: BTreeMap<u16, f32>,
}

/// The chain of fonts, with a cache of resolved characters.
pub(crate) struct FontChain<'f> {
    faces: Vec<Face<'f>>,
    pub embedded: Vec<Embedded>,
    ascii: [Option<Glyph>; 128],
    cache: RefCell<HashMap<char, Option<Glyph>>>,
    /// What a character no font has is drawn as: U+FFFD when a font has
    /// it, else Helvetica's `?`.
    pub replacement: (Glyph, char),
}

impl<'f> FontChain<'f> {
    /// Parses the caller's fonts (`data[i]` is the `i`-th); the first face of a collection is used.
    pub(crate) fn new(data: &'f [Arc<[u8]>]) -> Result<FontChain<'f>> {
        let mut faces = Vec::new();
        let mut embedded = Vec::new();
        if data.len() > 200 {
            return Err(ExportError::InvalidOption {
                field: "fonts",
                message: format!("{} fonts given; at most 200 are used", data.len()),
            });
        }
        for (i, bytes) in data.iter().enumerate() {
            let face = Face::parse(bytes, 0).map_err(|e| ExportError::InvalidFont {
                index: i + 1,
                message: format!("not a TrueType/OpenType font ({e})"),
            })?;
            if face.tables().cff2.is_some()
                && face.tables().cff.is_none()
                && face.tables().glyf.is_none()
            {
                return Err(ExportError::InvalidFont {
                    index: i + 1,
                    message: "CFF2 (variable OpenType) outlines cannot be embedded; pass a static .ttf or .otf".into(),
                });
            }
            let upem = f32::from(face.units_per_em());
            let scale = 1000.0 / upem;
            let postscript_name = face
                .names()
                .into_iter()
                .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
                // Unicode records decode; Macintosh ones are ASCII in practice.
                .find_map(|n| {
                    n.to_string()
                        .or_else(|| String::from_utf8(n.name.to_vec()).ok())
                })
                .unwrap_or_else(|| format!("Font{}", i + 1))
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let bbox = face.global_bounding_box();
            embedded.push(Embedded {
                data: Arc::clone(bytes),
                units_per_em: upem,
                is_cff: face.tables().cff.is_some(),
                postscript_name,
                ascender: f32::from(face.ascender()) * scale,
                descender: f32::from(face.descender()) * scale,
                cap_height: f32::from(face.capital_height().unwrap_or(face.ascender())) * scale,
                bbox: [
                    f32::from(bbox.x_min) * scale,
                    f32::from(bbox.y_min) * scale,
                    f32::from(bbox.x_max) * scale,
                    f32::from(bbox.y_max) * scale,
                ],
                italic_angle: face.italic_angle(),
                remapper: GlyphRemapper::new(),
                to_unicode: BTreeMap::new(),
                widths: BTreeMap::new(),
            });
            faces.push(face);
        }
        let mut chain = FontChain {
            faces,
            embedded,
            ascii: [None; 128],
            cache: RefCell::new(HashMap::new()),
            replacement: (Glyph::Builtin(b'?'), '?'),
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
        for (i, face) in self.faces.iter().enumerate() {
            if let Some(gid) = face.glyph_index(c) {
                let advance = face.glyph_hor_advance(gid).map_or(0.0, f32::from)
                    / self.embedded[i].units_per_em;
                return Some(Glyph::Embedded {
                    font: u8::try_from(i).unwrap_or(u8::MAX),
                    gid: gid.0,
                    advance,
                });
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
        let e = &mut self.embedded[usize::from(font)];
        let new = e.remapper.remap(gid);
        e.to_unicode.entry(new).or_insert(c);
        e.widths.entry(new).or_insert(advance * 1000.0);
        new
    }
}

impl Metrics for FontChain<'_> {
    #[inline]
    fn advance(&self, c: char, bold: bool) -> f32 {
        match self.glyph(c).0 {
            Glyph::Builtin(code) => builtin::advance(code, bold),
            Glyph::Embedded { advance, .. } => advance,
        }
    }
}
