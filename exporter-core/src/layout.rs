//! Table layout shared by the paged formats (PDF, DOCX): measuring text,
//! sharing the page width among columns, wrapping text into lines.
//!
//! Widths are in em (multiples of the font size) until a writer scales them.

use crate::table::Table;
use crate::text;

/// Gives the advance width of characters, in em.
pub(crate) trait Metrics {
    /// Advance of `c` in em, in the regular (`bold == false`) or bold face.
    fn advance(&self, c: char, bold: bool) -> f32;
}

/// Whether `c` is drawn at all: control characters and Unicode's
/// default-ignorable code points are not; tabs become spaces.
#[inline]
pub(crate) fn is_drawn(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_control() || c == '\t';
    }
    !c.is_control() && !is_default_ignorable(c)
}

/// For each strong character of `text` (UAX #9 classes L, R and AL), in
/// order, whether it is right-to-left.
fn strong_directions(text: &str) -> impl Iterator<Item = bool> + '_ {
    use unicode_bidi::BidiClass;
    // ASCII holds no right-to-left letter: no need to look up its classes.
    let text = if text.is_ascii() { "" } else { text };
    text.chars()
        .filter_map(|c| match unicode_bidi::bidi_class(c) {
            BidiClass::L => Some(false),
            BidiClass::R | BidiClass::AL => Some(true),
            _ => None,
        })
}

/// Whether the first strong character of `text` is right-to-left (Hebrew,
/// Arabic, ...): its paragraphs then run right to left, and it sits at the
/// right of its cell (UAX #9, rules P2 and P3).
pub(crate) fn is_rtl(text: &str) -> bool {
    strong_directions(text).next() == Some(true)
}

/// Whether `text` has a right-to-left letter and no left-to-right one: a
/// run Word may mark right-to-left (`w:rtl`) without reordering Latin.
pub(crate) fn is_rtl_only(text: &str) -> bool {
    let mut strong = strong_directions(text);
    strong.next() == Some(true) && strong.all(|rtl| rtl)
}

/// The soft hyphen: a place a word may break, shown (as a hyphen) only
/// where a line ends.
pub(crate) const SOFT_HYPHEN: char = '\u{AD}';

/// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt,
/// Unicode 16): format characters that need no glyph and are drawn as
/// nothing when a font has none: the soft hyphen, joiners, bidi marks,
/// embeddings and isolates, variation selectors, tag characters, the BOM.
pub(crate) fn is_default_ignorable(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// The characters a line shows, in order: those [`is_drawn`], and a
/// hyphen for a soft hyphen the line ends at (a line [`wrap`] broke there).
pub(crate) fn shown_chars(line: &str) -> impl Iterator<Item = char> + '_ {
    let (body, hyphen) = match line.strip_suffix(SOFT_HYPHEN) {
        Some(body) => (body, Some('-')),
        None => (line, None),
    };
    body.chars().filter(|&c| is_drawn(c)).chain(hyphen)
}

/// Whether `c` is a full-width East Asian character: CJK ideographs, kana
/// and hangul, about 1 em wide in any font.
#[inline]
pub(crate) fn is_wide(c: char) -> bool {
    matches!(u32::from(c), 0x2E80..=0x9FFF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFD)
}

/// How wide a column wants to be, in em: `max` to show every cell on one
/// line, `min` to break only between words (long words are capped, as they
/// will be broken between letters).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct ColumnNeeds {
    pub min: f32,
    pub max: f32,
}

/// Longest a single unbreakable run may ask for before it is broken between letters.
const WORD_CAP_EM: f32 = 12.0;
/// Narrowest a column may get when its content is wider: about six letters.
const COLUMN_FLOOR_EM: f32 = 3.0;

/// Measures one text: its widest line and its widest unbreakable piece
/// (a [`wrap`] segment), in em.
pub(crate) fn measure(s: &str, breaks: Breaks, bold: bool, metrics: &dyn Metrics) -> ColumnNeeds {
    measure_above(s, breaks, bold, metrics, 0.0)
}

/// [`measure`], skipping the search for break opportunities (`min` then
/// 0) when the widest line is no wider than `floor`, as a column already
/// that wide needs no other minimum from this text.
fn measure_above(
    s: &str,
    breaks: Breaks,
    bold: bool,
    metrics: &dyn Metrics,
    floor: f32,
) -> ColumnNeeds {
    let mut needs = ColumnNeeds::default();
    for paragraph in s.split('\n') {
        needs.max = needs.max.max(width(paragraph, bold, metrics));
    }
    if needs.max <= floor {
        return needs;
    }
    for paragraph in s.split('\n') {
        segments(paragraph, breaks, |seg, _| {
            let (word, _) = segment_widths(seg, bold, metrics);
            needs.min = needs.min.max(word);
        });
    }
    needs.min = needs.min.min(WORD_CAP_EM);
    needs
}

/// The needs of every column of `table`, headers in bold.
pub(crate) fn column_needs(table: &Table, metrics: &dyn Metrics) -> Vec<ColumnNeeds> {
    let mut needs: Vec<ColumnNeeds> = table
        .headers()
        .iter()
        .map(|h| measure(h, Breaks::Text, true, metrics))
        .collect();
    for r in 0..table.row_count() {
        for (c, cell) in table.row(r).iter().enumerate() {
            let breaks = Breaks::of(table.column_style(c).kind, cell);
            let m = measure_above(&text::cell_text(cell), breaks, false, metrics, needs[c].min);
            let n = &mut needs[c];
            n.max = n.max.max(m.max);
            n.min = n.min.max(m.min);
        }
    }
    for (c, n) in needs.iter_mut().enumerate() {
        if let Some(width) = table.column_style(c).width {
            // The width the column asks for, in characters as Excel counts
            // them (the width of `0`), whatever its content.
            let em = width * metrics.advance('0', false);
            *n = ColumnNeeds { min: em, max: em };
            continue;
        }
        // A column narrower than its floor is fine only when its content is.
        n.min = n.min.max(COLUMN_FLOOR_EM.min(n.max));
        n.max = n.max.max(n.min);
    }
    needs
}

/// A first column narrower than this share of the page repeats in each
/// group of columns that continues a table too wide for one page, so rows
/// stay identifiable (PDF pages, DOCX tables).
pub(crate) const REPEAT_FIRST_SHARE: f32 = 0.25;

/// Packs `count` columns, column `c` being `width(c)` wide at its
/// narrowest, into groups that each fit `room`; a first column no wider
/// than [`REPEAT_FIRST_SHARE`] of the room starts every group after the
/// first.
pub(crate) fn split_columns(
    count: usize,
    width: impl Fn(usize) -> f32,
    room: f32,
) -> Vec<Vec<usize>> {
    let repeat_first = count > 1 && width(0) <= room * REPEAT_FIRST_SHARE;
    let mut groups = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut used = 0.0;
    for c in 0..count {
        let w = width(c);
        let only_repeated = repeat_first && current == [0] && c > 1;
        if !current.is_empty() && !only_repeated && used + w > room {
            groups.push(std::mem::take(&mut current));
            used = 0.0;
            if repeat_first {
                current.push(0);
                used = width(0);
            }
        }
        current.push(c);
        used += w;
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

/// Shares `avail` among columns with `needs` (each plus `pad` on top), the
/// way CSS auto table layout does: everyone gets its minimum, the rest goes
/// in proportion to how much more each wants; a table that fits on one line
/// per cell is stretched to fill the width. `None` when even the minimums do
/// not fit.
pub(crate) fn fit_columns(needs: &[ColumnNeeds], pad: f32, avail: f32) -> Option<Vec<f32>> {
    let total_min: f32 = needs.iter().map(|n| n.min + pad).sum();
    let total_max: f32 = needs.iter().map(|n| n.max + pad).sum();
    if needs.is_empty() || total_min > avail + 1e-3 {
        return if needs.is_empty() {
            Some(Vec::new())
        } else {
            None
        };
    }
    if total_max <= avail {
        let scale = avail / total_max;
        return Some(needs.iter().map(|n| (n.max + pad) * scale).collect());
    }
    let spare = avail - total_min;
    let wanted = total_max - total_min;
    Some(
        needs
            .iter()
            .map(|n| n.min + pad + spare * (n.max - n.min) / wanted)
            .collect(),
    )
}

/// Width of the characters of `s` that are drawn, in em.
fn width(s: &str, bold: bool, metrics: &dyn Metrics) -> f32 {
    s.chars()
        .filter(|&c| is_drawn(c))
        .map(|c| metrics.advance(c, bold))
        .sum()
}

/// Whether `paragraph` fits in `limit` em on one line (spaces at its end
/// included) and holds no character that ends a line.
fn fits(paragraph: &str, limit: f32, bold: bool, metrics: &dyn Metrics) -> bool {
    let mut x = 0.0;
    for c in paragraph.chars() {
        if is_line_end(c) {
            return false;
        }
        if is_drawn(c) {
            x += metrics.advance(c, bold);
        }
    }
    x <= limit
}

/// Whether `c` ends a line wherever it stands (UAX #14 classes BK, CR,
/// NL; `\n` splits paragraphs before this is asked).
fn is_line_end(c: char) -> bool {
    matches!(
        c,
        '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Whether `c` may hang past the end of a line (is dropped there).
fn hangs(c: char) -> bool {
    matches!(c, ' ' | '\t') || is_line_end(c)
}

/// The line breaker: UAX #14 with CSS's `line-break: strict` (no line
/// starts with small kana or an iteration mark); words of Thai, Lao,
/// Khmer and Myanmar found in ICU's dictionaries.
#[cfg(feature = "word-dictionaries")]
fn line_breaker() -> icu_segmenter::LineSegmenterBorrowed<'static> {
    static BREAKER: std::sync::OnceLock<icu_segmenter::LineSegmenterBorrowed<'static>> =
        std::sync::OnceLock::new();
    *BREAKER.get_or_init(|| icu_segmenter::LineSegmenter::new_dictionary(Default::default()))
}

/// The line breaker: UAX #14 with CSS's `line-break: strict` (no line
/// starts with small kana or an iteration mark); Thai, Lao, Khmer and
/// Myanmar text, which needs dictionaries to find its words, breaks only
/// where it must, between grapheme clusters.
#[cfg(not(feature = "word-dictionaries"))]
fn line_breaker() -> icu_segmenter::LineSegmenterBorrowed<'static> {
    icu_segmenter::LineSegmenter::new_for_non_complex_scripts(Default::default())
}

/// Where a text may break between lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Breaks {
    /// Wherever UAX #14 allows: prose.
    Text,
    /// Only at spaces: a number, date or time (`18-Oct-24` is one value,
    /// not two words).
    Value,
}

impl Breaks {
    /// How the `cell` of a column of `kind` breaks: as a value when the
    /// column or the cell is a number, boolean, date or time.
    pub(crate) fn of(kind: Option<crate::typed::ColumnType>, cell: &crate::table::Cell) -> Breaks {
        use crate::table::Cell;
        use crate::typed::ColumnType;
        match (kind, cell) {
            (
                Some(
                    ColumnType::Number
                    | ColumnType::Boolean
                    | ColumnType::Date
                    | ColumnType::DateTime
                    | ColumnType::Time,
                ),
                _,
            )
            | (_, Cell::Number(_) | Cell::Integer(_) | Cell::Bool(_) | Cell::Moment(_)) => {
                Breaks::Value
            }
            _ => Breaks::Text,
        }
    }
}

/// Calls `seg(text, mandatory)` for each piece of `paragraph` between two
/// line break opportunities, in order: a word with the spaces after it
/// (UAX #14, or only spaces for [`Breaks::Value`]); `mandatory` when a
/// line must end after it.
fn segments<'s>(paragraph: &'s str, breaks: Breaks, mut seg: impl FnMut(&'s str, bool)) {
    if paragraph.is_empty() {
        return;
    }
    let mut prev = 0;
    for at in line_breaker().segment_str(paragraph) {
        if at > prev {
            let text = &paragraph[prev..at];
            let mandatory = text.ends_with(is_line_end);
            if breaks == Breaks::Value
                && !mandatory
                && at < paragraph.len()
                && !text.ends_with([' ', '\t'])
            {
                continue;
            }
            seg(text, mandatory);
            prev = at;
        }
    }
}

/// The width of a segment's word (with a hyphen for a soft hyphen it ends
/// at, as the line ends there when it breaks) and of the spaces after it.
fn segment_widths(seg: &str, bold: bool, metrics: &dyn Metrics) -> (f32, f32) {
    let word = seg.trim_end_matches(hangs);
    let hyphen = if word.ends_with(SOFT_HYPHEN) {
        metrics.advance('-', bold)
    } else {
        0.0
    };
    (
        width(word, bold, metrics) + hyphen,
        width(&seg[word.len()..], bold, metrics),
    )
}

/// Breaks `s` into lines no wider than `width` em and calls `line(text)` for
/// each, in order. Breaks at newlines and where UAX #14 allows (spaces,
/// after hyphens and slashes, between CJK characters, between Thai words,
/// at soft hyphens: the line then ends with the soft hyphen, which
/// [`shown_chars`] shows as a hyphen), and inside a word, between grapheme
/// clusters, only when the word alone is wider than the line. Characters
/// not [`is_drawn`] take no room; tabs read as spaces; trailing spaces are
/// dropped.
pub(crate) fn wrap<'s>(
    s: &'s str,
    breaks: Breaks,
    width: f32,
    bold: bool,
    metrics: &dyn Metrics,
    mut line: impl FnMut(&'s str),
) {
    // A line as wide as the width, give or take float rounding (the plan
    // turns em into points and back), still fits.
    let limit = width * (1.0 + 1e-5) + 1e-5;
    let end = |text: &'s str| text.trim_end_matches(hangs);
    for paragraph in s.split('\n') {
        let paragraph = paragraph.strip_suffix('\r').unwrap_or(paragraph);
        // Most cells fit their column: no need to look for breaks.
        if fits(paragraph, limit, bold, metrics) {
            line(end(paragraph).trim_end_matches(SOFT_HYPHEN));
            continue;
        }
        let mut start = 0; // byte index where the current line starts
        let mut at = 0; // byte index where the next segment starts
        let mut x = 0.0f32; // width of the line so far, trailing spaces included
        segments(paragraph, breaks, |seg, mandatory| {
            let (word, spaces) = segment_widths(seg, bold, metrics);
            if at > start && x + word > limit {
                line(end(&paragraph[start..at]));
                start = at;
                x = 0.0;
            }
            if at == start && word > limit {
                // Wider than a line: broken between grapheme clusters.
                let clusters = icu_segmenter::GraphemeClusterSegmenter::new().segment_str(seg);
                let mut prev = 0;
                for next in clusters.skip(1) {
                    let cluster = &seg[prev..next];
                    let w = self::width(cluster, bold, metrics);
                    if at + prev > start && !cluster.starts_with(hangs) && x + w > limit {
                        line(&paragraph[start..at + prev]);
                        start = at + prev;
                        x = 0.0;
                    }
                    x += w;
                    prev = next;
                }
            } else {
                x += word + spaces;
            }
            at += seg.len();
            if mandatory && at < paragraph.len() {
                line(end(&paragraph[start..at]));
                start = at;
                x = 0.0;
            }
        });
        line(end(&paragraph[start..]).trim_end_matches(SOFT_HYPHEN));
    }
}

/// Counts the lines [`wrap`] makes.
pub(crate) fn line_count(
    s: &str,
    breaks: Breaks,
    width: f32,
    bold: bool,
    metrics: &dyn Metrics,
) -> usize {
    let mut n = 0;
    wrap(s, breaks, width, bold, metrics, |_| n += 1);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character 0.5 em, CJK and emoji 1 em, combining marks 0.
    struct Mono;
    impl Metrics for Mono {
        fn advance(&self, c: char, _bold: bool) -> f32 {
            match u32::from(c) {
                0x0300..=0x036F | 0x093E..=0x094D | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E => {
                    0.0
                }
                0x1F000.. => 1.0,
                _ if is_wide(c) => 1.0,
                _ => 0.5,
            }
        }
    }

    fn lines(s: &str, width: f32) -> Vec<&str> {
        let mut out = Vec::new();
        wrap(s, Breaks::Text, width, false, &Mono, |l| out.push(l));
        out
    }

    #[test]
    fn wraps_at_spaces_and_breaks_long_words() {
        assert_eq!(lines("aaaa bb cc", 3.0), ["aaaa", "bb cc"]);
        assert_eq!(lines("aaaaaaaaaa", 2.0), ["aaaa", "aaaa", "aa"]);
        assert_eq!(lines("one\ntwo", 10.0), ["one", "two"]);
        assert_eq!(lines("", 10.0), [""]);
        assert_eq!(lines("a\u{1}b", 10.0), ["a\u{1}b"]);
    }

    #[test]
    fn a_word_fits_the_width_measured_for_it() {
        // A column as wide as its widest word (the plan converts em to
        // points and back, with padding) holds the word on one line: float
        // rounding once split "14:30:05" as "14:30:0" + "5".
        let metrics = crate::pdf::Helvetica;
        let mut split = Vec::new();
        for word in [
            "14:30:05",
            "23:59:59",
            "2024-10-18",
            "18/10/2024",
            "Wednesday",
            "0.000",
        ] {
            for tenth in 50..=120 {
                let size = tenth as f32 / 10.0;
                for pad in [0.0f32, 2.0, 3.5, 4.0] {
                    let min = measure(word, Breaks::Value, false, &metrics).min;
                    let points = min * size + 2.0 * pad;
                    let width = (points - 2.0 * pad) / size;
                    if line_count(word, Breaks::Value, width, false, &metrics) != 1 {
                        split.push((word, size, pad));
                    }
                }
            }
        }
        assert!(
            split.is_empty(),
            "{} splits, first {:?}",
            split.len(),
            split.first()
        );
    }

    #[test]
    fn cjk_breaks_between_characters() {
        assert_eq!(lines("東京都渋谷区", 3.0), ["東京都", "渋谷区"]);
    }

    #[test]
    fn breaks_where_unicode_allows() {
        // UAX #14: after a hyphen (not inside a number), after a slash in a
        // URL, never before closing CJK punctuation.
        assert_eq!(lines("well-known words", 3.0), ["well-", "known", "words"]);
        assert_eq!(lines("2024-10-18", 5.0), ["2024-10-18"]);
        assert_eq!(
            lines("https://example.com/path/to/file", 6.5),
            ["https://", "example.com/", "path/to/file"]
        );
        assert_eq!(lines("東京。大阪、", 2.0), ["東", "京。", "大", "阪、"]);
        assert_eq!(lines("(東京)", 2.5), ["(東", "京)"]);
    }

    #[test]
    fn never_breaks_inside_a_grapheme_cluster() {
        // A word wider than the line is broken between clusters: a letter
        // keeps its accents, a Devanagari conjunct and a Thai syllable their
        // signs, an emoji sequence and a flag their parts.
        assert_eq!(lines("e\u{301}e\u{301}e\u{301}", 0.5), ["e\u{301}"; 3]);
        assert_eq!(lines("क्षक्षि", 1.0), ["क्ष", "क्षि"]);
        assert_eq!(lines("กี่กี่", 0.5), ["กี่", "กี่"]);
        let family = "👨\u{200D}👩\u{200D}👧";
        let joined = format!("{family}{family}");
        assert_eq!(lines(&joined, 1.0), [family, family]);
        assert_eq!(lines("🇫🇷🇩🇪", 2.0), ["🇫🇷", "🇩🇪"]);
        assert_eq!(
            lines("1\u{FE0F}\u{20E3}2\u{FE0F}\u{20E3}", 0.5),
            ["1\u{FE0F}\u{20E3}", "2\u{FE0F}\u{20E3}"]
        );
    }

    #[test]
    #[cfg(feature = "word-dictionaries")]
    fn breaks_thai_between_words() {
        // Thai has no spaces between words: a dictionary finds them.
        let text = "ภาษาไทยง่ายนิดเดียว";
        let got = lines(text, 4.0);
        assert_eq!(got.concat(), text);
        assert!(got.len() > 1, "{got:?}");
        assert!(
            got.iter().all(|l| ["ภาษา", "ไทย", "ง่าย", "นิด", "เดียว"]
                .iter()
                .any(|w| l.starts_with(w))),
            "{got:?}"
        );
    }

    #[test]
    fn measures_the_widest_unbreakable_piece() {
        assert_eq!(measure("well-known", Breaks::Text, false, &Mono).min, 2.5);
        assert_eq!(measure("東京。", Breaks::Text, false, &Mono).min, 2.0);
        assert_eq!(measure("abc def", Breaks::Text, false, &Mono).max, 3.5);
        // A value breaks only at spaces.
        assert_eq!(measure("18-Oct-24", Breaks::Value, false, &Mono).min, 4.5);
        assert_eq!(
            measure("2024-10-18 14:30", Breaks::Value, false, &Mono).min,
            5.0
        );
    }

    #[test]
    fn no_line_is_wider_than_asked() {
        let text = "The quick brown fox jumps over the lazy dog; Съешь же ещё этих мягких французских булок 然后 吃饭";
        for width in [1.0, 2.5, 4.0, 7.0, 30.0] {
            for l in lines(text, width) {
                let w: f32 = l.chars().map(|c| Mono.advance(c, false)).sum();
                assert!(
                    w <= width || l.chars().count() == 1,
                    "{l:?} is {w} em in {width}"
                );
            }
        }
    }

    #[test]
    fn columns_share_the_width() {
        let needs = [
            ColumnNeeds {
                min: 2.0,
                max: 10.0,
            },
            ColumnNeeds { min: 2.0, max: 2.0 },
        ];
        let w = fit_columns(&needs, 0.0, 8.0).unwrap();
        assert_eq!(w, [6.0, 2.0]);
        let w = fit_columns(&needs, 0.0, 24.0).unwrap();
        assert_eq!(w, [20.0, 4.0]);
        assert_eq!(fit_columns(&needs, 0.0, 3.0), None);
    }
}
