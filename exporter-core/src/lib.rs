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
mod scripts;
#[cfg(feature = "system-fonts")]
pub mod system_fonts;
mod table;
mod text;
mod typed;
mod warning;
mod workbook;
mod xlsx;
mod xml;
mod zip_parts;

pub use columns::{Align, ColumnFormat, ColumnStyle};
pub use error::{ExportError, Location, Result};
pub use infer::{infer_types, table_json};
pub use names::{file_name, refused_in_file_name};
pub use numfmt::{NumberFormat, Unsupported};
pub use options::{ExportOptions, Format, Margins, Orientation, PageSize};
pub use rows::{JsonRows, RowSource, StreamedTable, read_row};
pub use scripts::{FontScript, scripts_needed};
pub use table::{Cell, Link, Table, TableShape};
pub use typed::{ColumnType, Moment, MomentKind, shown_columns};
pub use warning::{Exported, MAX_WARNINGS, Warning};
pub use workbook::{Workbook, WorkbookShape};

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
            Format::Xlsx | Format::Csv => {
                write_rows(&Book::of_table(table, options), options, progress)
            }
            Format::Docx | Format::Pdf => {
                lay_out(vec![Cow::Borrowed(table)], None, options, progress)
            }
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
            lay_out(vec![Cow::Owned(table)], None, options, progress)
        }),
    }
}

/// Exports a [`Workbook`]: XLSX writes one worksheet per sheet; PDF and
/// DOCX write the sheets in order, each under its title (or name), each
/// starting a page; CSV, one table per file, takes a workbook of one sheet
/// only. A workbook made from a table exports as [`export_table`] does.
///
/// Errors and warnings about a sheet of a workbook name it (`sheet 2
/// ("Costs"): row 3, column 2: ...`; [`Warning::sheet`]).
///
/// # Errors
///
/// As [`export`]; [`ExportError::InvalidSheetName`] for a `name` Excel
/// refuses or two sheets of one name (XLSX); [`ExportError::InvalidOption`]
/// for CSV of several sheets, or `sheetName` with several sheets.
///
/// # Examples
///
/// ```
/// use exporter_core::{export_workbook, ExportOptions, Format, Workbook};
/// let book = Workbook::from_json(r#"{"title": "2024", "sheets": [
///     {"name": "Sales", "headers": ["Order"], "rows": [["A-1"]]},
///     {"name": "Costs", "headers": ["Item"], "rows": [["Rent"]]}]}"#)?;
/// let out = export_workbook(book.clone(), &ExportOptions::new(Format::Xlsx), &mut |_, _| {})?;
/// assert!(out.bytes.starts_with(b"PK"));
/// let err = export_workbook(book, &ExportOptions::new(Format::Csv), &mut |_, _| {}).unwrap_err();
/// assert_eq!(err.code(), "INVALID_OPTION");
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
pub fn export_workbook(
    workbook: Workbook,
    options: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Exported> {
    let (title, mut sheets, is_book) = workbook.into_parts();
    if !is_book && let Some(table) = sheets.pop() {
        // A workbook made from a table holds that one table.
        return export_table(table, options, progress);
    }
    let rows = sheets.iter().map(Table::row_count).sum();
    run(rows, options, progress, |progress| {
        options.check_book(sheets.len())?;
        match options.format {
            Format::Xlsx | Format::Csv => {
                let book = Book::of_sheets(sheets.iter(), title.as_deref(), options);
                write_rows(&book, options, progress)
            }
            Format::Docx | Format::Pdf => {
                let sheets = sheets.into_iter().map(Cow::Owned).collect();
                lay_out(sheets, Some(title.as_deref()), options, progress)
            }
        }
    })
}

/// What a writer is given: one or more sheets, and the document's title.
pub(crate) struct Book<'a, T: ?Sized> {
    /// The title of the whole document (its properties).
    pub(crate) title: Option<&'a str>,
    pub(crate) sheets: Vec<Sheet<'a, T>>,
    /// Whether messages number the sheets (a workbook, not a table).
    numbered: bool,
}

/// One sheet of a [`Book`].
pub(crate) struct Sheet<'a, T: ?Sized> {
    pub(crate) rows: &'a T,
    /// Written above the table (XLSX's title row).
    pub(crate) title: Option<&'a str>,
    /// The sheet name asked for (checked by XLSX), if any.
    pub(crate) name: Option<&'a str>,
}

impl<T: ?Sized> Sheet<'_, T> {
    /// The heading PDF and DOCX show above the table: its title, else its name.
    pub(crate) fn heading(&self) -> Option<&str> {
        self.title.or(self.name).filter(|t| !t.is_empty())
    }
}

impl<T: rows::Rows + ?Sized> Book<'_, T> {
    /// Starts sheet `i` for `progress`: its rows count after those of the
    /// sheets before it, its warnings name it.
    pub(crate) fn start(&self, i: usize, progress: &mut Progress<'_>) {
        progress.offset = self.sheets[..i].iter().map(|s| s.rows.row_count()).sum();
        progress.warnings.sheet = self.number(i);
    }
}

impl<'a, T: rows::Rows> Book<'a, T> {
    /// A table as a book of one sheet, titled as the options say.
    fn of_table(table: &'a T, options: &'a ExportOptions) -> Self {
        let title = options.effective_title(table.title());
        Book {
            title,
            sheets: vec![Sheet {
                rows: table,
                title,
                name: options.sheet_name.as_deref().or(table.name()),
            }],
            numbered: false,
        }
    }
}

impl<'a> Book<'a, Table> {
    /// The sheets of a workbook: each titled as it says, the document as
    /// the options, else the workbook, else its only sheet say.
    fn of_sheets(
        sheets: impl ExactSizeIterator<Item = &'a Table>,
        title: Option<&'a str>,
        options: &'a ExportOptions,
    ) -> Self {
        let one = sheets.len() == 1;
        let sheets: Vec<Sheet<'a, Table>> = sheets
            .map(|t| Sheet {
                rows: t,
                title: t.title().filter(|t| !t.is_empty()),
                // `sheetName` may name the one sheet (check_book).
                name: options.sheet_name.as_deref().filter(|_| one).or(t.name()),
            })
            .collect();
        let only = match sheets.as_slice() {
            [one] => one.title,
            _ => None,
        };
        Book {
            title: options.effective_title(title.or(only)),
            sheets,
            numbered: true,
        }
    }
}

impl<'a, T: ?Sized> Book<'a, T> {
    /// The 1-based number of sheet `i` in messages, in a workbook.
    pub(crate) fn number(&self, i: usize) -> Option<usize> {
        self.numbered.then_some(i + 1)
    }

    /// `err` said of sheet `i`, in a workbook.
    pub(crate) fn in_sheet(&self, i: usize, err: ExportError) -> ExportError {
        err.in_sheet_if(self.number(i), self.sheets[i].name)
    }

    /// The same book over other rows (`rows(i, sheet)` for sheet `i`).
    fn map<'b, U: ?Sized>(&self, mut rows: impl FnMut(usize, &Sheet<'a, T>) -> &'b U) -> Book<'b, U>
    where
        'a: 'b,
    {
        Book {
            title: self.title,
            sheets: self
                .sheets
                .iter()
                .enumerate()
                .map(|(i, s)| Sheet {
                    rows: rows(i, s),
                    title: s.title,
                    name: s.name,
                })
                .collect(),
            numbered: self.numbered,
        }
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
            |progress| write_rows(&Book::of_table(table, options), options, progress),
        ),
        // Read whole, then typed in place: no second copy of the table.
        Format::Docx | Format::Pdf => run(
            rows::Rows::row_count(table),
            options,
            progress,
            |progress| lay_out(vec![Cow::Owned(table.to_table()?)], None, options, progress),
        ),
    }
}

/// PDF or DOCX of whole tables, each cell of a typed column read as its
/// type and turned into the text it shows first, once. `book` is the
/// workbook's title when the tables are its sheets, `None` for one table.
fn lay_out(
    tables: Vec<Cow<'_, Table>>,
    book: Option<Option<&str>>,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    options.check_page()?;
    let numbered = book.is_some();
    let mut typed = Vec::with_capacity(tables.len());
    for (i, table) in tables.into_iter().enumerate() {
        let sheet = numbered.then_some(i + 1);
        progress.warnings.sheet = sheet;
        let name = table.name().map(str::to_owned);
        let wrap = |e: ExportError| e.in_sheet_if(sheet, name.as_deref());
        typed::warn_of_formats(table.as_ref(), &mut progress.warnings).map_err(wrap)?;
        typed.push(typed::typed_table(table, &mut progress.warnings).map_err(wrap)?);
    }
    progress.warnings.sheet = None;
    let book = match book {
        Some(title) => Book::of_sheets(typed.iter().map(AsRef::as_ref), title, options),
        None => Book::of_table(typed[0].as_ref(), options),
    };
    if options.format == Format::Docx {
        docx::write(&book, options, progress)
    } else {
        pdf::write(&book, options, progress)
    }
}

/// XLSX or CSV of `book`'s rows, read a row at a time (XLSX twice, CSV
/// once), each cell read as its column's type as it is written: no typed
/// copy of a table is made, whether it is in memory or streamed.
fn write_rows<T: rows::Rows>(
    book: &Book<'_, T>,
    options: &ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<Vec<u8>> {
    let mut typed = Vec::with_capacity(book.sheets.len());
    for (i, sheet) in book.sheets.iter().enumerate() {
        progress.warnings.sheet = book.number(i);
        typed::warn_of_formats(sheet.rows, &mut progress.warnings)
            .map_err(|e| book.in_sheet(i, e))?;
        typed.push(typed::TypedRows::wrap(sheet.rows, options.strict));
    }
    progress.warnings.sheet = None;
    let source: Book<'_, dyn rows::Rows + '_> = book.map(|i, sheet| match &typed[i] {
        Some(typed) => typed as &(dyn rows::Rows + '_),
        None => sheet.rows as &(dyn rows::Rows + '_),
    });
    let bytes = if options.format == Format::Csv {
        csv::write(&source, options, progress)?
    } else {
        xlsx::write(&source, options, progress)?
    };
    drop(source);
    for (i, typed) in typed.into_iter().enumerate().rev() {
        if let Some(typed) = typed {
            let mut gathered = typed.into_warnings();
            for warning in &mut gathered.list {
                warning.sheet = book.number(i);
            }
            progress.warnings.absorb(gathered);
        }
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
    progress.warnings.in_sheet_order();
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
    /// Rows of the sheets before the one being written.
    pub(crate) offset: usize,
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
            offset: 0,
            step,
            next: step,
            callback,
            warnings: warning::Warnings::default(),
        }
    }

    /// Called with the number of rows done so far.
    #[inline]
    pub(crate) fn rows_done(&mut self, done: usize) {
        let done = self.offset + done;
        if done >= self.next && done < self.total {
            self.next = done + self.step;
            (self.callback)(done, self.total);
        }
    }

    fn finish(&mut self) {
        (self.callback)(self.total, self.total);
    }
}
