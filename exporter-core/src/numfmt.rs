//! Excel number-format codes (ECMA-376 Part 1, 18.8.31), read once and
//! applied by every format: XLSX writes the code and Excel shows the value
//! through it; PDF, DOCX and CSV "as displayed" show the text this module
//! makes of the same value and code, so the files agree.
//!
//! Covered: `General`; `0 # ?` digit placeholders, the decimal point,
//! thousands separators and scaling commas, `%`, `E+ E-`, literal text
//! (`"..."`, `\c`, `_c` as a space, `*c` fills dropped, `[$€-407]`
//! currency, unquoted `$ - + / ( ) : ! ^ & ' ~ { } < > =`, space and
//! characters outside ASCII), colours (`[Red]`, ignored as text has no
//! colour here), up to four sections `pos;neg;zero;text` with `@`, and the
//! date and time codes `yyyy yy mmmmm mmmm mmm mm m dddd ddd dd d hh h mm m
//! ss s .0 .00 .000 AM/PM A/P [h] [m] [s]`. Anything else (conditions such
//! as `[>100]`, fractions `# ?/?`, locale calendars) is [`Unsupported`]:
//! the caller warns and shows the value as General.
//!
//! Rounding is Excel's: the value is first taken to 15 significant digits,
//! then rounded half away from zero at the shown decimals (`0.125` with
//! `0.00` is `0.13`, and `2.675` too, though the double is below it).

use std::fmt;

use crate::typed::{Moment, MomentKind, days_from_civil};

/// A format code Rowpress cannot show as Excel would, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A parsed number-format code.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberFormat {
    code: String,
    sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Lit(String),
    /// `0`, `#` or `?`.
    Digit(u8),
    Point,
    Comma,
    Percent,
    Exp {
        plus: bool,
    },
    At,
    General,
    Year(usize),
    /// `m` runs: months, or minutes once resolved.
    Month(usize),
    Minute(usize),
    Day(usize),
    Hour(usize),
    Second(usize),
    /// Digits of a fraction of a second.
    SubSecond(usize),
    AmPm {
        am: String,
        pm: String,
    },
    /// `[h]`, `[m]`, `[s]` (b'h', b'm', b's') and their width.
    Elapsed(u8, usize),
}

#[derive(Debug, Clone, PartialEq)]
enum Section {
    General(Vec<Tok>),
    Number(Vec<Tok>),
    Date(Vec<Tok>),
    Text(Vec<Tok>),
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

impl NumberFormat {
    /// Reads `code`.
    ///
    /// # Errors
    ///
    /// [`Unsupported`] naming the part of the code that is not covered.
    ///
    /// # Examples
    ///
    /// ```
    /// use exporter_core::NumberFormat;
    /// let f = NumberFormat::parse("#,##0.00;(#,##0.00)")?;
    /// assert_eq!(f.number(-1132.8), "(1,132.80)");
    /// assert!(NumberFormat::parse("[>100]0").is_err());
    /// # Ok::<(), exporter_core::Unsupported>(())
    /// ```
    pub fn parse(code: &str) -> Result<NumberFormat, Unsupported> {
        let mut sections = Vec::new();
        let mut toks = Vec::new();
        let chars: Vec<char> = code.chars().collect();
        let mut i = 0;
        let lit = |toks: &mut Vec<Tok>, s: &str| match toks.last_mut() {
            Some(Tok::Lit(l)) => l.push_str(s),
            _ => toks.push(Tok::Lit(s.to_owned())),
        };
        while i < chars.len() {
            let c = chars[i];
            let run = |c: char| {
                chars[i..]
                    .iter()
                    .take_while(|x| x.eq_ignore_ascii_case(&c))
                    .count()
            };
            match c {
                ';' => {
                    sections.push(std::mem::take(&mut toks));
                    i += 1;
                }
                '"' => {
                    let end = chars[i + 1..]
                        .iter()
                        .position(|&x| x == '"')
                        .ok_or_else(|| Unsupported("a quote is not closed".into()))?;
                    let s: String = chars[i + 1..i + 1 + end].iter().collect();
                    lit(&mut toks, &s);
                    i += end + 2;
                }
                '\\' | '_' | '*' => {
                    let next = chars
                        .get(i + 1)
                        .ok_or_else(|| Unsupported(format!("{c:?} ends the code")))?;
                    match c {
                        '\\' => lit(&mut toks, &next.to_string()),
                        // `_x` leaves the width of x: a space here.
                        '_' => lit(&mut toks, " "),
                        // `*x` fills the cell with x: nothing without a width.
                        _ => {}
                    }
                    i += 2;
                }
                '[' => {
                    let end = chars[i + 1..]
                        .iter()
                        .position(|&x| x == ']')
                        .ok_or_else(|| Unsupported("a `[` is not closed".into()))?;
                    let inner: String = chars[i + 1..i + 1 + end].iter().collect();
                    bracket(&inner, &mut toks)?;
                    i += end + 2;
                }
                '0' | '#' | '?' => {
                    toks.push(Tok::Digit(c as u8));
                    i += 1;
                }
                '.' => {
                    toks.push(Tok::Point);
                    i += 1;
                }
                ',' => {
                    toks.push(Tok::Comma);
                    i += 1;
                }
                '%' => {
                    toks.push(Tok::Percent);
                    i += 1;
                }
                '@' => {
                    toks.push(Tok::At);
                    i += 1;
                }
                'E' | 'e' if matches!(chars.get(i + 1), Some('+' | '-')) => {
                    toks.push(Tok::Exp {
                        plus: chars[i + 1] == '+',
                    });
                    i += 2;
                }
                'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => {
                    let n = run(c);
                    toks.push(match c.to_ascii_lowercase() {
                        'y' => Tok::Year(n),
                        'm' => Tok::Month(n),
                        'd' => Tok::Day(n),
                        'h' => Tok::Hour(n),
                        _ => Tok::Second(n),
                    });
                    i += n;
                }
                'A' | 'a' => {
                    let rest: String = chars[i..].iter().take(5).collect();
                    if rest.eq_ignore_ascii_case("AM/PM") {
                        toks.push(Tok::AmPm {
                            am: "AM".into(),
                            pm: "PM".into(),
                        });
                        i += 5;
                    } else if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case("A/P") {
                        let p: String = chars[i + 2..i + 3].iter().collect();
                        toks.push(Tok::AmPm {
                            am: c.to_string(),
                            pm: p,
                        });
                        i += 3;
                    } else {
                        return Err(Unsupported(format!("{c:?} outside quotes")));
                    }
                }
                'G' | 'g' => {
                    let rest: String = chars[i..].iter().take(7).collect();
                    if !rest.eq_ignore_ascii_case("General") {
                        return Err(Unsupported(format!("{c:?} outside quotes")));
                    }
                    toks.push(Tok::General);
                    i += 7;
                }
                '$' | '-' | '+' | '/' | '(' | ')' | ':' | '!' | '^' | '&' | '\'' | '~' | '{'
                | '}' | '<' | '>' | '=' | ' ' => {
                    if c == '/' && toks.iter().any(|t| matches!(t, Tok::Digit(_))) {
                        let date = toks.iter().any(is_date_tok);
                        if !date {
                            return Err(Unsupported("fractions (`# ?/?`)".into()));
                        }
                    }
                    lit(&mut toks, &c.to_string());
                    i += 1;
                }
                c if !c.is_ascii() && !c.is_control() => {
                    lit(&mut toks, &c.to_string());
                    i += 1;
                }
                c => return Err(Unsupported(format!("{c:?} outside quotes"))),
            }
        }
        sections.push(toks);
        if sections.len() > 4 {
            return Err(Unsupported("more than four sections".into()));
        }
        let sections = sections
            .into_iter()
            .enumerate()
            .map(|(n, toks)| classify(n, toks))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NumberFormat {
            code: code.to_owned(),
            sections,
        })
    }

    /// The code as given.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Whether Excel would read the code as a date or time format (so a
    /// reader such as openpyxl reports its cells as dates).
    pub fn is_date(&self) -> bool {
        matches!(self.sections.first(), Some(Section::Date(_)))
    }

    /// The text Excel shows for the number `n` (a date format reads it as
    /// a serial date).
    pub fn number(&self, n: f64) -> String {
        if !n.is_finite() {
            return general(n);
        }
        let (section, signed) = self.section_for(n);
        match section {
            None => general(n),
            Some(Section::General(toks)) => {
                let shown = if signed { n } else { n.abs() };
                with_literals(toks, &general(shown))
            }
            Some(Section::Number(toks)) => {
                let (body, nonzero) = number(toks, n.abs());
                // A negative shown as zero has no minus (as LibreOffice and
                // current Excel show it: `-0.0004` in `0.00` is `0.00`).
                if signed && n < 0.0 && nonzero {
                    format!("-{body}")
                } else {
                    body
                }
            }
            Some(Section::Date(toks)) => match Fields::from_serial(n, sub_digits(toks)) {
                Some(f) => date(toks, &f, n),
                None => general(n),
            },
            Some(Section::Text(toks)) => with_text(toks, &general(n)),
        }
    }

    /// The text Excel shows for a date, date-time or time: through the
    /// serial when Excel's calendar holds it, from the fields otherwise.
    pub fn moment(&self, m: &Moment) -> String {
        match (m.excel_serial(), self.sections.first()) {
            (Some(serial), _) => self.number(serial),
            (None, Some(Section::Date(toks))) => date(toks, &Fields::of(m), f64::NAN),
            (None, _) => m.display(),
        }
    }

    /// Whether text cells are shown through the code (it has a fourth
    /// section, or a single `@` section).
    pub fn has_text_section(&self) -> bool {
        matches!(self.sections.as_slice(), [.., Section::Text(_)])
            && matches!(self.sections.len(), 1 | 4)
    }

    /// The text of a date-time with every field at its widest
    /// (Wednesday 29 September, 23:59:58), which no date or time shows
    /// wider through this code; `None` when the code counts elapsed time
    /// (`[h]`), whose width grows with the value.
    pub fn widest_moment(&self) -> Option<String> {
        if let Some(Section::Date(toks)) = self.sections.first()
            && toks.iter().any(|t| matches!(t, Tok::Elapsed(..)))
        {
            return None;
        }
        let sample = Moment {
            kind: MomentKind::DateTime,
            year: 2021,
            month: 9,
            day: 29,
            hour: 23,
            minute: 59,
            second: 58,
            millis: 0,
        };
        Some(self.moment(&sample))
    }

    /// The text Excel shows for the text `s`: through the text section or
    /// a lone `@` section, as it is otherwise.
    pub fn text(&self, s: &str) -> String {
        match self.sections.as_slice() {
            [.., Section::Text(toks)] if self.has_text_section() => with_text(toks, s),
            _ => s.to_owned(),
        }
    }

    /// The section a number falls in, and whether its sign is shown.
    fn section_for(&self, n: f64) -> (Option<&Section>, bool) {
        let numeric: Vec<&Section> = self
            .sections
            .iter()
            .take(3)
            .filter(|s| !matches!(s, Section::Text(_)))
            .collect();
        match (numeric.len(), n) {
            (0, _) => (None, true),
            (1, _) => (Some(numeric[0]), true),
            (_, n) if n < 0.0 => (Some(numeric[1]), false),
            (3, 0.0) => (Some(numeric[2]), false),
            _ => (Some(numeric[0]), true),
        }
    }
}

fn is_date_tok(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Year(_)
            | Tok::Month(_)
            | Tok::Minute(_)
            | Tok::Day(_)
            | Tok::Hour(_)
            | Tok::Second(_)
            | Tok::SubSecond(_)
            | Tok::AmPm { .. }
            | Tok::Elapsed(..)
    )
}

fn has_digits(toks: &[Tok]) -> bool {
    toks.iter().any(|t| matches!(t, Tok::Digit(_)))
}

/// `[...]`: a colour (ignored), a currency `[$€-407]`, an elapsed time.
fn bracket(inner: &str, toks: &mut Vec<Tok>) -> Result<(), Unsupported> {
    const COLOURS: [&str; 8] = [
        "black", "blue", "cyan", "green", "magenta", "red", "white", "yellow",
    ];
    let lower = inner.to_ascii_lowercase();
    if COLOURS.contains(&lower.as_str())
        || lower
            .strip_prefix("color")
            .is_some_and(|n| n.parse::<u8>().is_ok_and(|n| (1..=56).contains(&n)))
    {
        return Ok(());
    }
    if let Some(currency) = inner.strip_prefix('$') {
        let symbol = currency.split('-').next().unwrap_or("");
        if !symbol.is_empty() {
            match toks.last_mut() {
                Some(Tok::Lit(l)) => l.push_str(symbol),
                _ => toks.push(Tok::Lit(symbol.to_owned())),
            }
        }
        return Ok(());
    }
    let unit = lower.as_bytes().first().copied().unwrap_or(0);
    if matches!(unit, b'h' | b'm' | b's') && lower.bytes().all(|b| b == unit) {
        toks.push(Tok::Elapsed(unit, lower.len()));
        return Ok(());
    }
    Err(Unsupported(format!(
        "`[{inner}]` (conditions and locale codes are not supported)"
    )))
}

/// What a section is, with `m` resolved to minutes where Excel reads it so
/// and `.0` after seconds read as fractions of a second.
fn classify(n: usize, mut toks: Vec<Tok>) -> Result<Section, Unsupported> {
    if toks.iter().any(is_date_tok) {
        if toks
            .iter()
            .any(|t| matches!(t, Tok::Percent | Tok::Exp { .. } | Tok::At | Tok::General))
        {
            return Err(Unsupported(format!(
                "section {} mixes date codes with number codes",
                n + 1
            )));
        }
        // Fractions of a second: `.` then zeros, after seconds.
        let mut out = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            if toks[i] == Tok::Point {
                let zeros = toks[i + 1..]
                    .iter()
                    .take_while(|t| **t == Tok::Digit(b'0'))
                    .count();
                if zeros > 0 {
                    out.push(Tok::SubSecond(zeros.min(3)));
                    i += 1 + zeros;
                    continue;
                }
                out.push(Tok::Lit(".".into()));
            } else if let Tok::Digit(d) = toks[i] {
                out.push(Tok::Lit((d as char).to_string()));
            } else if toks[i] == Tok::Comma {
                out.push(Tok::Lit(",".into()));
            } else {
                out.push(toks[i].clone());
            }
            i += 1;
        }
        toks = out;
        let timeish = |t: &Tok| {
            matches!(
                t,
                Tok::Year(_)
                    | Tok::Month(_)
                    | Tok::Day(_)
                    | Tok::Hour(_)
                    | Tok::Second(_)
                    | Tok::Elapsed(..)
            )
        };
        let positions: Vec<usize> = (0..toks.len()).filter(|&i| timeish(&toks[i])).collect();
        for (k, &i) in positions.iter().enumerate() {
            if let Tok::Month(w) = toks[i]
                && w <= 2
            {
                let before = k
                    .checked_sub(1)
                    .map(|p| &toks[positions[p]])
                    .is_some_and(|t| matches!(t, Tok::Hour(_) | Tok::Elapsed(b'h', _)));
                let after = positions
                    .get(k + 1)
                    .is_some_and(|&p| matches!(toks[p], Tok::Second(_) | Tok::Elapsed(b's', _)));
                if before || after {
                    toks[i] = Tok::Minute(w);
                }
            }
        }
        return Ok(Section::Date(toks));
    }
    if toks.contains(&Tok::At) {
        if has_digits(&toks) {
            return Err(Unsupported(format!(
                "section {} mixes `@` with digit placeholders",
                n + 1
            )));
        }
        return Ok(Section::Text(toks));
    }
    if n == 3 {
        // A fourth section is for text even without `@`.
        return Ok(Section::Text(toks));
    }
    if toks.contains(&Tok::General) {
        return Ok(Section::General(toks));
    }
    if toks.iter().filter(|t| **t == Tok::Point).count() > 1 {
        return Err(Unsupported(format!(
            "section {} has more than one decimal point",
            n + 1
        )));
    }
    Ok(Section::Number(toks))
}

/// Literals around General (`"USD "General`).
fn with_literals(toks: &[Tok], shown: &str) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Lit(s) => s.as_str(),
            Tok::General => shown,
            _ => "",
        })
        .collect()
}

/// A text section with `@` standing for `s`.
fn with_text(toks: &[Tok], s: &str) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Lit(l) => l.as_str(),
            Tok::At => s,
            _ => "",
        })
        .collect()
}

/// Decimal digits of `v` (not negative) rounded half away from zero at
/// `decimals` places, after first taking it to 15 significant digits as
/// Excel does: (integer digits without leading zeros, exactly `decimals`
/// fraction digits).
fn round_digits(v: f64, decimals: usize) -> (String, String) {
    if v == 0.0 {
        return (String::new(), "0".repeat(decimals));
    }
    let (mut digits, exp) = significant_digits(v);
    // digits[0] is at 10^exp. Place them on a grid with the point after
    // position `point` from the left.
    let lead = usize::try_from((-exp - 1).max(0)).unwrap_or(0); // zeros after the point before digits
    let mut grid: Vec<u8> = vec![b'0'; lead];
    grid.append(&mut digits);
    let point = usize::try_from(exp + 1 + i64::try_from(lead).unwrap_or(0)).unwrap_or(0);
    // Integer digits: grid[..point], padded with zeros when exp is large.
    while grid.len() < point + decimals + 1 {
        grid.push(b'0');
    }
    let keep = point + decimals;
    let round_up = grid[keep] >= b'5';
    grid.truncate(keep);
    if round_up {
        let mut i = keep;
        loop {
            if i == 0 {
                grid.insert(0, b'1');
                break;
            }
            i -= 1;
            if grid[i] == b'9' {
                grid[i] = b'0';
            } else {
                grid[i] += 1;
                break;
            }
        }
    }
    let split = grid.len() - decimals;
    let int: String = String::from_utf8_lossy(&grid[..split])
        .trim_start_matches('0')
        .to_owned();
    let frac = String::from_utf8_lossy(&grid[split..]).into_owned();
    (int, frac)
}

/// The digits of `v` (positive, finite) at the 15 significant digits Excel
/// keeps, without trailing zeros, and the power of ten of the first.
///
/// The shortest digits that read back as `v` (ryu, fast) are those digits
/// whenever there are at most 15 of them: `v` is then nearer to them than
/// half a step of the 15-digit grid. Longer ones are rounded by `{:.14e}`.
fn significant_digits(v: f64) -> (Vec<u8>, i64) {
    let mut buf = ryu::Buffer::new();
    let short = buf.format_finite(v);
    let (mantissa, exp) = short.split_once(['e', 'E']).unwrap_or((short, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
    let lead = all.iter().take_while(|&&d| d == b'0').count();
    let digits: Vec<u8> = all[lead..].to_vec();
    let significant = digits.len() - digits.iter().rev().take_while(|&&d| d == b'0').count();
    if significant <= 15 && significant > 0 {
        // The first significant digit's power of ten.
        let power =
            i64::try_from(int.len()).unwrap_or(0) - 1 - i64::try_from(lead).unwrap_or(0) + exp;
        return (digits[..significant].to_vec(), power);
    }
    let sci = format!("{v:.14e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, exp)
}

/// A number section applied to `v` (not negative), and whether any digit
/// shown of it is not zero.
fn number(toks: &[Tok], v: f64) -> (String, bool) {
    let percent = toks.iter().filter(|t| **t == Tok::Percent).count();
    let exp_at = toks.iter().position(|t| matches!(t, Tok::Exp { .. }));
    let mantissa_end = exp_at.unwrap_or(toks.len());
    let point_at = toks[..mantissa_end].iter().position(|t| *t == Tok::Point);
    let int_end = point_at.unwrap_or(mantissa_end);
    let digit_positions: Vec<usize> = (0..mantissa_end)
        .filter(|&i| matches!(toks[i], Tok::Digit(_)))
        .collect();
    let last_digit = digit_positions.last().copied();
    // Commas: grouping between integer placeholders; scaling right after
    // the last placeholder; otherwise shown as they are.
    let mut grouping = false;
    let mut scale = 0i32;
    let mut comma_kind = vec![0u8; toks.len()]; // 1 grouping, 2 scaling, 0 literal
    for i in 0..mantissa_end {
        if toks[i] != Tok::Comma {
            continue;
        }
        let digit_before = toks[..i].iter().any(|t| matches!(t, Tok::Digit(_)));
        let digit_after_in_int = i < int_end
            && toks[i + 1..int_end]
                .iter()
                .any(|t| matches!(t, Tok::Digit(_)));
        let scaling = last_digit.is_some_and(|l| i > l)
            && toks[last_digit.unwrap_or(0) + 1..i]
                .iter()
                .all(|t| *t == Tok::Comma);
        if scaling {
            comma_kind[i] = 2;
            scale += 1;
        } else if digit_before && digit_after_in_int {
            comma_kind[i] = 1;
            grouping = true;
        }
    }
    let frac_places: usize = toks[int_end..mantissa_end]
        .iter()
        .filter(|t| matches!(t, Tok::Digit(_)))
        .count();
    let int_places = toks[..int_end]
        .iter()
        .filter(|t| matches!(t, Tok::Digit(_)))
        .count();
    let mut v = v * 100f64.powi(i32::try_from(percent).unwrap_or(0)) / 1000f64.powi(scale);
    let mut exponent = 0i64;
    if exp_at.is_some() && v != 0.0 {
        let k = i64::try_from(int_places.max(1)).unwrap_or(1);
        #[allow(clippy::cast_possible_truncation)]
        let mut e = v.log10().floor() as i64;
        if k > 1 {
            e -= e.rem_euclid(k);
        }
        let mut m = v / 10f64.powi(i32::try_from(e).unwrap_or(0));
        let (int, _) = round_digits(m, frac_places);
        if int.len() > usize::try_from(k).unwrap_or(1) {
            e += k;
            m = v / 10f64.powi(i32::try_from(e).unwrap_or(0));
        }
        exponent = e;
        v = m;
    }
    let (int_digits, frac_digits) = round_digits(v, frac_places);
    let nonzero = int_digits
        .bytes()
        .chain(frac_digits.bytes())
        .any(|b| b != b'0');
    let mut out = String::new();
    // Integer part, right to left.
    let mut int_out: Vec<String> = Vec::new();
    let mut pending: Vec<u8> = int_digits.into_bytes();
    let mut placed = 0usize; // digit characters placed, for grouping
    let mut seen_places = 0usize;
    let push_digit = |int_out: &mut Vec<String>, placed: &mut usize, d: u8| {
        if grouping && *placed > 0 && (*placed).is_multiple_of(3) {
            int_out.push(",".into());
        }
        int_out.push((d as char).to_string());
        *placed += 1;
    };
    for i in (0..int_end).rev() {
        match &toks[i] {
            Tok::Digit(kind) => {
                seen_places += 1;
                let leftmost = seen_places == int_places;
                if leftmost {
                    if pending.is_empty() {
                        match kind {
                            b'0' => push_digit(&mut int_out, &mut placed, b'0'),
                            b'?' => int_out.push(" ".into()),
                            _ => {}
                        }
                    }
                    while let Some(d) = pending.pop() {
                        push_digit(&mut int_out, &mut placed, d);
                    }
                } else if let Some(d) = pending.pop() {
                    push_digit(&mut int_out, &mut placed, d);
                } else {
                    match kind {
                        b'0' => push_digit(&mut int_out, &mut placed, b'0'),
                        b'?' => int_out.push(" ".into()),
                        _ => {}
                    }
                }
            }
            Tok::Comma if comma_kind[i] == 0 => int_out.push(",".into()),
            other => int_out.push(piece(other)),
        }
    }
    if int_places == 0 {
        // No integer placeholder: the digits go before the point.
        let digits: String = pending.iter().map(|&d| d as char).collect();
        int_out.push(digits);
    }
    for piece in int_out.iter().rev() {
        out.push_str(piece);
    }
    // Fraction part, left to right; trailing zeros of `#` dropped, of `?`
    // shown as spaces.
    let frac = frac_digits.as_bytes();
    let significant = frac.iter().rposition(|&d| d != b'0').map_or(0, |p| p + 1);
    let mut f = 0usize;
    for i in int_end..mantissa_end {
        match &toks[i] {
            Tok::Point => out.push('.'),
            Tok::Digit(kind) => {
                let d = frac[f];
                if f < significant || *kind == b'0' {
                    out.push(d as char);
                } else if *kind == b'?' {
                    out.push(' ');
                }
                f += 1;
            }
            Tok::Comma if comma_kind[i] == 0 => out.push(','),
            other => out.push_str(&piece(other)),
        }
    }
    if let Some(at) = exp_at {
        let plus = matches!(toks[at], Tok::Exp { plus: true });
        out.push('E');
        if exponent < 0 {
            out.push('-');
        } else if plus {
            out.push('+');
        }
        let width = toks[at + 1..]
            .iter()
            .filter(|t| matches!(t, Tok::Digit(b'0')))
            .count();
        let e = exponent.unsigned_abs().to_string();
        for _ in e.len()..width {
            out.push('0');
        }
        out.push_str(&e);
        for t in &toks[at + 1..] {
            if !matches!(t, Tok::Digit(_)) {
                out.push_str(&piece(t));
            }
        }
    }
    (out, nonzero)
}

/// The text of a token that is not a placeholder.
fn piece(t: &Tok) -> String {
    match t {
        Tok::Lit(s) => s.clone(),
        Tok::Percent => "%".into(),
        Tok::Comma => String::new(),
        _ => String::new(),
    }
}

/// Date and time fields, as a date format shows them.
#[derive(Debug, Clone, Copy)]
struct Fields {
    year: i64,
    month: u32,
    day: u32,
    /// 0 Sunday to 6 Saturday.
    weekday: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// Fraction of a second in thousandths.
    millis: u32,
}

/// How many digits of a second a date section shows.
fn sub_digits(toks: &[Tok]) -> usize {
    toks.iter()
        .find_map(|t| match t {
            Tok::SubSecond(n) => Some(*n),
            _ => None,
        })
        .unwrap_or(0)
}

impl Fields {
    /// From an Excel serial (1900 system, Lotus's 1900-02-29 kept),
    /// rounded to the `digits` of a second shown. `None` outside Excel's
    /// calendar (below 0, beyond 9999-12-31).
    fn from_serial(serial: f64, digits: usize) -> Option<Fields> {
        if !(0.0..2_958_466.0).contains(&serial) {
            return None;
        }
        let unit = 10f64.powi(i32::try_from(digits).unwrap_or(0));
        #[allow(clippy::cast_possible_truncation)]
        let ticks = (serial * 86_400.0 * unit).round() as i64;
        let per_day = (86_400.0 * unit) as i64;
        let days = ticks.div_euclid(per_day);
        let rest = ticks.rem_euclid(per_day);
        let secs = rest / unit as i64;
        let sub = rest % unit as i64;
        let millis = u32::try_from(sub * 1000 / unit as i64).unwrap_or(0);
        let (year, month, day) = match days {
            0 => (1900, 1, 0),
            60 => (1900, 2, 29),
            d => {
                // Days since 1899-12-31 before the fictitious leap day,
                // since 1899-12-30 after it.
                let base = if d < 60 { -25_568 } else { -25_569 };
                civil(d + base)
            }
        };
        if year > 9999 {
            return None;
        }
        Some(Fields {
            year,
            month,
            day,
            weekday: u32::try_from((days + 6).rem_euclid(7)).unwrap_or(0),
            hour: u32::try_from(secs / 3600).unwrap_or(0),
            minute: u32::try_from(secs / 60 % 60).unwrap_or(0),
            second: u32::try_from(secs % 60).unwrap_or(0),
            millis,
        })
    }

    /// A moment's own fields (before 1900, which has no serial).
    fn of(m: &Moment) -> Fields {
        let days = days_from_civil(i64::from(m.year), u32::from(m.month), u32::from(m.day));
        Fields {
            year: i64::from(m.year),
            month: u32::from(m.month),
            day: u32::from(m.day),
            // 1970-01-01 was a Thursday.
            weekday: u32::try_from((days + 4).rem_euclid(7)).unwrap_or(0),
            hour: u32::from(m.hour),
            minute: u32::from(m.minute),
            second: u32::from(m.second),
            millis: u32::from(m.millis),
        }
    }
}

/// (year, month, day) of days since 1970-01-01.
fn civil(days: i64) -> (i64, u32, u32) {
    let t = crate::text::DateTime::from_unix(days * 86_400);
    (t.year, t.month, t.day)
}

/// A date section applied to `f`; `serial` for elapsed times.
fn date(toks: &[Tok], f: &Fields, serial: f64) -> String {
    let twelve = toks.iter().any(|t| matches!(t, Tok::AmPm { .. }));
    let mut out = String::new();
    let two = |out: &mut String, v: u32, w: usize| {
        if w >= 2 {
            out.push_str(&format!("{v:02}"));
        } else {
            out.push_str(&v.to_string());
        }
    };
    for t in toks {
        match t {
            Tok::Lit(s) => out.push_str(s),
            Tok::Year(w) if *w <= 2 => out.push_str(&format!("{:02}", f.year.rem_euclid(100))),
            Tok::Year(_) => out.push_str(&format!("{:04}", f.year)),
            Tok::Month(w) => {
                let name = MONTHS[(f.month.max(1) - 1) as usize];
                match w {
                    1 | 2 => two(&mut out, f.month, *w),
                    3 => out.push_str(&name[..3]),
                    5 => out.push_str(&name[..1]),
                    _ => out.push_str(name),
                }
            }
            Tok::Minute(w) => two(&mut out, f.minute, *w),
            Tok::Day(w) => match w {
                1 | 2 => two(&mut out, f.day, *w),
                3 => out.push_str(&DAYS[f.weekday as usize][..3]),
                _ => out.push_str(DAYS[f.weekday as usize]),
            },
            Tok::Hour(w) => {
                let h = if twelve {
                    match f.hour % 12 {
                        0 => 12,
                        h => h,
                    }
                } else {
                    f.hour
                };
                two(&mut out, h, *w);
            }
            Tok::Second(w) => two(&mut out, f.second, *w),
            Tok::SubSecond(n) => {
                let digits = format!("{:03}", f.millis);
                out.push('.');
                out.push_str(&digits[..*n]);
            }
            Tok::AmPm { am, pm } => out.push_str(if f.hour < 12 { am } else { pm }),
            Tok::Elapsed(unit, w) => {
                let seconds = if serial.is_finite() {
                    (serial * 86_400.0).round()
                } else {
                    f64::from(f.hour * 3600 + f.minute * 60 + f.second)
                };
                let total = match unit {
                    b'h' => (seconds / 3600.0).floor(),
                    b'm' => (seconds / 60.0).floor(),
                    _ => seconds,
                };
                out.push_str(&format!("{:0w$}", total, w = *w));
            }
            _ => {}
        }
    }
    out
}

/// General: the value at the 15 significant digits Excel keeps, in its
/// shortest form (`0.1 + 0.2` is `0.3`), every one of those digits shown:
/// the columns Rowpress writes are fitted to their content, where Excel
/// shows General numbers whole rather than as `1.23457E+11`.
pub fn general(n: f64) -> String {
    if !n.is_finite() {
        return "#NUM!".into();
    }
    let kept: f64 = format!("{n:.14e}").parse().unwrap_or(n);
    crate::text::format_number(kept)
}

/// The format code XLSX gives a date, date-time or time whose column has
/// no `format`: `2024-10-18`, `2024-10-18 14:30:00`, `14:30:00`.
pub(crate) fn default_moment_code(kind: MomentKind) -> &'static str {
    match kind {
        MomentKind::Date => "yyyy\\-mm\\-dd",
        MomentKind::DateTime => "yyyy\\-mm\\-dd\\ hh:mm:ss",
        MomentKind::Time => "hh:mm:ss",
    }
}

/// [`default_moment_code`] read, once.
pub(crate) fn default_moment(kind: MomentKind) -> &'static NumberFormat {
    static FORMATS: std::sync::OnceLock<[NumberFormat; 3]> = std::sync::OnceLock::new();
    let formats = FORMATS.get_or_init(|| {
        [MomentKind::Date, MomentKind::DateTime, MomentKind::Time].map(|k| {
            NumberFormat::parse(default_moment_code(k)).unwrap_or_else(|_| NumberFormat {
                code: String::new(),
                sections: Vec::new(),
            })
        })
    });
    &formats[kind as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(code: &str, n: f64) -> String {
        NumberFormat::parse(code).unwrap().number(n)
    }

    #[test]
    fn numbers_show_as_excel_shows_them() {
        let cases: &[(&str, f64, &str)] = &[
            ("#,##0.00", 1132.8, "1,132.80"),
            ("#,##0.00", 2825.775, "2,825.78"),
            ("#,##0.00", -1_234_567.891, "-1,234,567.89"),
            ("0.00", 0.125, "0.13"),
            ("0.00", 2.675, "2.68"),
            ("0", 0.4, "0"),
            ("0", 1.5, "2"),
            ("#", 0.0, ""),
            ("#.##", 1.0, "1."),
            ("0.0#", 1.5, "1.5"),
            ("0.0#", 1.456, "1.46"),
            ("?.??", 1.5, "1.5 "),
            ("000", 7.0, "007"),
            ("00000", 1234.0, "01234"),
            ("0%", 0.2, "20%"),
            ("0.0%", 0.1234, "12.3%"),
            ("0.00E+00", 12345.0, "1.23E+04"),
            ("0.00E+00", 0.000_123, "1.23E-04"),
            ("0.00E-00", 12345.0, "1.23E04"),
            ("##0.0E+0", 12345.0, "12.3E+3"),
            ("0.00E+00", 9.999, "1.00E+01"),
            ("#,##0,", 1_234_567.0, "1,235"),
            ("0.0,,\" M\"", 1_234_567.0, "1.2 M"),
            ("\"$\"#,##0.00", 5.0, "$5.00"),
            ("[$€-407] #,##0.00", 5.0, "€ 5.00"),
            ("#,##0.00 [$€-407]", 5.0, "5.00 €"),
            ("$#,##0_);($#,##0)", -5.0, "($5)"),
            ("$#,##0_);($#,##0)", 5.0, "$5 "),
            ("#,##0.00;[Red](#,##0.00);\"-\"", 0.0, "-"),
            ("#,##0.00;[Red](#,##0.00);\"-\"", -3.0, "(3.00)"),
            ("0;-0;;@", 0.0, ""),
            ("000-00-0000", 123_456_789.0, "123-45-6789"),
            ("\\#0", 5.0, "#5"),
            ("0 \"units\"", 3.0, "3 units"),
            ("General", 1132.8, "1132.8"),
            ("\"USD \"General", -2.5, "USD -2.5"),
            ("#,##0", 999_999.5, "1,000,000"),
            ("0.000", -0.0001, "0.000"),
            ("0.000", -0.0006, "-0.001"),
        ];
        for (code, n, want) in cases {
            assert_eq!(show(code, *n), *want, "{code} of {n}");
        }
    }

    #[test]
    fn fast_digits_agree_with_the_15_digit_rounding() {
        let slow = |v: f64| {
            let sci = format!("{v:.14e}");
            let (m, e) = sci.split_once('e').unwrap();
            let mut d: Vec<u8> = m.bytes().filter(u8::is_ascii_digit).collect();
            while d.len() > 1 && d.last() == Some(&b'0') {
                d.pop();
            }
            (d, e.parse::<i64>().unwrap())
        };
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut values = vec![
            1132.8,
            0.125,
            2.675,
            1e-7,
            123_456.0,
            0.1 + 0.2,
            5e300,
            1e21,
            99_999.95,
        ];
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x >> 2);
            if v.is_finite() && v > 0.0 {
                values.push(v);
                values.push((v.fract() * 1e6).round() / 100.0 + 1.0);
            }
        }
        for v in values {
            assert_eq!(significant_digits(v), slow(v), "{v:e}");
        }
    }

    #[test]
    fn dates_show_as_excel_shows_them() {
        let d = Moment::parse("2024-10-18T14:30:05.6", MomentKind::DateTime).unwrap();
        let cases: &[(&str, &str)] = &[
            ("yyyy-mm-dd", "2024-10-18"),
            ("yy/m/d", "24/10/18"),
            ("dddd, mmmm d, yyyy", "Friday, October 18, 2024"),
            ("ddd dd mmm", "Fri 18 Oct"),
            ("mmmmm", "O"),
            ("hh:mm", "14:30"),
            ("h:mm AM/PM", "2:30 PM"),
            ("h:mm a/p", "2:30 p"),
            ("hh:mm:ss", "14:30:06"),
            ("hh:mm:ss.0", "14:30:05.6"),
            ("mm:ss", "30:06"),
            ("yyyy-mm-dd hh:mm", "2024-10-18 14:30"),
            ("[h]:mm", "1094006:30"),
            ("d-mmm-yy", "18-Oct-24"),
        ];
        for (code, want) in cases {
            assert_eq!(
                NumberFormat::parse(code).unwrap().moment(&d),
                *want,
                "{code}"
            );
        }
        let f = NumberFormat::parse("yyyy-mm-dd ddd").unwrap();
        assert_eq!(f.number(1.0), "1900-01-01 Sun");
        assert_eq!(f.number(59.0), "1900-02-28 Tue");
        assert_eq!(f.number(60.0), "1900-02-29 Wed");
        assert_eq!(f.number(61.0), "1900-03-01 Thu");
        assert_eq!(f.number(2_958_465.0), "9999-12-31 Fri");
        assert_eq!(f.number(-1.0), "-1");
        let old = Moment::parse("1850-06-01", MomentKind::Date).unwrap();
        assert_eq!(f.moment(&old), "1850-06-01 Sat");
        assert!(f.is_date() && !NumberFormat::parse("0.00").unwrap().is_date());
        // 23:59:59.6 rounds into the next day.
        let late = Moment::parse("2024-12-31T23:59:59.6", MomentKind::DateTime).unwrap();
        let f = NumberFormat::parse(default_moment_code(MomentKind::DateTime)).unwrap();
        assert_eq!(f.moment(&late), "2025-01-01 00:00:00");
    }

    #[test]
    fn text_sections_and_general() {
        let f = NumberFormat::parse("0.00;-0.00;0;\"[\"@\"]\"").unwrap();
        assert_eq!(f.text("x"), "[x]");
        assert_eq!(NumberFormat::parse("@ \"kg\"").unwrap().text("5"), "5 kg");
        assert_eq!(NumberFormat::parse("0.00").unwrap().text("n/a"), "n/a");
        assert_eq!(general(0.1 + 0.2), "0.3");
        assert_eq!(general(123_456_789_012.0), "123456789012");
        assert_eq!(general(-1132.8), "-1132.8");
        assert_eq!(general(1.0 / 3.0), "0.333333333333333");
        assert_eq!(general(1e-10), "1e-10");
    }

    #[test]
    fn what_is_not_covered_is_named() {
        for (code, why) in [
            ("[>100]0", "`[>100]`"),
            ("# ?/?", "fractions"),
            ("0;0;0;@;0", "more than four sections"),
            ("\"open", "quote is not closed"),
            ("0.0.0", "more than one decimal point"),
            ("x0", "'x' outside quotes"),
        ] {
            let err = NumberFormat::parse(code).unwrap_err();
            assert!(err.0.contains(why), "{code}: {err}");
        }
    }
}
