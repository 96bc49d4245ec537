//! Types for a table of text (pasted CSV), opt-in: each column whose
//! every non-empty cell reads as one type gets that type, and a format
//! made from what was seen (`#,##0.00` when the numbers had thousands
//! separators and two decimals, `0.0%` for `12.5%`, `"$"#,##0.00` for
//! `$1,234.50`). Percents and amounts become the numbers they show.
//! Anything else stays text, and so does text that only looks like a
//! number: a leading zero (`007`, a postcode or an id) or more digits
//! than a double holds.

use std::sync::Arc;

use crate::columns::{ColumnFormat, ColumnStyle};
use crate::numfmt::NumberFormat;
use crate::table::{Cell, Table};
use crate::typed::{ColumnType, Moment, MomentKind};

/// What one cell reads as.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Seen {
    Date,
    DateTime {
        seconds: bool,
    },
    Time {
        seconds: bool,
    },
    Boolean,
    /// A number: its value, its decimals, whether it had thousands
    /// separators, and how it was written.
    Number {
        value: f64,
        decimals: usize,
        grouped: bool,
        kind: NumberKind,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberKind {
    Plain,
    Percent,
    /// A currency amount, by its symbol.
    Currency(char),
}

const CURRENCIES: [char; 5] = ['$', '€', '£', '¥', '₹'];

/// A plain decimal as text: digits with optional `,` thousands groups
/// (of three) and a `.` fraction; (value, decimals, grouped).
fn decimal(s: &str) -> Option<(f64, usize, bool)> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) || s.ends_with('.') {
        return None;
    }
    let grouped = int.contains(',');
    if grouped {
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
    } else if !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = int.chars().filter(|c| *c != ',').collect();
    // A leading zero makes an id, not a number; so do more digits than a
    // double keeps.
    if (digits.len() > 1 && digits.starts_with('0')) || digits.len() + frac.len() > 15 {
        return None;
    }
    let value: f64 = format!("{digits}.{frac}0").parse().ok()?;
    Some((value, frac.len(), grouped))
}

/// What `s` reads as, if anything but text.
fn read(s: &str) -> Option<Seen> {
    let s = s.trim();
    if Moment::parse(s, MomentKind::Date).is_some() {
        return Some(Seen::Date);
    }
    if Moment::parse(s, MomentKind::DateTime).is_some() {
        return Some(Seen::DateTime {
            seconds: s.len() > 16,
        });
    }
    if Moment::parse(s, MomentKind::Time).is_some() {
        return Some(Seen::Time {
            seconds: s.len() > 5,
        });
    }
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") {
        return Some(Seen::Boolean);
    }
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (kind, digits) = if let Some(body) = body.strip_suffix('%') {
        (NumberKind::Percent, body.trim_end())
    } else if let Some(symbol) = body.chars().next().filter(|c| CURRENCIES.contains(c)) {
        (
            NumberKind::Currency(symbol),
            body[symbol.len_utf8()..].trim_start(),
        )
    } else if let Some(symbol) = body.chars().last().filter(|c| CURRENCIES.contains(c)) {
        (
            NumberKind::Currency(symbol),
            body[..body.len() - symbol.len_utf8()].trim_end(),
        )
    } else {
        (NumberKind::Plain, body)
    };
    let (value, decimals, grouped) = decimal(digits)?;
    let value = if negative { -value } else { value };
    let value = match kind {
        NumberKind::Percent => value / 100.0,
        _ => value,
    };
    Some(Seen::Number {
        value,
        decimals,
        grouped,
        kind,
    })
}

/// `table` with a type, and a format, for each column whose every
/// non-empty cell reads as one type, and those cells as their values
/// (percents and amounts as numbers). Columns already typed, and columns
/// of mixed or other text, are kept as they are.
///
/// # Examples
///
/// ```
/// use exporter_core::{infer_types, Cell, ColumnType, Table};
/// let pasted = Table::new(
///     vec!["Issued".into(), "Amount".into(), "Tax".into(), "Zip".into()],
///     vec![
///         vec!["2024-10-18".into(), "$1,132.80".into(), "20%".into(), "01234".into()],
///         vec!["2024-10-19".into(), "$12.00".into(), "7.5%".into(), "98101".into()],
///     ],
/// )?;
/// let typed = infer_types(pasted);
/// let kinds: Vec<_> = (0..4).map(|c| typed.column_style(c).kind).collect();
/// assert_eq!(kinds, [Some(ColumnType::Date), Some(ColumnType::Number), Some(ColumnType::Number), None]);
/// assert_eq!(typed.column_style(1).number_format().unwrap().code(), "\"$\"#,##0.00");
/// assert_eq!(typed.column_style(2).number_format().unwrap().code(), "0.0%");
/// assert_eq!(typed.row(0)[1], Cell::from(1132.8));
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub fn infer_types(mut table: Table) -> Table {
    let columns = table.column_count();
    let mut styles: Vec<ColumnStyle> = (0..columns).map(|c| table.column_style(c)).collect();
    for (c, style) in styles.iter_mut().enumerate() {
        if style.kind.is_some() {
            continue;
        }
        let Some((kind, code)) = infer_column(&table, c) else {
            continue;
        };
        style.kind = Some(kind);
        style.format = code.map(|code| {
            Arc::new(ColumnFormat {
                parsed: NumberFormat::parse(&code),
                code,
            })
        });
        if kind == ColumnType::Number {
            // Percents and amounts become the numbers they show.
            for row in table.rows_mut() {
                if let Some(cell @ Cell::String(_)) = row.get_mut(c)
                    && let Cell::String(s) = &*cell
                    && let Some(Seen::Number { value, .. }) = read(s)
                {
                    *cell = Cell::Number(value);
                }
            }
        }
    }
    table.with_styles(styles)
}

/// `table` as the JSON the table format takes: `{"title"?, "columns":
/// [{"header", "type"?, "format"?, "align"?, "width"?}], "rows"}`, each
/// cell as given (an integer beyond 2^53 as its digits in a string, a date
/// in ISO 8601, a link as `{"text", "url"}`). [`infer_types`] then this
/// gives the npm package's `inferTypes` its result.
pub fn table_json(table: &Table) -> String {
    use serde_json::{Map, Value, json};
    let columns: Vec<Value> = (0..table.column_count())
        .map(|c| {
            let style = table.column_style(c);
            let mut column = Map::new();
            column.insert("header".into(), json!(table.headers()[c]));
            if let Some(kind) = style.kind {
                column.insert("type".into(), json!(kind.name()));
            }
            if let Some(format) = &style.format {
                column.insert("format".into(), json!(format.code));
            }
            if let Some(align) = style.align {
                column.insert("align".into(), json!(align.name()));
            }
            if let Some(width) = style.width {
                column.insert("width".into(), json!(width));
            }
            Value::Object(column)
        })
        .collect();
    let rows: Vec<Value> = (0..table.row_count())
        .map(|r| {
            Value::Array(
                table
                    .row(r)
                    .iter()
                    .map(|cell| match cell {
                        Cell::Null => Value::Null,
                        Cell::Bool(b) => json!(b),
                        Cell::Number(n) => json!(n),
                        Cell::String(s) | Cell::Integer(s) => json!(s),
                        Cell::Moment(m) => json!(m.iso()),
                        Cell::Link(link) => json!({"text": link.text, "url": link.url}),
                    })
                    .collect(),
            )
        })
        .collect();
    let mut out = Map::new();
    if let Some(title) = table.title() {
        out.insert("title".into(), json!(title));
    }
    out.insert("columns".into(), Value::Array(columns));
    out.insert("rows".into(), Value::Array(rows));
    Value::Object(out).to_string()
}

/// The type and format of column `c`, when every non-empty cell reads as
/// one type.
fn infer_column(table: &Table, c: usize) -> Option<(ColumnType, Option<String>)> {
    let mut first: Option<Seen> = None;
    let (mut decimals, mut grouped, mut seconds) = (0usize, false, false);
    let mut any = false;
    for r in 0..table.row_count() {
        let seen = match table.row(r).get(c) {
            None | Some(Cell::Null) => continue,
            Some(Cell::String(s)) if s.trim().is_empty() => continue,
            Some(Cell::String(s)) => read(s)?,
            Some(Cell::Number(n)) => Seen::Number {
                value: *n,
                decimals: 0,
                grouped: false,
                kind: NumberKind::Plain,
            },
            Some(Cell::Bool(_)) => Seen::Boolean,
            Some(_) => return None,
        };
        any = true;
        let same = match (first, seen) {
            (None, _) => true,
            (Some(Seen::Number { kind: a, .. }), Seen::Number { kind: b, .. }) => a == b,
            (Some(a), b) => std::mem::discriminant(&a) == std::mem::discriminant(&b),
        };
        if !same {
            return None;
        }
        match seen {
            Seen::Number {
                decimals: d,
                grouped: g,
                ..
            } => {
                decimals = decimals.max(d);
                grouped |= g;
            }
            Seen::DateTime { seconds: s } | Seen::Time { seconds: s } => seconds |= s,
            _ => {}
        }
        first.get_or_insert(seen);
    }
    if !any {
        return None;
    }
    let fraction = if decimals > 0 {
        format!(".{}", "0".repeat(decimals.min(10)))
    } else {
        String::new()
    };
    let clock = if seconds { "hh:mm:ss" } else { "hh:mm" };
    Some(match first? {
        Seen::Date => (ColumnType::Date, Some("yyyy-mm-dd".into())),
        Seen::DateTime { .. } => (ColumnType::DateTime, Some(format!("yyyy-mm-dd {clock}"))),
        Seen::Time { .. } => (ColumnType::Time, Some(clock.into())),
        Seen::Boolean => (ColumnType::Boolean, None),
        Seen::Number { kind, .. } => {
            let number = format!("{}0{fraction}", if grouped { "#,##" } else { "" });
            let code = match kind {
                NumberKind::Plain if !grouped => None,
                NumberKind::Plain => Some(number),
                NumberKind::Percent => Some(format!("0{fraction}%")),
                NumberKind::Currency(symbol) => Some(format!("\"{symbol}\"#,##0{fraction}")),
            };
            (ColumnType::Number, code)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(cells: &[&str]) -> Option<(ColumnType, Option<String>)> {
        let rows = cells.iter().map(|s| vec![Cell::from(*s)]).collect();
        infer_column(&Table::new(vec!["a".into()], rows).unwrap(), 0)
    }

    #[test]
    fn columns_get_the_type_every_cell_has() {
        let number = |code: Option<&str>| Some((ColumnType::Number, code.map(str::to_owned)));
        assert_eq!(column(&["1", "2.5", "", "-3"]), number(None));
        assert_eq!(column(&["1,234.5", "12.25"]), number(Some("#,##0.00")));
        assert_eq!(column(&["12.5%", "7%"]), number(Some("0.0%")));
        assert_eq!(column(&["$1,132.80", "-$5"]), number(Some("\"$\"#,##0.00")));
        assert_eq!(column(&["12 €", "3,000 €"]), number(Some("\"€\"#,##0")));
        assert_eq!(
            column(&["2024-10-18", "2024-02-29"]),
            Some((ColumnType::Date, Some("yyyy-mm-dd".into())))
        );
        assert_eq!(
            column(&["2024-10-18T14:30", "2024-10-18T09:05:10"]),
            Some((ColumnType::DateTime, Some("yyyy-mm-dd hh:mm:ss".into())))
        );
        assert_eq!(
            column(&["09:15", "23:59"]),
            Some((ColumnType::Time, Some("hh:mm".into())))
        );
        assert_eq!(
            column(&["TRUE", "false"]),
            Some((ColumnType::Boolean, None))
        );
    }

    #[test]
    fn text_that_only_looks_like_a_type_stays_text() {
        for cells in [
            &["007", "12"][..],
            &["1", "x"],
            &["12%", "$3"],
            &["2024-10-18", "14:30"],
            &["1234567890123456"],
            &["1,23"],
            &["", ""],
            &["2024-02-30"],
        ] {
            assert_eq!(column(cells), None, "{cells:?}");
        }
    }

    #[test]
    fn the_typed_table_reads_back_the_same() {
        let pasted = Table::new(
            vec!["When".into(), "Amount".into(), "Note".into()],
            vec![
                vec!["2024-10-18".into(), "1,234.50".into(), "x, \"y\"".into()],
                vec!["2024-10-19".into(), "3".into(), Cell::Null],
            ],
        )
        .unwrap()
        .with_title("Pasted");
        let typed = infer_types(pasted);
        let json = table_json(&typed);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            serde_json::from_str::<serde_json::Value>(r##"{"title":"Pasted","columns":[{"header":"When","type":"date","format":"yyyy-mm-dd"},{"header":"Amount","type":"number","format":"#,##0.00"},{"header":"Note"}],"rows":[["2024-10-18",1234.5,"x, \"y\""],["2024-10-19",3.0,null]]}"##).unwrap()
        );
        assert_eq!(Table::from_json(&json).unwrap(), typed);
    }

    #[test]
    fn percents_and_amounts_become_numbers() {
        let table = Table::new(
            vec!["p".into(), "a".into()],
            vec![
                vec!["12.5%".into(), "$1,234.50".into()],
                vec![Cell::Null, "$2".into()],
            ],
        )
        .unwrap();
        let typed = infer_types(table);
        assert_eq!(typed.row(0), [Cell::from(0.125), Cell::from(1234.5)]);
        assert_eq!(typed.row(1), [Cell::Null, Cell::from(2.0)]);
    }
}
