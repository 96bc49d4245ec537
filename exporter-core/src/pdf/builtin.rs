//! The built-in Helvetica of every PDF reader: WinAnsi encoding and widths.

use super::helvetica_metrics::{HELVETICA, HELVETICA_BOLD};
use crate::layout::{Metrics, is_wide};

/// The WinAnsiEncoding code of `c` (PDF 32000-1:2008, Annex D.2), if any.
pub(crate) fn winansi(c: char) -> Option<u8> {
    let u = u32::from(c);
    if (0x20..=0x7E).contains(&u) || (0xA0..=0xFF).contains(&u) {
        return u8::try_from(u).ok();
    }
    Some(match c {
        '\t' => b' ',
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    })
}

/// Advance of WinAnsi code `code` in em.
#[inline]
pub(crate) fn advance(code: u8, bold: bool) -> f32 {
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    f32::from(table[usize::from(code)]) / 1000.0
}

/// Helvetica's metrics, with estimates for what it cannot show; used to
/// size DOCX columns, whose default font Arial has Helvetica's widths.
pub(crate) struct Helvetica;

impl Metrics for Helvetica {
    fn advance(&self, c: char, bold: bool) -> f32 {
        match winansi(c) {
            Some(code) => advance(code, bold),
            None if is_wide(c) => 1.0,
            None => 0.6,
        }
    }
}
