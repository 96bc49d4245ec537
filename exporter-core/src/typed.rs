//! Typed columns: a column's `type` says what its cells are, and each cell
//! is read as that type before any format writes it. A cell that does not
//! read as its column's type is kept as it is (text stays text), with a
//! warning naming it; `strict` refuses it.
//!
//! Dates and times are the calendar date and wall-clock time they say: no
//! time zone is applied, ever (an ISO string with `Z` or an offset is not
//! read as a date-time, but kept as text with a warning), so a date never
//! moves by a day or by 43 seconds on its way into a file.

use std::borrow::Cow;
use std::cell::{Cell as Flag, RefCell};

use crate::columns::ColumnStyle;
use crate::error::{ExportError, Location, Result};
use crate::numfmt;
use crate::rows::Rows;
use crate::table::{Cell, Link, Table};
use crate::text;
use crate::warning::{Warning, Warnings};

/// What a column's cells are (`type` in `columns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// Text: numbers and booleans are written as their text.
    Text,
    /// A number: a number, or text that is one (`"12.5"`).
    Number,
    /// `true` or `false` (or the text of either).
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A date and wall-clock time, `YYYY-MM-DDTHH:MM[:SS[.fff]]`.
    DateTime,
    /// A wall-clock time, `HH:MM[:SS]`.
    Time,
    /// A link: an http, https or mailto URL, or `{"text", "url"}`.
    Link,
}

impl ColumnType {
    /// The name `type` gives it: `date`, `number`, ...
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Number => "number",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::DateTime => "datetime",
            ColumnType::Time => "time",
            ColumnType::Link => "link",
        }
    }

    /// Parses a column's `type`.
    pub(crate) fn parse(s: &str) -> Option<ColumnType> {
        Some(match s {
            "text" => ColumnType::Text,
            "number" => ColumnType::Number,
            "boolean" => ColumnType::Boolean,
            "date" => ColumnType::Date,
            "datetime" => ColumnType::DateTime,
            "time" => ColumnType::Time,
            "link" => ColumnType::Link,
            _ => return None,
        })
    }
}

/// A date, a date and time, or a time of day, as written: no time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// Which of the three it is.
    pub kind: MomentKind,
    /// Year, 0 to 9999 (0 for a time).
    pub year: u16,
    /// Month, 1 to 12 (0 for a time).
    pub month: u8,
    /// Day of the month (0 for a time).
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 59.
    pub second: u8,
    /// Milliseconds, 0 to 999.
    pub millis: u16,
}

/// The kinds of [`Moment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MomentKind {
    /// A calendar date.
    Date,
    /// A date and wall-clock time.
    DateTime,
    /// A time of day.
    Time,
}

/// `n` decimal digits at the start of `s`, as a number.
fn digits(s: &[u8], n: usize) -> Option<u32> {
    if s.len() < n || !s[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s[..n].iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// `YYYY-MM-DD` at the start of `s`: (year, month, day).
fn date_part(s: &[u8]) -> Option<(u32, u32, u32)> {
    let (year, month, day) = (
        digits(s, 4)?,
        digits(s.get(5..)?, 2)?,
        digits(s.get(8..)?, 2)?,
    );
    let ok = s[4] == b'-'
        && s[7] == b'-'
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day);
    ok.then_some((year, month, day))
}

/// `HH:MM[:SS[.f{1,3}]]`, the whole of `s`: (hour, minute, second, ms).
fn time_part(s: &[u8], fraction: bool) -> Option<(u32, u32, u32, u32)> {
    let (hour, minute) = (digits(s, 2)?, digits(s.get(3..)?, 2)?);
    if s[2] != b':' || hour > 23 || minute > 59 {
        return None;
    }
    let (second, rest) = match s.get(5..) {
        Some([]) => (0, &[][..]),
        Some([b':', rest @ ..]) => (digits(rest, 2)?, &rest[2..]),
        _ => return None,
    };
    if second > 59 {
        return None;
    }
    let millis = match rest {
        [] => 0,
        [b'.', f @ ..] if fraction && (1..=3).contains(&f.len()) => {
            digits(f, f.len())? * 10u32.pow(3 - u32::try_from(f.len()).ok()?)
        }
        _ => return None,
    };
    Some((hour, minute, second, millis))
}

impl Moment {
    /// Reads `s` as a `kind`, or `None` when it is not one.
    pub fn parse(s: &str, kind: MomentKind) -> Option<Moment> {
        let b = s.as_bytes();
        let narrow = |v: u32| u8::try_from(v).ok();
        let (year, month, day, clock) = match kind {
            MomentKind::Date if b.len() == 10 => {
                let (y, m, d) = date_part(b)?;
                (y, m, d, (0, 0, 0, 0))
            }
            MomentKind::DateTime if b.len() > 11 && b[10] == b'T' => {
                let (y, m, d) = date_part(b)?;
                (y, m, d, time_part(&b[11..], true)?)
            }
            MomentKind::Time => (0, 0, 0, time_part(b, false)?),
            _ => return None,
        };
        Some(Moment {
            kind,
            year: u16::try_from(year).ok()?,
            month: narrow(month)?,
            day: narrow(day)?,
            hour: narrow(clock.0)?,
            minute: narrow(clock.1)?,
            second: narrow(clock.2)?,
            millis: u16::try_from(clock.3).ok()?,
        })
    }

    /// As PDF and DOCX show it, the way XLSX's format for it shows it:
    /// `2024-10-18`, `2024-10-18 14:30:00`, `14:30:00`.
    pub fn display(&self) -> String {
        let date = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        let time = format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second);
        match self.kind {
            MomentKind::Date => date,
            MomentKind::DateTime => format!("{date} {time}"),
            MomentKind::Time => time,
        }
    }

    /// As a program reads it back (CSV): ISO 8601, `2024-10-18T14:30:00.250`.
    pub fn iso(&self) -> String {
        let mut time = format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second);
        if self.millis > 0 {
            time.push_str(&format!(".{:03}", self.millis));
        }
        match self.kind {
            MomentKind::Date => format!("{:04}-{:02}-{:02}", self.year, self.month, self.day),
            MomentKind::DateTime => {
                format!("{:04}-{:02}-{:02}T{time}", self.year, self.month, self.day)
            }
            MomentKind::Time => time,
        }
    }

    /// Excel's serial number (1900 date system), computed from the fields:
    /// days since 1899-12-30 from 1900-03-01 on, since 1899-12-31 before
    /// (Lotus 1-2-3's 1900-02-29, which Excel keeps, sits between), plus
    /// the time as a fraction of a day. `None` before 1900-01-01, which
    /// Excel's calendar does not hold.
    pub fn excel_serial(&self) -> Option<f64> {
        let fraction = (f64::from(self.hour) * 3600.0
            + f64::from(self.minute) * 60.0
            + f64::from(self.second)
            + f64::from(self.millis) / 1000.0)
            / 86_400.0;
        if self.kind == MomentKind::Time {
            return Some(fraction);
        }
        if self.year < 1900 {
            return None;
        }
        let days = days_from_civil(
            i64::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        );
        let march_1900 = days_from_civil(1900, 3, 1);
        let base = if days >= march_1900 {
            days_from_civil(1899, 12, 30)
        } else {
            days_from_civil(1899, 12, 31)
        };
        #[allow(clippy::cast_precision_loss)]
        let serial = (days - base) as f64;
        Some(serial + fraction)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// days_from_civil).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The text a cell of a column styled `style` shows in PDF, DOCX and CSV
/// "as displayed": in a typed column, what Excel shows for it through the
/// column's format (General for numbers without one, the XLSX default
/// formats for dates and times, `TRUE`/`FALSE`); in an untyped column, the
/// cell's own text as before.
pub(crate) fn shown<'c>(cell: &'c Cell, style: &ColumnStyle) -> Cow<'c, str> {
    if style.kind.is_none() {
        return text::cell_text(cell);
    }
    let format = style.number_format();
    match cell {
        Cell::Number(n) => Cow::Owned(format.map_or_else(|| numfmt::general(*n), |f| f.number(*n))),
        Cell::Moment(m) => Cow::Owned(
            format
                .unwrap_or_else(|| numfmt::default_moment(m.kind))
                .moment(m),
        ),
        Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        Cell::String(s) => match format {
            Some(f) => Cow::Owned(f.text(s)),
            None => Cow::Borrowed(s),
        },
        other => text::cell_text(other),
    }
}

/// The text each cell of every typed column shows in PDF, DOCX and CSV
/// "as displayed" (what Excel shows through the column's format, a link
/// as its text), for a view of `table` that agrees with its files; `None`
/// for an untyped column, whose cells show as given. A cell that is not
/// its column's type shows as it is (an export warns of it).
pub fn shown_columns(table: &Table) -> Vec<Option<Vec<String>>> {
    (0..table.column_count())
        .map(|c| {
            let style = table.column_style(c);
            let ty = style.kind?;
            let shown_cell = |r: usize| {
                let cell = table.cell(r, c);
                // An export warns of a cell that does not read; a view
                // shows it as given.
                match read_as(cell, ty) {
                    Ok(typed) => match typed.as_ref() {
                        Cell::Link(link) => link.text.clone(),
                        other => shown(other, &style).into_owned(),
                    },
                    Err(_) => text::cell_text(cell).into_owned(),
                }
            };
            Some((0..table.row_count()).map(shown_cell).collect())
        })
        .collect()
}

/// Warns of each column whose `format` Rowpress cannot show as Excel
/// would: it is shown as General in every format (`strict`: the error).
pub(crate) fn warn_of_formats(table: &dyn Rows, warnings: &mut Warnings) -> Result<()> {
    for c in 0..table.headers().len() {
        let style = table.column_style(c);
        let Some(format) = &style.format else {
            continue;
        };
        if let Err(why) = &format.parsed {
            let location = Location::Column { column: c + 1 };
            let message = format!("format {:?} is not supported: {why}", format.code);
            warnings.keep(
                Warning {
                    sheet: None,
                    location,
                    code: "UNSUPPORTED_FORMAT",
                    message: format!("{message}; shown as General"),
                },
                || ExportError::UnsupportedFormat { location, message },
            )?;
        }
    }
    Ok(())
}

/// What `cell` is in a column of type `ty`, or why it is not one.
fn read_as(cell: &Cell, ty: ColumnType) -> std::result::Result<Cow<'_, Cell>, String> {
    let moment = |kind: MomentKind, shape: &str| {
        match cell {
        Cell::String(s) => Moment::parse(s, kind)
            .map(|m| Cow::Owned(Cell::Moment(m)))
            .ok_or_else(|| {
                if kind != MomentKind::Date && (s.ends_with('Z') || s.contains('+')) {
                    format!("{s:?} has a time zone, which Rowpress never applies; give the wall-clock time ({shape})")
                } else {
                    format!("{s:?} is not a {} ({shape})", kind_name(kind))
                }
            }),
        other => Err(format!(
            "{} is not a {} ({shape})",
            text::cell_text(other),
            kind_name(kind)
        )),
    }
    };
    match (ty, cell) {
        (_, Cell::Null) => Ok(Cow::Borrowed(cell)),
        (ColumnType::Link | ColumnType::Text, Cell::Link(_)) => Ok(Cow::Borrowed(cell)),
        // A JavaScript Date (a date and time): a date when its time is
        // midnight, a time of day in a time column, else kept whole.
        (ColumnType::Date, Cell::Moment(m))
            if m.kind == MomentKind::DateTime
                && (m.hour, m.minute, m.second, m.millis) == (0, 0, 0, 0) =>
        {
            Ok(Cow::Owned(Cell::Moment(Moment {
                kind: MomentKind::Date,
                ..*m
            })))
        }
        (ColumnType::Time, Cell::Moment(m)) if m.kind == MomentKind::DateTime => {
            Ok(Cow::Owned(Cell::Moment(Moment {
                kind: MomentKind::Time,
                year: 0,
                month: 0,
                day: 0,
                ..*m
            })))
        }
        (ColumnType::Date | ColumnType::DateTime | ColumnType::Time, Cell::Moment(_)) => {
            Ok(Cow::Borrowed(cell))
        }
        (ColumnType::Link, Cell::String(url)) => match Link::check_url(url) {
            None => Ok(Cow::Owned(Cell::Link(Link {
                text: url.clone(),
                url: url.clone(),
            }))),
            Some(why) => Err(why),
        },
        (ColumnType::Link, other) => Err(format!(
            "{} is not a link (an http, https or mailto URL)",
            text::cell_text(other)
        )),
        // A link elsewhere is its text, as every other value is.
        (_, Cell::Link(link)) => read_as_text_of(link, ty),
        (ColumnType::Date, _) => moment(MomentKind::Date, "YYYY-MM-DD"),
        (ColumnType::DateTime, _) => moment(MomentKind::DateTime, "YYYY-MM-DDTHH:MM[:SS[.fff]]"),
        (ColumnType::Time, _) => moment(MomentKind::Time, "HH:MM[:SS]"),
        (ColumnType::Number, Cell::Number(_) | Cell::Integer(_)) => Ok(Cow::Borrowed(cell)),
        (ColumnType::Number, Cell::String(s)) => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && !s.trim().is_empty() => Ok(Cow::Owned(Cell::Number(n))),
            _ => Err(format!("{s:?} is not a number")),
        },
        (ColumnType::Boolean, Cell::Bool(_)) => Ok(Cow::Borrowed(cell)),
        (ColumnType::Boolean, Cell::String(s)) if s == "true" || s == "false" => {
            Ok(Cow::Owned(Cell::Bool(s == "true")))
        }
        (ColumnType::Text, Cell::String(_)) => Ok(Cow::Borrowed(cell)),
        (ColumnType::Text, other) => Ok(Cow::Owned(Cell::String(
            text::cell_text(other).into_owned(),
        ))),
        (ColumnType::Number | ColumnType::Boolean, other) => Err(format!(
            "{} is not a {}",
            match other {
                Cell::String(s) => format!("{s:?}"),
                other => text::cell_text(other).into_owned(),
            },
            if ty == ColumnType::Number {
                "number"
            } else {
                "boolean"
            }
        )),
    }
}

/// A link in a column of another type: its text, read as that type.
fn read_as_text_of(link: &Link, ty: ColumnType) -> std::result::Result<Cow<'static, Cell>, String> {
    read_as(&Cell::String(link.text.clone()), ty).map(|c| Cow::Owned(c.into_owned()))
}

fn kind_name(kind: MomentKind) -> &'static str {
    match kind {
        MomentKind::Date => "date",
        MomentKind::DateTime => "date and time",
        MomentKind::Time => "time",
    }
}

/// `cells` of body row `row` (0-based) read as their columns' types into
/// `out`; a cell that is not its column's type stays as it is, with a
/// warning (`strict`: the error).
fn type_row(
    types: &[Option<ColumnType>],
    row: usize,
    cells: &[Cell],
    out: &mut Vec<Cell>,
    warnings: &mut Warnings,
) -> Result<()> {
    // The cells of the row before are overwritten in place: a text
    // column's string reuses its buffer (most of the cost of typing a row
    // was allocating and freeing copies).
    out.truncate(cells.len());
    for (c, cell) in cells.iter().enumerate() {
        // An address in a link column becomes a link in the slot's own
        // buffers: reading it anew allocated two strings per row.
        if types.get(c).copied().flatten() == Some(ColumnType::Link)
            && let Cell::String(url) = cell
            && let Some(Cell::Link(slot)) = out.get_mut(c)
            && Link::check_url(url).is_none()
        {
            slot.text.clone_from(url);
            slot.url.clone_from(url);
            continue;
        }
        let typed = match types.get(c).copied().flatten() {
            Some(ty) => type_cell(ty, row, c, cell, warnings)?,
            None => Cow::Borrowed(cell),
        };
        match out.get_mut(c) {
            Some(slot) => assign(slot, typed),
            None => out.push(typed.into_owned()),
        }
    }
    Ok(())
}

/// Sets `slot` to `cell`, reusing the slot's string when both are text.
fn assign(slot: &mut Cell, cell: Cow<'_, Cell>) {
    match (slot, cell) {
        (Cell::String(to), Cow::Borrowed(Cell::String(from))) => to.clone_from(from),
        (slot, cell) => *slot = cell.into_owned(),
    }
}

/// `cell`, at body row `row` and column `c` (0-based), read as `ty`; as
/// it is, with a warning (`strict`: the error), when it is not one.
fn type_cell<'c>(
    ty: ColumnType,
    row: usize,
    c: usize,
    cell: &'c Cell,
    warnings: &mut Warnings,
) -> Result<Cow<'c, Cell>> {
    read_as(cell, ty).or_else(|why| {
        let location = Location::Cell {
            row: row + 1,
            column: c + 1,
        };
        warnings.keep(
            Warning {
                sheet: None,
                location,
                code: "TYPE_MISMATCH",
                message: format!("{why}; kept as it is"),
            },
            || ExportError::TypeMismatch {
                location,
                message: why.clone(),
            },
        )?;
        Ok(Cow::Borrowed(cell))
    })
}

/// The column types of `table`; `None` when no column has one.
fn types_of(table: &dyn Rows) -> Option<Vec<Option<ColumnType>>> {
    let types: Vec<Option<ColumnType>> = (0..table.headers().len())
        .map(|c| table.column_style(c).kind)
        .collect();
    types.iter().any(Option::is_some).then_some(types)
}

/// `table` with every cell of a typed column read as its type and turned
/// into the text it shows ([`shown`]), once, for the formats that lay out
/// a whole table (PDF, DOCX): they measure, wrap and draw each cell more
/// than once. Itself when no column has a type; a table owned is changed
/// in place, a borrowed one copied.
pub(crate) fn typed_table<'t>(
    mut table: Cow<'t, Table>,
    warnings: &mut Warnings,
) -> Result<Cow<'t, Table>> {
    let Some(types) = types_of(table.as_ref()) else {
        return Ok(table);
    };
    let styles: Vec<ColumnStyle> = (0..types.len()).map(|c| table.column_style(c)).collect();
    for (r, row) in table.to_mut().rows_mut().iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            let Some(ty) = types.get(c).copied().flatten() else {
                continue;
            };
            if *cell == Cell::Null {
                continue;
            }
            let typed = type_cell(ty, r, c, cell, warnings)?;
            // A link stays one (PDF and DOCX write it as a link); every
            // other cell becomes its text.
            let replacement = match typed.as_ref() {
                Cell::Link(_) => typed.into_owned(),
                other => Cell::String(shown(other, &styles[c]).into_owned()),
            };
            *cell = replacement;
        }
    }
    Ok(table)
}

/// Rows read as their columns' types as they are written (XLSX and CSV,
/// which may read a table twice: warnings are kept from the first pass).
pub(crate) struct TypedRows<'a> {
    inner: &'a dyn Rows,
    types: Vec<Option<ColumnType>>,
    warnings: RefCell<Warnings>,
    /// Whether the rows were read before (warnings are kept from the first pass).
    read_before: Flag<bool>,
}

impl<'a> TypedRows<'a> {
    /// `inner` typed, when any column has a type.
    pub(crate) fn wrap(inner: &'a dyn Rows, strict: bool) -> Option<TypedRows<'a>> {
        Some(TypedRows {
            inner,
            types: types_of(inner)?,
            warnings: RefCell::new(Warnings::new(strict)),
            read_before: Flag::new(false),
        })
    }

    /// The warnings of the first pass.
    pub(crate) fn into_warnings(self) -> Warnings {
        self.warnings.into_inner()
    }
}

impl Rows for TypedRows<'_> {
    fn title(&self) -> Option<&str> {
        self.inner.title()
    }

    fn headers(&self) -> &[String] {
        self.inner.headers()
    }

    fn column_style(&self, c: usize) -> crate::columns::ColumnStyle {
        self.inner.column_style(c)
    }

    fn row_count(&self) -> usize {
        self.inner.row_count()
    }

    fn each_row(&self, f: &mut dyn FnMut(usize, &[Cell]) -> Result<()>) -> Result<()> {
        let mut kept = self.warnings.borrow_mut();
        // A later pass checks again (strict still refuses) but lists nothing.
        let mut again = Warnings::new(kept.strict);
        let warnings = if self.read_before.replace(true) {
            &mut again
        } else {
            &mut *kept
        };
        let mut typed = Vec::new();
        self.inner.each_row(&mut |r, cells| {
            type_row(&self.types, r, cells, &mut typed, warnings)?;
            f(r, &typed)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<f64> {
        Moment::parse(s, MomentKind::Date)?.excel_serial()
    }

    #[test]
    fn excel_serials_follow_excels_documented_calendar() {
        // Excel: 1900-01-01 is 1, 1900-02-28 is 59, (the fictitious
        // 1900-02-29 is 60), 1900-03-01 is 61, 9999-12-31 is 2958465.
        assert_eq!(date("1900-01-01"), Some(1.0));
        assert_eq!(date("1900-02-28"), Some(59.0));
        assert_eq!(date("1900-03-01"), Some(61.0));
        assert_eq!(date("2024-10-18"), Some(45583.0));
        assert_eq!(date("9999-12-31"), Some(2_958_465.0));
        assert_eq!(date("1899-12-31"), None);
        let noon = Moment::parse("2024-10-18T12:00", MomentKind::DateTime).unwrap();
        assert_eq!(noon.excel_serial(), Some(45583.5));
        let t = Moment::parse("06:00:00", MomentKind::Time).unwrap();
        assert_eq!(t.excel_serial(), Some(0.25));
    }

    #[test]
    fn only_what_the_shapes_say_is_read() {
        for s in [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "24-10-18",
            "2024-10-18 ",
            "2024/10/18",
        ] {
            assert_eq!(Moment::parse(s, MomentKind::Date), None, "{s}");
        }
        assert!(Moment::parse("2024-02-29", MomentKind::Date).is_some());
        for s in [
            "2024-10-18",
            "2024-10-18T24:00",
            "2024-10-18T14:30Z",
            "2024-10-18T14:30:00+02:00",
            "2024-10-18T14:30:00.1234",
        ] {
            assert_eq!(Moment::parse(s, MomentKind::DateTime), None, "{s}");
        }
        let m = Moment::parse("2024-10-18T14:30:05.25", MomentKind::DateTime).unwrap();
        assert_eq!(
            (m.display(), m.iso()),
            (
                "2024-10-18 14:30:05".into(),
                "2024-10-18T14:30:05.250".into()
            )
        );
        assert_eq!(
            Moment::parse("09:15", MomentKind::Time).unwrap().display(),
            "09:15:00"
        );
        assert_eq!(Moment::parse("9:15", MomentKind::Time), None);
    }
}
