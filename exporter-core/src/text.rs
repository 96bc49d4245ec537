//! Text helpers shared by the formats: how a cell reads as text, XML
//! escaping, dates.

use std::borrow::Cow;

use crate::table::Cell;

/// The text a cell shows in PDF and DOCX: strings as they are, numbers as
/// JavaScript's `String(n)` writes them (so a JS caller sees what it passed),
/// integers beyond 2^53 as their digits, booleans as `true`/`false`, null
/// as nothing.
pub(crate) fn cell_text(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Null => Cow::Borrowed(""),
        Cell::Bool(true) => Cow::Borrowed("true"),
        Cell::Bool(false) => Cow::Borrowed("false"),
        Cell::Number(n) => Cow::Owned(format_number(*n)),
        Cell::String(s) | Cell::Integer(s) => Cow::Borrowed(s),
        Cell::Moment(m) => Cow::Owned(m.display()),
        Cell::Link(link) => Cow::Borrowed(&link.text),
    }
}

/// `s`, cut to its first 60 characters with `...` when longer, for
/// messages that quote what was given.
pub(crate) fn excerpt(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(60) {
        Some((at, _)) => Cow::Owned(format!("{}...", &s[..at])),
        None => Cow::Borrowed(s),
    }
}

/// ECMAScript Number::toString(10) for finite numbers: the shortest digits
/// that round-trip, fixed notation for exponents -7 < e < 21.
pub(crate) fn format_number(n: f64) -> String {
    if n == 0.0 {
        return "0".to_owned();
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        // Fast path for the common case; exact because |n| < 2^53.
        #[allow(clippy::cast_possible_truncation)]
        return (n as i64).to_string();
    }
    let a = n.abs();
    if (1e-5..1e15).contains(&a) {
        // ryu writes these in plain notation with the same shortest digits
        // as JavaScript ("1234.99", "0.00012").
        return ryu::Buffer::new().format_finite(n).to_owned();
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let sci = format!("{n:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = mantissa
        .strip_prefix('-')
        .map_or(("", mantissa), |m| ("-", m));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let point = exp + 1; // position of the decimal point after the first digit
    let body = if k <= point && point <= 21 {
        format!("{digits}{}", "0".repeat((point - k) as usize))
    } else if 0 < point && point <= 21 {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    } else if -6 < point && point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{first}{dot}{rest}e{esign}{}", exp.abs())
    };
    format!("{sign}{body}")
}

/// Whether XML 1.0 can carry `c` (section 2.2, production `Char`).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `s` to `out` escaped for XML text and attribute values, dropping
/// characters XML 1.0 cannot carry (Word and Excel refuse such files).
///
/// Scans bytes, not characters: every cell's text passes here, and only
/// ASCII bytes and U+FFFE/U+FFFF (the only characters from U+0080 up that
/// XML 1.0 refuses; a `str` holds no surrogates) need anything done.
pub(crate) fn push_xml_escaped(out: &mut Vec<u8>, s: &str) {
    push_escaped(out, s, |rest, out| {
        let (rep, len): (&[u8], usize) = match rest[0] {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'"' => (b"&quot;", 1),
            b'\t' | b'\n' | b'\r' => return None,
            0..0x20 => (b"", 1),
            0xEF if is_noncharacter_fffe(rest) => (b"", 3),
            _ => return None,
        };
        out.extend_from_slice(rep);
        Some(len)
    });
}

/// Copies `s` to `out`, handing each byte [`XML_SPECIAL`] marks to
/// `escape` with the text from there on: it either writes the
/// replacement and says how many bytes of the text it stands for, or
/// returns `None` and the byte is copied as it is. Every other byte is
/// copied in runs, without decoding characters.
pub(crate) fn push_escaped(
    out: &mut Vec<u8>,
    s: &str,
    mut escape: impl FnMut(&[u8], &mut Vec<u8>) -> Option<usize>,
) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if XML_SPECIAL[usize::from(bytes[i])] {
            out.extend_from_slice(&bytes[start..i]);
            start = i;
            if let Some(len) = escape(&bytes[i..], out) {
                i += len;
                start = i;
                continue;
            }
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The bytes XML escaping looks at: `&<>"`, `_` (Excel's own escapes),
/// control characters and `0xEF` (which starts U+FFFE and U+FFFF); every
/// other byte is copied as it is.
pub(crate) const XML_SPECIAL: [bool; 256] = {
    let mut special = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        special[b] = true;
        b += 1;
    }
    special[b'&' as usize] = true;
    special[b'<' as usize] = true;
    special[b'>' as usize] = true;
    special[b'"' as usize] = true;
    special[b'_' as usize] = true;
    special[0xEF] = true;
    special
};

/// Whether UTF-8 `b` starts with U+FFFE or U+FFFF (`EF BF BE`, `EF BF BF`).
pub(crate) fn is_noncharacter_fffe(b: &[u8]) -> bool {
    matches!(b, [0xEF, 0xBF, 0xBE | 0xBF, ..])
}

/// A UTC date and time broken into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl DateTime {
    /// From seconds since the Unix epoch (proleptic Gregorian, UTC).
    pub(crate) fn from_unix(secs: i64) -> DateTime {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let field = |v: i64| u32::try_from(v).unwrap_or(0);
        DateTime {
            year,
            month: field(month),
            day: field(day),
            hour: field(rem / 3600),
            minute: field(rem % 3600 / 60),
            second: field(rem % 60),
        }
    }

    /// `2024-05-01T12:00:00Z` (W3CDTF, used by OPC core properties).
    pub(crate) fn w3c(self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_javascript_writes_them() {
        for (n, js) in [
            (3.0, "3"),
            (-3.0, "-3"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (123_456_789_012_345_680_000.0, "123456789012345680000"),
            (1e-7, "1e-7"),
            (1.25e-7, "1.25e-7"),
            (0.000_001, "0.000001"),
            (-0.0, "0"),
            (1e15, "1000000000000000"),
            (2.5, "2.5"),
            (9_007_199_254_740_992.0, "9007199254740992"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(format_number(n), js, "{n:e}");
        }
    }

    #[test]
    fn xml_escaping_drops_what_xml_cannot_carry() {
        let mut out = Vec::new();
        push_xml_escaped(&mut out, "a<b>&\"c\"\u{1}\u{8}\td\u{FFFE}é");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a&lt;b&gt;&amp;&quot;c&quot;\tdé"
        );
    }

    /// The escaping as it was written first, character by character: the
    /// byte scan must agree with it.
    fn escaped_by_chars(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                c if is_xml_char(c) => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn the_byte_scan_escapes_as_the_characters_say() {
        let edges = [
            '\u{0}',
            '\u{1F}',
            '\u{7F}',
            '\u{80}',
            '\u{9F}',
            '\u{D7FF}',
            '\u{E000}',
            '\u{EFFF}',
            '\u{FFFD}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{10000}',
            '\u{10FFFF}',
        ];
        let all: Vec<char> = (0..0x80u8).map(char::from).chain(edges).collect();
        for &a in &all {
            for &b in &all {
                let s = format!("x{a}{b}y");
                let mut out = Vec::new();
                push_xml_escaped(&mut out, &s);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    escaped_by_chars(&s),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn unix_seconds_become_civil_dates() {
        assert_eq!(DateTime::from_unix(0).w3c(), "1970-01-01T00:00:00Z");
        assert_eq!(
            DateTime::from_unix(1_700_000_000).w3c(),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            DateTime::from_unix(951_782_400).w3c(),
            "2000-02-29T00:00:00Z"
        );
    }
}
