//! CSV (RFC 4180): the headers, then one record per row, fields separated
//! by commas and records by CRLF, UTF-8 (with a byte order mark on
//! request: Excel needs one to read UTF-8). Values are written so that a
//! program reads them back: numbers as JavaScript writes them, integers
//! beyond 2^53 as their digits, booleans as `true`/`false`, empty cells
//! as empty fields. CSV has no title; the title is not written.
//!
//! Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
//! `@`, a tab or a carriage return, and not a plain number) is written
//! with a leading apostrophe, as OWASP's "CSV injection" advice says, with
//! a warning naming the cell; `strict` refuses it instead.

use crate::columns::ColumnStyle;
use crate::error::{ExportError, Location, Result};
use crate::options::ExportOptions;
use crate::rows::Rows;
use crate::table::Cell;
use crate::text;
use crate::warning::Warning;
use crate::{Book, Progress, typed};

/// Bytes written before the caller's buffer is grown, per row.
const ROW_GUESS: usize = 64;

/// CSV of the one sheet of `book` (`check_book` refuses more).
pub(crate) fn write(
    book: &Book<'_, dyn Rows + '_>,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    let Some(sheet) = book.sheets.first() else {
        return Err(ExportError::internal("CSV", "a book without sheets"));
    };
    book.start(0, progress);
    write_table(sheet.rows, options, progress).map_err(|e| book.in_sheet(0, e))
}

fn write_table(
    table: &dyn Rows,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(table.row_count().saturating_mul(ROW_GUESS).min(1 << 26));
    if options.csv_bom {
        out.extend_from_slice("\u{FEFF}".as_bytes());
    }
    let headers = table.headers();
    for (c, header) in headers.iter().enumerate() {
        if c > 0 {
            out.push(b',');
        }
        push_text(
            &mut out,
            header,
            Location::Header { column: c + 1 },
            progress,
        )?;
    }
    if !headers.is_empty() {
        out.extend_from_slice(b"\r\n");
    }
    let columns = headers.len();
    // Typed columns shown through their formats, when asked.
    let displayed: Vec<Option<ColumnStyle>> = (0..columns)
        .map(|c| {
            let style = table.column_style(c);
            (options.csv_as_displayed && style.kind.is_some()).then_some(style)
        })
        .collect();
    table.each_row(&mut |row, cells| {
        for (c, displayed) in displayed.iter().enumerate() {
            if c > 0 {
                out.push(b',');
            }
            let location = Location::Cell {
                row: row + 1,
                column: c + 1,
            };
            let cell = cells.get(c).unwrap_or(&Cell::Null);
            if let Some(style) = displayed {
                push_text(&mut out, &typed::shown(cell, style), location, progress)?;
                continue;
            }
            match cell {
                Cell::Null => {}
                Cell::String(s) => push_text(&mut out, s, location, progress)?,
                // ISO 8601, as a program reads it back.
                Cell::Moment(m) => out.extend_from_slice(m.iso().as_bytes()),
                // The address is the value; its text is how it is shown.
                Cell::Link(link) => push_text(&mut out, &link.url, location, progress)?,
                // Numbers, booleans and long integers need no quotes.
                other => out.extend_from_slice(text::cell_text(other).as_bytes()),
            }
        }
        out.extend_from_slice(b"\r\n");
        progress.rows_done(row + 1);
        Ok(())
    })?;
    Ok(out)
}

/// Writes one text field: quoted when it holds a comma, a quote or a line
/// break (quotes doubled), and neutralised when a spreadsheet would take
/// it for a formula.
fn push_text(
    out: &mut Vec<u8>,
    s: &str,
    location: Location,
    progress: &mut Progress<'_>,
) -> Result<()> {
    let formula = runs_as_formula(s);
    if formula {
        progress.warnings.keep(
            Warning {
                sheet: None,
                location,
                code: "FORMULA_TEXT",
                message: format!(
                    "text starting with {:?} is written with a leading apostrophe, so a spreadsheet shows it rather than running it as a formula",
                    s.chars().next().unwrap_or(' ')
                ),
            },
            || ExportError::FormulaText { location },
        )?;
    }
    let quote = formula || s.contains([',', '"', '\r', '\n']);
    if quote {
        out.push(b'"');
    }
    if formula {
        out.push(b'\'');
    }
    if s.contains('"') {
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
    } else {
        out.extend_from_slice(s.as_bytes());
    }
    if quote {
        out.push(b'"');
    }
    Ok(())
}

/// Whether a spreadsheet opening the CSV would run `s` as a formula
/// (OWASP's list of first characters), which a number as written or as
/// displayed is not: `-5`, `+1.5`, `-1,234.50`, `-12.5 %`, `-2.83E+03`,
/// `-€ 2,825.78` (digits, points, commas, spaces, percent and currency
/// signs, and an exponent, make no formula).
fn runs_as_formula(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return false;
    }
    if !matches!(first, '+' | '-') {
        return true;
    }
    let rest = &s[1..];
    // An exponent at the end: `E+03`, `E-4`.
    let mantissa = match rest.rfind(['E', 'e']) {
        Some(at) => {
            let exp = rest[at + 1..].trim_start_matches(['+', '-']);
            if exp.is_empty() || !exp.bytes().all(|b| b.is_ascii_digit()) {
                return true;
            }
            &rest[..at]
        }
        None => rest,
    };
    const CURRENCY: &str = "$€£¥₹₽₩¢₺₪₫₴₦₱฿";
    let plain = mantissa
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '%') || CURRENCY.contains(c))
        && mantissa
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || CURRENCY.contains(c))
        && mantissa.bytes().any(|b| b.is_ascii_digit());
    !plain
}

#[cfg(test)]
mod tests {
    use super::runs_as_formula;

    #[test]
    fn formulas_are_told_from_numbers() {
        for s in [
            "=1+1",
            "+SUM(A1)",
            "-2+3",
            "@cmd",
            "\tx",
            "\rx",
            "-",
            "+",
            "-.",
            "=",
            "-1e5x",
            "-E+3",
            "-2,826 units",
            "-1+cmd|' /C calc'!A0",
        ] {
            assert!(runs_as_formula(s), "{s:?}");
        }
        for s in [
            "",
            "-5",
            "+1.5",
            "-0.25",
            "a=b",
            " =1",
            "5-3",
            "-1,234.50",
            "-12.5 %",
            "-2.83E+03",
            "-€ 2,825.78",
            "-$5.00",
        ] {
            assert!(!runs_as_formula(s), "{s:?}");
        }
    }
}
