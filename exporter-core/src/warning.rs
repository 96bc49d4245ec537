//! Values a format cannot hold as given but that were kept another way,
//! and the list an export gathers of them.

use std::fmt;

use crate::error::{ExportError, Location, Result};

/// Most warnings an export lists; past it they are only counted, so a
/// column of a million such values does not make a million messages.
pub const MAX_WARNINGS: usize = 100;

/// A value one format cannot hold as given, kept another way: where it is
/// and what was done. [`ExportOptions::strict`](crate::ExportOptions::strict)
/// makes each the error of the same [`code`](Warning::code).
///
/// # Examples
///
/// ```
/// use exporter_core::{export_with_warnings, ExportOptions, Format, Table};
/// let table = Table::from_json(r#"{"headers": ["id"], "rows": [[12345678901234567890]]}"#)?;
/// let out = export_with_warnings(&table, &ExportOptions::new(Format::Xlsx), &mut |_, _| {})?;
/// assert_eq!(
///     out.warnings[0].to_string(),
///     "row 1, column 1: the integer 12345678901234567890 is beyond 2^53, which Excel's numbers cannot hold exactly; written as text"
/// );
/// // PDF, DOCX and CSV write the digits as they are: nothing to warn of.
/// let out = export_with_warnings(&table, &ExportOptions::new(Format::Pdf), &mut |_, _| {})?;
/// assert!(out.warnings.is_empty());
/// # Ok::<(), exporter_core::ExportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The 1-based sheet the value is in, in a workbook of several sheets.
    pub sheet: Option<usize>,
    /// Where the value is.
    pub location: Location,
    /// The code of the error `strict` makes of it (`INVALID_NUMBER`, ...).
    pub code: &'static str,
    /// What was done, one lower-case line.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(sheet) = self.sheet {
            write!(f, "sheet {sheet}, ")?;
        }
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// A file and what was kept another way in it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Exported {
    /// The file.
    pub bytes: Vec<u8>,
    /// The first [`MAX_WARNINGS`] warnings, in the order of the table.
    pub warnings: Vec<Warning>,
    /// How many more there were.
    pub more_warnings: usize,
}

impl Exported {
    /// The line that stands for the warnings past [`MAX_WARNINGS`], if
    /// there were any: `150 more values were kept the same ways (only the
    /// first 100 are listed)`.
    pub fn more_warnings_line(&self) -> Option<String> {
        (self.more_warnings > 0).then(|| {
            format!(
                "{} more values were kept the same ways (only the first {} are listed)",
                self.more_warnings,
                self.warnings.len()
            )
        })
    }
}

/// Gathers an export's warnings, or turns the first into an error when
/// strict.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    pub(crate) strict: bool,
    /// The sheet warnings are about now (a workbook of several sheets).
    pub(crate) sheet: Option<usize>,
    pub(crate) list: Vec<Warning>,
    pub(crate) more: usize,
}

impl Warnings {
    /// An empty list; `strict`, it turns every warning into its error.
    pub(crate) fn new(strict: bool) -> Warnings {
        Warnings {
            strict,
            ..Warnings::default()
        }
    }

    /// A list that turns every warning into its error.
    pub(crate) fn strict() -> Warnings {
        Warnings::new(true)
    }

    /// Lists `warning`, or counts it past [`MAX_WARNINGS`].
    fn push(&mut self, mut warning: Warning) {
        warning.sheet = warning.sheet.or(self.sheet);
        if self.list.len() < MAX_WARNINGS {
            self.list.push(warning);
        } else {
            self.more += 1;
        }
    }

    /// Adds the warnings of `other` (gathered apart) before this list's.
    pub(crate) fn absorb(&mut self, other: Warnings) {
        let mine = std::mem::take(&mut self.list);
        self.more += other.more;
        self.list = other.list;
        for warning in mine {
            self.push(warning);
        }
    }

    /// Puts a workbook's warnings in the order of its sheets, keeping each
    /// sheet's in the order found. An insertion sort: at most
    /// [`MAX_WARNINGS`] of them, and no sort routine in the wasm module
    /// for each writer that calls this (`sort_by_key` added ~4.7 KB each).
    pub(crate) fn in_sheet_order(&mut self) {
        let list = &mut self.list;
        for i in 1..list.len() {
            let mut j = i;
            while j > 0 && list[j - 1].sheet > list[j].sheet {
                list.swap(j - 1, j);
                j -= 1;
            }
        }
    }

    /// Records `warning`; when strict, returns `error()` instead.
    pub(crate) fn keep(
        &mut self,
        warning: Warning,
        error: impl FnOnce() -> ExportError,
    ) -> Result<()> {
        if self.strict {
            return Err(error());
        }
        self.push(warning);
        Ok(())
    }
}
