//! Rowpress's core: a table in, the bytes of a PDF, DOCX or XLSX file out.
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

mod docx;
mod error;
mod layout;
mod opc;
mod options;
mod pdf;
mod table;
mod text;
mod xlsx;
mod zip_parts;

pub use error::{ExportError, Location, Result};
pub use options::{ExportOptions, Format, Margins, Orientation, PageSize};
pub use table::{Cell, Table};

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
    let mut progress = Progress::new(table.row_count(), progress);
    let bytes = match options.format {
        Format::Xlsx => xlsx::write(table, options, &mut progress)?,
        Format::Docx => {
            options.check_page()?;
            docx::write(table, options, &mut progress)?
        }
        Format::Pdf => {
            options.check_page()?;
            pdf::write(table, options, &mut progress)?
        }
    };
    progress.finish();
    Ok(bytes)
}

/// Reports rows done to the caller's callback, at most ~100 times.
pub(crate) struct Progress<'a> {
    total: usize,
    step: usize,
    next: usize,
    callback: &'a mut dyn FnMut(usize, usize),
}

impl<'a> Progress<'a> {
    fn new(total: usize, callback: &'a mut dyn FnMut(usize, usize)) -> Progress<'a> {
        let step = (total / 100).max(1);
        Progress {
            total,
            step,
            next: step,
            callback,
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
