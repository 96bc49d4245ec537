//! Which fonts a PDF of some tables needs beyond the built-in Helvetica
//! (WinAnsi), by the scripts of its text: what a caller with fonts to
//! fetch (the web app, from upload-server's `/fonts/`) asks before an
//! export, so it downloads only those.

use std::borrow::Cow;

use crate::layout::is_drawn;
use crate::table::Table;
use crate::warning::Warnings;

/// A group of scripts one font covers in a PDF. Ordered as the fonts
/// should be chained, as each character is drawn by the first font that
/// has it: the fonts of one script first (they have digits and
/// punctuation but no Latin letters), then the one for everything else,
/// then CJK (a CJK font has Latin, Greek and Cyrillic letters too, in its
/// own design).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum FontScript {
    /// Arabic, Persian, Urdu.
    Arabic,
    /// Hebrew.
    Hebrew,
    /// Devanagari (Hindi, Marathi, Nepali, ...).
    Devanagari,
    /// Thai.
    Thai,
    /// Whatever else Helvetica cannot show: Latin beyond Western Europe,
    /// Greek, Cyrillic, symbols (one font covers them: DejaVu Sans).
    Other,
    /// Chinese, Japanese and Korean: ideographs, kana, hangul, full-width
    /// forms.
    Cjk,
}

impl FontScript {
    /// Every group, in chain order.
    pub const ALL: [FontScript; 6] = [
        FontScript::Arabic,
        FontScript::Hebrew,
        FontScript::Devanagari,
        FontScript::Thai,
        FontScript::Other,
        FontScript::Cjk,
    ];

    /// Its name: `arabic`, `hebrew`, `devanagari`, `thai`, `other`, `cjk`.
    pub fn name(self) -> &'static str {
        match self {
            FontScript::Other => "other",
            FontScript::Arabic => "arabic",
            FontScript::Hebrew => "hebrew",
            FontScript::Devanagari => "devanagari",
            FontScript::Thai => "thai",
            FontScript::Cjk => "cjk",
        }
    }

    /// The group that draws `c`, a character Helvetica does not have.
    fn of(c: char) -> FontScript {
        match u32::from(c) {
            0x0600..=0x06FF
            | 0x0750..=0x077F
            | 0x0870..=0x08FF
            | 0xFB50..=0xFDFF
            | 0xFE70..=0xFEFF => FontScript::Arabic,
            0x0590..=0x05FF | 0xFB1D..=0xFB4F => FontScript::Hebrew,
            0x0900..=0x097F | 0xA8E0..=0xA8FF | 0x1CD0..=0x1CFF => FontScript::Devanagari,
            0x0E00..=0x0E7F => FontScript::Thai,
            0x1100..=0x11FF
            | 0x2E80..=0x9FFF
            | 0xA960..=0xA97F
            | 0xAC00..=0xD7FF
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3FFFF => FontScript::Cjk,
            _ => FontScript::Other,
        }
    }
}

/// Calls `f` with each text of `table` a PDF shows that may need a font:
/// its title, headers, and text and link cells. Numbers, booleans and
/// dates show as ASCII, which Helvetica has; a typed column's cells are
/// text once typed (`typed::typed_table`).
pub(crate) fn each_text(table: &Table, mut f: impl FnMut(&str)) {
    if let Some(title) = table.title() {
        f(title);
    }
    // The closure never fails, so neither does the walk.
    let _ = table.for_each_text(|s, _| {
        f(s);
        Ok(())
    });
}

/// The characters of `s` the built-in Helvetica cannot show and that are
/// drawn: what needs a font.
pub(crate) fn beyond_helvetica(s: &str) -> impl Iterator<Item = char> + '_ {
    // Most text is ASCII, all of which Helvetica has.
    let s = if s.is_ascii() { "" } else { s };
    s.chars()
        .filter(|&c| is_drawn(c) && crate::pdf::winansi(c).is_none())
}

/// The font groups a PDF of `tables` (and a `title` given apart) needs,
/// in chain order; empty when Helvetica shows all of it.
///
/// # Examples
///
/// ```
/// use exporter_core::{FontScript, Table, scripts_needed};
/// let table = Table::from_json(r#"{"headers": ["city"], "rows": [["Zürich"], ["Москва"], ["東京"], ["القاهرة"]]}"#)?;
/// assert_eq!(
///     scripts_needed([&table], None),
///     [FontScript::Arabic, FontScript::Other, FontScript::Cjk]
/// );
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub fn scripts_needed<'t>(
    tables: impl IntoIterator<Item = &'t Table>,
    title: Option<&str>,
) -> Vec<FontScript> {
    let mut found = [false; FontScript::ALL.len()];
    let add = |found: &mut [bool; 6], s: &str| {
        for c in beyond_helvetica(s) {
            found[FontScript::of(c) as usize] = true;
        }
    };
    if let Some(title) = title {
        add(&mut found, title);
    }
    for table in tables {
        // The cells as the PDF shows them: a format may add a currency sign.
        let typed = crate::typed::typed_table(Cow::Borrowed(table), &mut Warnings::new(false));
        each_text(typed.as_deref().unwrap_or(table), |s| add(&mut found, s));
        if found.iter().all(|&f| f) {
            break;
        }
    }
    FontScript::ALL
        .into_iter()
        .filter(|&s| found[s as usize])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_text_by_the_font_it_needs() {
        let table = Table::from_json(
            r#"{"title": "Ünïcode — “fine”", "headers": ["a", "b"],
                "rows": [["مرحبا", "שלום"], ["नमस्ते", "สวัสดี"], ["서울", "x"]]}"#,
        )
        .unwrap();
        assert_eq!(
            scripts_needed([&table], None),
            [
                FontScript::Arabic,
                FontScript::Hebrew,
                FontScript::Devanagari,
                FontScript::Thai,
                FontScript::Cjk
            ]
        );
        // WinAnsi (é, —, “ ”, €) needs nothing; a title given apart counts.
        let plain =
            Table::from_json(r#"{"headers": ["é—“”€"], "rows": [["\u200b\u00ad"]]}"#).unwrap();
        assert!(scripts_needed([&plain], None).is_empty());
        assert_eq!(scripts_needed([&plain], Some("Αθήνα")), [FontScript::Other]);
        // A format's currency sign is text the PDF shows.
        let rubles = Table::from_json(
            r##"{"columns": [{"header": "p", "type": "number", "format": "#,##0 \"₽\""}], "rows": [[5]]}"##,
        )
        .unwrap();
        assert_eq!(scripts_needed([&rubles], None), [FontScript::Other]);
    }
}
