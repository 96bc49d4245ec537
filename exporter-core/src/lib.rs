//! Rowpress's core: a table in, the bytes of a PDF, DOCX, XLSX or CSV file
//! out.
//!
//! The crate knows nothing of browsers, HTTP or databases; the wasm binding,
//! the upload server and the `table-export` program only translate their
//! world into calls of [`export`].
//!
//! ```
//! use exporter_core::{export, ExportOptions, Format, Table};
//!
//! let table = Table::from_json(
//!     r#"{"title": "Quarterly sales", "headers": ["Order", "Qty", "Paid"],
//!         "rows": [["A-1", 3, true], ["A-2", null, false]]}"#,
//! )?;
//! for format in Format::ALL {
//!     let bytes = export(&table, &ExportOptions::new(format).created_at(1_700_000_000))?;
//!     assert!(!bytes.is_empty());
//! }
//! # Ok::<(), exporter_core::ExportError>(())
//! ```
//!
//! Every error is an [`ExportError`]: a stable code and a one-line message
//! naming the row, column or option at fault. Nothing panics on bad input,
//! and a failed export returns no bytes at all.

use std::borrow::Cow;

mod columns;
mod csv;
mod docx;
mod error;
mod infer;
mod layout;
mod names;
mod numfmt;
mod opc;
mod options;
mod pdf;
mod rows;
mod table;
mod text;
mod typed;
mod warning;
mod xlsx;
mod xml;
mod zip_parts;

pub use columns::{Align, ColumnFormat, ColumnStyle};
pub use error::{ExportError, Location, Result};
pub use infer::{infer_types, table_json};
pub use names::{file_name, refused_in_file_name};
pub use numfmt::{NumberFormat, Unsupported};
pub use options::{ExportOptions, Format, Margins, Orientation, PageSize};
pub use rows::{RowSource, StreamedTable, read_row};
pub use table::{Cell, Link, Table, TableShape};
pub use typed::{ColumnType, Moment, MomentKind};
pub use warning::{Exported, MAX_WARNINGS, Warning};

/// Exports `table` in the format and with the options of `options`.
///
/// # Errors
///
/// Any [`ExportError`] about the table's fit with the format (too many rows
/// or columns, text too long, a character no font has) or about the options.
///
/// # Examples
///
/// ```
/// use exporter_core::{export, ExportOptions, Format, Table};
/// let table = Table::from_json(r#"{"headers": ["a"], "rows": [["x"]]}"#)?;
/// let pdf = export(&table, &ExportOptions::new(Format::Pdf))?;
/// assert!(pdf.starts_with(b"%PDF-"));
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub fn export(table: &Table, options: &ExportOptions) -> Result<Vec<u8>> {
    export_with_progress(table, options, &mut |_, _| {})
}

/// Like [`export`], calling `progress(rows_done, rows_total)` as rows are
/// written: at least once per 1% of the rows, and once at the end.
///
/// # Errors
///
/// As [`export`].
///
/// # Examples
///
/// ```
/// use exporter_core::{export_with_progress, ExportOptions, Format, Table};
/// let table = Table::from_json(r#"{"headers": ["a"], "rows": [[1], [2], [3]]}"#)?;
/// let mut seen = Vec::new();
/// export_with_progress(&table, &ExportOptions::new(Format::Xlsx), &mut |done, total| {
///     seen.push((done, total))
/// })?;
/// assert_eq!(seen.last(), Some(&(3, 3)));
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub fn export_with_progress(
    table: &Table,
    options: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>> {
    export_with_warnings(table, options, progress).map(|out| out.bytes)
}

/// Like [`export_with_progress`], returning with the file the values it
/// kept another way than given (see [`Warning`]); with
/// [`ExportOptions::strict`] the first of them is an error instead.
///
/// # Errors
///
/// As [`export`].
///
/// # Examples
///
/// ```
/// use exporter_core::{export_with_warnings, ExportOptions, Format, Table};
/// let table = Table::from_json(r#"{"headers": ["big"], "rows": [[1e308]]}"#)?;
/// let out = export_with_warnings(&table, &ExportOptions::new(Format::Xlsx), &mut |_, _| {})?;
/// assert_eq!(out.warnings[0].code, "INVALID_NUMBER");
/// assert!(out.bytes.starts_with(b"PK"));
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub fn export_with_warnings(
    table: &Table,
    options: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Exported> {
    run(
        table.row_count(),
        options,
        progress,
        |progress| match options.format {
            Format::Xlsx | Format::Csv => write_rows(table, options, progress),
            Format::Docx | Format::Pdf => lay_out(Cow::Borrowed(table), options, progress),
        },
    )
}

/// [`export_with_warnings`] of a table the caller gives up: PDF and DOCX
/// then turn its typed cells into the text they show in place, instead of
/// in a copy of the table (about the table's size again in memory).
///
/// # Errors
///
/// As [`export`].
///
/// # Examples
///
/// ```
/// use exporter_core::{export_table, ExportOptions, Format, Table};
/// let table = Table::from_json(r##"{"columns": [{"header": "Amount", "type": "number", "format": "#,##0.00"}], "rows": [[1132.8]]}"##)?;
/// let out = export_table(table, &ExportOptions::new(Format::Pdf), &mut |_, _| {})?;
/// assert!(out.bytes.starts_with(b"%PDF-") && out.warnings.is_empty());
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub fn export_table(
    table: Table,
    options: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Exported> {
    match options.format {
        Format::Xlsx | Format::Csv => export_with_warnings(&table, options, progress),
        Format::Docx | Format::Pdf => run(table.row_count(), options, progress, |progress| {
            lay_out(Cow::Owned(table), options, progress)
        }),
    }
}

/// Like [`export_with_progress`], for a table whose rows are read from
/// their [`RowSource`] as they are written. XLSX reads each row twice
/// (once to check and measure it, once to write it) and holds one row at
/// a time; PDF and DOCX lay out the whole table, so they read it into a
/// [`Table`] first.
///
/// # Errors
///
/// As [`export`], and the first error the source reports for a row.
///
/// # Examples
///
/// ```
/// use exporter_core::{export_streamed, Cell, ExportOptions, Format, RowSource, StreamedTable, Table};
/// struct Numbers(usize);
/// impl RowSource for Numbers {
///     fn row_count(&self) -> usize { self.0 }
///     fn read_row(&self, row: usize, cells: &mut Vec<Cell>) -> exporter_core::Result<()> {
///         cells.clear();
///         cells.push(Cell::from(row as f64));
///         Ok(())
///     }
/// }
/// let head = Table::new(vec!["n".into()], vec![])?.with_title("Numbers");
/// let table = StreamedTable::new(&head, &Numbers(1000))?;
/// let xlsx = export_streamed(&table, &ExportOptions::new(Format::Xlsx), &mut |_, _| {})?;
/// assert!(xlsx.starts_with(b"PK"));
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub fn export_streamed(
    table: &StreamedTable<'_>,
    options: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>> {
    export_streamed_with_warnings(table, options, progress).map(|out| out.bytes)
}

/// [`export_streamed`] with the warnings of [`export_with_warnings`].
///
/// # Errors
///
/// As [`export_streamed`].
pub fn export_streamed_with_warnings(
    table: &StreamedTable<'_>,
    options: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Exported> {
    match options.format {
        Format::Xlsx | Format::Csv => run(
            rows::Rows::row_count(table),
            options,
            progress,
            |progress| write_rows(table, options, progress),
        ),
        // Read whole, then typed in place: no second copy of the table.
        Format::Docx | Format::Pdf => run(
            rows::Rows::row_count(table),
            options,
            progress,
            |progress| lay_out(Cow::Owned(table.to_table()?), options, progress),
        ),
    }
}

/// PDF or DOCX of a whole table, each cell of a typed column read as its
/// type and turned into the text it shows first, once.
fn lay_out(
    table: Cow<'_, Table>,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    options.check_page()?;
    typed::warn_of_formats(table.as_ref(), &mut progress.warnings)?;
    let typed = typed::typed_table(table, &mut progress.warnings)?;
    if options.format == Format::Docx {
        docx::write(&typed, options, progress)
    } else {
        pdf::write(&typed, options, progress)
    }
}

/// XLSX or CSV of `rows`, read a row at a time (XLSX twice, CSV once),
/// each cell read as its column's type as it is written: no typed copy
/// of the table is made, whether it is in memory or streamed.
fn write_rows(
    rows: &dyn rows::Rows,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    typed::warn_of_formats(rows, &mut progress.warnings)?;
    let typed = typed::TypedRows::wrap(rows, options.strict);
    let source: &dyn rows::Rows = match &typed {
        Some(typed) => typed,
        None => rows,
    };
    let bytes = if options.format == Format::Csv {
        csv::write(source, options, progress)?
    } else {
        xlsx::write(source, options, progress)?
    };
    if let Some(typed) = typed {
        progress.warnings.absorb(typed.into_warnings());
    }
    Ok(bytes)
}

/// What every export does around its writer: the checks all formats share,
/// then `write`, then the final progress call.
fn run(
    rows: usize,
    options: &ExportOptions,
    callback: &mut dyn FnMut(usize, usize),
    write: impl FnOnce(&mut Progress<'_>) -> Result<Vec<u8>>,
) -> Result<Exported> {
    let mut progress = Progress::new(rows, callback);
    progress.warnings.strict = options.strict;
    options.check_common()?;
    let bytes = write(&mut progress)?;
    progress.finish();
    Ok(Exported {
        bytes,
        warnings: progress.warnings.list,
        more_warnings: progress.warnings.more,
    })
}

/// What a writer reports back as it goes: rows done, to the caller's
/// callback at most ~100 times, and the values it kept another way.
pub(crate) struct Progress<'a> {
    total: usize,
    step: usize,
    next: usize,
    callback: &'a mut dyn FnMut(usize, usize),
    pub(crate) warnings: warning::Warnings,
}

impl<'a> Progress<'a> {
    fn new(total: usize, callback: &'a mut dyn FnMut(usize, usize)) -> Progress<'a> {
        let step = (total / 100).max(1);
        Progress {
            total,
            step,
            next: step,
            callback,
            warnings: warning::Warnings::default(),
        }
    }

    /// Called with the number of rows done so far.
    #[inline]
    pub(crate) fn rows_done(&mut self, done: usize) {
        if done >= self.next && done < self.total {
            self.next = done + self.step;
            (self.callback)(done, self.total);
        }
    }

    fn finish(&mut self) {
        (self.callback)(self.total, self.total);
    }
}
