//! Shaping: one line of text to positioned glyphs in visual order.
//!
//! A line drawn only in the built-in Helvetica is one glyph per character,
//! left to right (WinAnsi holds no right-to-left or joining script), and
//! takes the painter's fast path. A line with any character from an
//! embedded font comes here: split into directional runs by the Unicode
//! bidi algorithm (UAX #9), each run into items of one font, and each item
//! of an embedded font shaped by harfrust (HarfBuzz's rules: joining,
//! ligatures, reordering, mark positioning, kerning). Every glyph keeps the
//! text it stands for, so the PDF gives back the logical string.

use std::ops::Range;
use std::rc::Rc;

use harfrust::{BufferFlags, Direction, ShapeOptions, ShapePlan};
use unicode_bidi::{Level, ParagraphBidiInfo};

use super::builtin;
use super::fonts::{FontChain, Glyph};
use crate::layout::{SOFT_HYPHEN, is_drawn};

/// Shaped lines kept for reuse, in each of the cache's two generations.
const SHAPED_LINES_KEPT: usize = 4_096;

/// The font a glyph is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FontKey {
    Builtin { bold: bool },
    Embedded(u8),
}

/// One glyph placed on a line; lengths in em.
#[derive(Debug, Clone)]
pub(crate) struct ShapedGlyph {
    pub key: FontKey,
    /// WinAnsi code (built-in) or glyph id in the subset (embedded).
    pub code: u16,
    /// How far the pen moves after the glyph, as shaped.
    pub advance: f32,
    /// How far a reader moves it: the width the PDF font gives the glyph.
    pub natural: f32,
    /// Where the glyph sits relative to the pen.
    pub dx: f32,
    pub dy: f32,
    /// The logical text this glyph and the `.1 - 1` after it stand for,
    /// when the font's ToUnicode map cannot say it (a cluster of several
    /// glyphs, or a glyph that stands for other text elsewhere).
    pub actual: Option<(Box<str>, u16)>,
}

/// A shaped line: its glyphs left to right and its width in em.
#[derive(Debug, Default)]
pub(crate) struct ShapedLine {
    pub glyphs: Vec<ShapedGlyph>,
    pub width: f32,
}

/// Whether `c` may start a right-to-left run in left-to-right text: a
/// right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko, ... and their
/// presentation forms) or a control that makes one. Everything else leaves
/// such text one left-to-right run, with no need for the bidi algorithm.
fn may_run_rtl(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0590..=0x08FF
            | 0x200F
            | 0x202B
            | 0x202E
            | 0x2067
            | 0xFB1D..=0xFDFF
            | 0xFE70..=0xFEFF
            | 0x10800..=0x10FFF
            | 0x1E800..=0x1EFFF
    )
}

/// The character a right-to-left run shows for `c` in the built-in font
/// (Unicode's Bidi_Mirroring_Glyph, for what WinAnsi holds).
fn mirrored(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        _ => c,
    }
}

/// The glyphs of one word of a shaped item (or of the spaces between).
struct Word {
    glyphs: Range<usize>,
    clusters: Vec<u32>,
    actual: bool,
    space: bool,
}

/// Which font an item of a run is drawn in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    Embedded(u8),
    /// Helvetica, or the replacement for characters no font has.
    Fallback,
}

impl FontChain<'_> {
    /// Whether `line` has a character drawn from an embedded font, and so
    /// is shaped rather than drawn a character at a time.
    pub(crate) fn needs_shaping(&self, line: &str) -> bool {
        if self.embedded.is_empty() {
            return false;
        }
        line.chars()
            .any(|c| is_drawn(c) && matches!(self.glyph(c).0, Glyph::Embedded { .. }))
    }

    /// Shapes one line (as [`crate::layout::wrap`] made it) whose
    /// paragraph runs right to left when `rtl`, and marks its glyphs used;
    /// a line shaped before comes from the cache.
    pub(crate) fn shape_line(&mut self, line: &str, bold: bool, rtl: bool) -> Rc<ShapedLine> {
        let key = (Box::<str>::from(line), bold, rtl);
        if let Some(shaped) = self.shaped.get(&key) {
            return Rc::clone(shaped);
        }
        // Two generations: a line used again since the last turnover moves
        // to the new one, so the lines a table repeats stay.
        let shaped = match self.shaped_before.remove(&key) {
            Some(shaped) => shaped,
            None => Rc::new(self.shape_uncached(line, bold, rtl)),
        };
        if self.shaped.len() >= SHAPED_LINES_KEPT {
            self.shaped_before = std::mem::take(&mut self.shaped);
        }
        self.shaped.insert(key, Rc::clone(&shaped));
        shaped
    }

    fn shape_uncached(&mut self, line: &str, bold: bool, rtl: bool) -> ShapedLine {
        // What the line shows: tabs as spaces, no control characters, and a
        // hyphen for a soft hyphen it ends at. Format characters stay: they
        // steer joining and direction, and the shaper hides them.
        let body = line.strip_suffix(SOFT_HYPHEN);
        let mut text: String = body
            .unwrap_or(line)
            .chars()
            .filter(|&c| !c.is_control() || c == '\t')
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        if body.is_some() {
            text.push('-');
        }
        let mut out = ShapedLine::default();
        if text.is_empty() {
            return out;
        }
        let level = if rtl { Level::rtl() } else { Level::ltr() };
        let runs: Vec<(Range<usize>, bool)> = if rtl || text.chars().any(may_run_rtl) {
            let bidi = ParagraphBidiInfo::new(&text, Some(level));
            let (levels, runs) = bidi.visual_runs(0..text.len());
            runs.into_iter()
                .filter(|r| !r.is_empty())
                .map(|r| {
                    let rtl = levels[r.start].is_rtl();
                    (r, rtl)
                })
                .collect()
        } else {
            vec![(0..text.len(), false)]
        };
        for (run, run_rtl) in runs {
            let items = self.items(&text[run.clone()], bold);
            let ordered: Vec<(Range<usize>, Source)> = if run_rtl {
                items.into_iter().rev().collect()
            } else {
                items
            };
            for (range, source) in ordered {
                let range = run.start + range.start..run.start + range.end;
                match source {
                    Source::Embedded(font) => {
                        self.shape_item(&text, range, font, run_rtl, &mut out);
                    }
                    Source::Fallback => self.fallback_item(&text[range], bold, run_rtl, &mut out),
                }
            }
        }
        out.width = out.glyphs.iter().map(|g| g.advance).sum();
        out
    }

    /// Splits a run into items of one font each: a character goes to the
    /// first font that has it (in bold, that font's bold face when there is
    /// one that has it), but a mark or format character stays with
    /// the font of what it follows when that font has it (or needs no
    /// glyph for it), so a cluster is shaped whole.
    fn items(&self, run: &str, bold: bool) -> Vec<(Range<usize>, Source)> {
        let mut items: Vec<(Range<usize>, Source)> = Vec::new();
        for (i, c) in run.char_indices() {
            let end = i + c.len_utf8();
            // A character no font has goes to the fallback, which draws the
            // replacement.
            let own = match self.resolve(c) {
                Some(Glyph::Embedded { font, .. }) => {
                    Source::Embedded(self.bold_face(font, c, bold).unwrap_or(font))
                }
                _ => Source::Fallback,
            };
            let source = match items.last() {
                Some(&(_, prev @ Source::Embedded(font)))
                    if !is_drawn(c)
                        || (unicode_bidi::bidi_class(c) == unicode_bidi::BidiClass::NSM
                            && self.has(font, c)) =>
                {
                    prev
                }
                Some(&(_, prev)) if !is_drawn(c) => prev,
                _ => own,
            };
            match items.last_mut() {
                Some((range, last)) if *last == source => range.end = end,
                _ => items.push((i..end, source)),
            }
        }
        items
    }

    /// Shapes `text[range]` in embedded font `font`, appending its glyphs.
    fn shape_item(
        &mut self,
        text: &str,
        range: Range<usize>,
        font: u8,
        rtl: bool,
        out: &mut ShapedLine,
    ) {
        let item = &text[range.clone()];
        let upem = self.embedded[usize::from(font)].units_per_em;
        let mut buffer = self.buffer.take().unwrap_or_default();
        buffer.push_str(item);
        // Joining looks across the item's edges (a font change mid-word).
        buffer.set_pre_context(&text[..range.start]);
        buffer.set_post_context(&text[range.end..]);
        let direction = if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        };
        buffer.set_direction(direction);
        buffer.guess_segment_properties();
        buffer.set_flags(BufferFlags::REMOVE_DEFAULT_IGNORABLES);
        let script = buffer.script();
        let face = self.face(font).clone();
        let shaper = self.shapers[usize::from(font)].shaper(&face).build();
        let plan = match self
            .plans
            .iter()
            .position(|p| p.0 == font && p.1 == rtl && p.2 == script)
        {
            Some(i) => i,
            None => {
                let plan = ShapePlan::new(&shaper, direction, Some(script), None, &[]);
                self.plans.push((font, rtl, script, plan));
                self.plans.len() - 1
            }
        };
        let options = ShapeOptions::new().plan(Some(&self.plans[plan].3));
        let glyphs = shaper.shape(buffer, options);
        let infos = glyphs.glyph_infos();
        let positions = glyphs.glyph_positions();
        // Each cluster's text runs to the next cluster start in logical order.
        let mut starts: Vec<u32> = infos.iter().map(|g| g.cluster).collect();
        starts.sort_unstable();
        starts.dedup();
        let cluster_text = |start: u32| -> &str {
            let next = starts
                .iter()
                .find(|&&s| s > start)
                .map_or(item.len(), |&s| s as usize);
            item.get(start as usize..next).unwrap_or("")
        };
        let mut words: Vec<Word> = Vec::new();
        let mut i = 0;
        while i < infos.len() {
            let cluster = infos[i].cluster;
            let mut j = i;
            while j < infos.len() && infos[j].cluster == cluster {
                j += 1;
            }
            let chars: Vec<char> = cluster_text(cluster)
                .chars()
                .filter(|&c| is_drawn(c))
                .collect();
            let gids: Vec<u16> = infos[i..j]
                .iter()
                .map(|g| u16::try_from(g.glyph_id).unwrap_or(0))
                .collect();
            // What each glyph reads as. Readers put right-to-left text in
            // logical order by reversing what they read, characters within
            // a glyph's text included: so right to left, each glyph's text
            // is written reversed and the glyphs read from the right.
            let (texts, mut needs_actual) = if gids.len() == 1 {
                // One glyph (most clusters, and every ligature): it reads
                // as the whole cluster.
                let mut all: String = chars.iter().collect();
                if rtl && chars.len() > 1 {
                    all = all.chars().rev().collect();
                }
                (vec![all], false)
            } else {
                // Each glyph the font's own glyph for one of the characters?
                let mut left: Vec<char> = chars.clone();
                let nominal: Vec<Option<char>> = gids
                    .iter()
                    .map(|&g| {
                        let at = left.iter().position(|&c| {
                            self.nominal(usize::from(font), c)
                                .is_some_and(|m| m.to_u32() == u32::from(g))
                        })?;
                        Some(left.remove(at))
                    })
                    .collect();
                let mut order: Vec<char> = nominal.iter().flatten().copied().collect();
                if rtl {
                    order.reverse();
                }
                if left.is_empty() && order == chars {
                    let texts = nominal
                        .iter()
                        .map(|c| c.map(String::from).unwrap_or_default());
                    (texts.collect::<Vec<_>>(), false)
                } else {
                    // Glyphs the shaper reordered or made: only an
                    // ActualText can say what they read as.
                    (vec![String::new(); gids.len()], true)
                }
            };
            let first = out.glyphs.len();
            for (k, (gid, text)) in gids.iter().zip(&texts).enumerate() {
                let natural = self.advance_of(font, *gid);
                let p = &positions[i + k];
                let (code, mapped) = self.use_shaped_glyph(font, *gid, text, natural);
                // A mark placed off the pen (above, below or back over its
                // base) reads to pdftotext as a glyph of its own, with gaps
                // it takes for spaces; the word then says its text.
                needs_actual |= !mapped || p.y_offset != 0 || (p.x_offset != 0 && p.x_advance == 0);
                out.glyphs.push(ShapedGlyph {
                    key: FontKey::Embedded(font),
                    code,
                    advance: p.x_advance as f32 / upem,
                    natural,
                    dx: p.x_offset as f32 / upem,
                    dy: p.y_offset as f32 / upem,
                    actual: None,
                });
            }
            // A cluster whose glyphs do not read back as its text (a glyph
            // reached from other text elsewhere, or glyphs reordered) makes
            // its whole word say its text: readers place such text over the
            // span it covers, and a span of less than a word leaves gaps
            // they read as spaces.
            let space = chars.iter().all(|c| c.is_whitespace());
            match words.last_mut() {
                Some(word) if !space && !word.space => {
                    word.glyphs.end = out.glyphs.len();
                    word.clusters.push(cluster);
                    word.actual |= needs_actual;
                }
                _ => words.push(Word {
                    glyphs: first..out.glyphs.len(),
                    clusters: vec![cluster],
                    actual: needs_actual,
                    space,
                }),
            }
            i = j;
        }
        for word in words.iter().filter(|w| w.actual && !w.glyphs.is_empty()) {
            let from = word.clusters.iter().min().copied().unwrap_or(0);
            let to = word.clusters.iter().max().map_or(0, |&c| c);
            let end = starts
                .iter()
                .find(|&&s| s > to)
                .map_or(item.len(), |&s| s as usize);
            let mut text: String = item
                .get(from as usize..end)
                .unwrap_or("")
                .chars()
                .filter(|&c| is_drawn(c))
                .collect();
            if rtl {
                text = text.chars().rev().collect();
            }
            let span = u16::try_from(word.glyphs.len()).unwrap_or(u16::MAX);
            out.glyphs[word.glyphs.start].actual = Some((text.into(), span));
        }
        self.buffer = Some(glyphs.clear());
    }

    /// Draws `item` in Helvetica (or as the replacement), a character at a
    /// time; right to left, in reverse order with brackets mirrored.
    fn fallback_item(&mut self, item: &str, bold: bool, rtl: bool, out: &mut ShapedLine) {
        let chars: Vec<char> = item.chars().filter(|&c| is_drawn(c)).collect();
        let count = chars.len();
        for n in 0..count {
            let c = if rtl {
                mirrored(chars[count - 1 - n])
            } else {
                chars[n]
            };
            let (glyph, shown) = self.glyph(c);
            match glyph {
                Glyph::Builtin(code) => {
                    let advance = builtin::advance(code, bold);
                    out.glyphs.push(ShapedGlyph {
                        key: FontKey::Builtin { bold },
                        code: u16::from(code),
                        advance,
                        natural: advance,
                        dx: 0.0,
                        dy: 0.0,
                        actual: None,
                    });
                }
                Glyph::Embedded { font, gid, advance } => {
                    let code = self.use_glyph(font, gid, shown, advance);
                    out.glyphs.push(ShapedGlyph {
                        key: FontKey::Embedded(font),
                        code,
                        advance,
                        natural: advance,
                        dx: 0.0,
                        dy: 0.0,
                        actual: None,
                    });
                }
            }
        }
    }
}
